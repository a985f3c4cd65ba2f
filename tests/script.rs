//! The REPL's session, without a terminal: transcripts, errors, absurd input, and fuzzing.

mod common;

use approx::assert_relative_eq;
use circuitgrad::script::{MAX_LINE, Reply, ScriptError, Session};
use proptest::prelude::*;

fn text(reply: Result<Reply, ScriptError>) -> String {
    match reply {
        Ok(Reply::Text(t)) => t,
        other => panic!("expected text, got {other:?}"),
    }
}

fn run_all(session: &mut Session, lines: &[&str]) {
    for line in lines {
        assert_eq!(session.run(line), Ok(Reply::Nothing), "{line}");
    }
}

/// A fresh folder for a test's files, named for the test and this process.
fn scratch_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("circuitgrad-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What `:draw NAME PATH` replies.
fn draw(s: &mut Session, name: &str, path: &std::path::Path) -> String {
    text(s.run(&format!(":draw {name} {}", path.display())))
}

/// Names, the node each is bound to, and its data: what "every binding is as it was" compares.
fn snapshot(session: &Session) -> Vec<(String, f64, usize)> {
    session
        .names()
        .map(|n| {
            let v = session.get(n).unwrap();
            (n.to_string(), v.data(), v.inputs().len())
        })
        .collect()
}

#[test]
fn the_tutorials_circuit_as_a_session() {
    let mut s = Session::new();
    run_all(
        &mut s,
        &["x = -2", "y = 5", "z = -4", "q = x + y", "f = q * z"],
    );
    assert_eq!(text(s.run("f")), "-12");
    assert_eq!(
        text(s.run(":backward f")),
        "x.grad = -4\ny.grad = -4\nz.grad = 3\nq.grad = -4\nf.grad = 1"
    );
    assert_eq!(text(s.run(":grad z")), "z.grad = 3");
    // A 0.01 step along the gradient, typed as arithmetic: (-2.04 + 4.96) * -3.97.
    assert_eq!(
        text(s.run("(x - 0.04 + y - 0.04) * (z + 0.03)")),
        "-11.5924"
    );
    assert!(text(s.run(":trace f")).starts_with("# | node | op   | inputs | data | grad"));
}

#[test]
fn grad_binds_the_gradient_as_a_circuit_of_its_own() {
    let mut s = Session::new();
    // f = x³y at x = 2, y = 3: ∂f/∂x = 3x²y = 36, ∂²f/∂x² = 6xy = 36, ∂²f/∂x∂y = 3x² = 12.
    run_all(&mut s, &["x = 2", "y = 3", "f = x^3 * y", "g = grad(f, x)"]);
    assert_eq!(text(s.run("g")), "36");
    assert_eq!(text(s.run("grad(g, x)")), "36");
    assert_eq!(text(s.run("grad(g, y)")), "12");
    assert_eq!(text(s.run("grad(f, y)")), "8"); // x³
    // :backward on the gradient circuit gives the second derivatives, in the names' grads.
    assert_eq!(
        text(s.run(":backward g")),
        "x.grad = 36\ny.grad = 12\ng.grad = 1"
    );
    // The gradient's last node is `0 + …`, as backward() starts each grad at 0, and is named
    // after what it is.
    let trace = text(s.run(":trace g"));
    let last = trace.lines().last().unwrap();
    assert!(last.contains("| ∂f/∂x | + 0 "), "{trace}");
    assert!(
        trace.contains("^2"),
        "the derivative of x^3 is built with x^2: {trace}"
    );
    // With respect to something f does not depend on: 0; a number has no derivative to take.
    run_all(&mut s, &["w = 5"]);
    assert_eq!(text(s.run("grad(f, w)")), "0");
    assert_eq!(text(s.run("grad(7, x)")), "0");
    let err = s.run("grad(f, 2)").unwrap_err().to_string();
    assert!(
        err.contains("a value to differentiate with respect to") && err.contains("column 9"),
        "{err}"
    );
    assert!(s.run("grad(f)").is_err());
    assert!(s.run("grad = 3").is_err()); // a function's name is not a binding
}

#[test]
fn check_prints_each_leafs_grad_beside_a_central_difference() {
    let mut s = Session::new();
    run_all(
        &mut s,
        &["x = 0.5", "y = -1.5", "w = 7", "f = tanh(x * y) + x^3"],
    );
    let table = text(s.run(":check f"));
    let lines: Vec<&str> = table.lines().collect();
    // w is not below f: only x and y are checked.
    assert!(
        lines[0].starts_with("gradcheck: 2 of 2 values pass (step 1e-6"),
        "{table}"
    );
    assert!(lines[1].starts_with("value | analytic"), "{table}");
    // ∂f/∂x = y(1 - tanh²(xy)) + 3x², written by hand.
    let t = (0.5f64 * -1.5).tanh();
    let want = -1.5 * (1.0 - t * t) + 3.0 * 0.25;
    let analytic: f64 = lines[2].split('|').nth(1).unwrap().trim().parse().unwrap();
    assert!((analytic - want).abs() < 1e-15, "{analytic} vs {want}");
    assert!(
        lines[2].trim_end().ends_with("| ok") && lines[3].starts_with("y "),
        "{table}"
    );
    // A kink is reported as one.
    run_all(&mut s, &["z = 0", "g = relu(z) + z"]);
    assert!(text(s.run(":check g")).contains("kink within the step"));
    assert!(s.run(":check").is_err() && s.run(":check nothing").is_err());
}

#[test]
fn why_says_where_a_nan_starts_or_that_there_is_none() {
    let mut s = Session::new();
    run_all(
        &mut s,
        &["x = 2", "y = x - 3", "l = ln(y)", "f = l * x + 1"],
    );
    assert_eq!(
        text(s.run(":why f")),
        "forward: ln(-1) (node 2, l) is NaN, from finite inputs (ln is -inf at 0 and NaN below 0)"
    );
    run_all(&mut s, &["z = 0", "r = sqrt(z)", "g = r * 2"]);
    assert!(
        text(s.run(":why g"))
            .starts_with("backward: sqrt(0) (node 1, r) has the local derivative inf")
    );
    assert_eq!(
        text(s.run(":why x")),
        "no NaN or infinity below x: every value, and every grad of a backward pass from it, is finite"
    );
    // :why changes nothing: no grad was written.
    assert_eq!(text(s.run(":grad z")), "z.grad = 0");
}

#[test]
#[cfg(feature = "svg")] // the session draws an SVG picture
fn the_readmes_repl_session_is_what_a_session_prints() {
    let readme = include_str!("../README.md");
    let session = readme
        .split("## A REPL session\n\n```text\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the README has a REPL session");
    let mut s = Session::new();
    let mut lines = session.lines().skip(2).peekable(); // the command and the banner
    let mut checked = 0;
    while let Some(line) = lines.next() {
        let input = line.strip_prefix(">>> ").expect("an input line");
        let mut shown = Vec::new();
        while lines.peek().is_some_and(|l| !l.starts_with(">>> ")) {
            shown.push(lines.next().unwrap());
        }
        let printed = match s.run(input) {
            Ok(Reply::Text(text)) => text,
            Ok(_) => String::new(),
            Err(e) => e.render(input),
        };
        if input.starts_with(":draw") {
            assert!(printed.starts_with("wrote "), "{printed}");
            let file = input.split_whitespace().last().unwrap();
            let _ = std::fs::remove_file(file);
        } else {
            assert_eq!(printed, shown.join("\n"), "after `{input}`");
        }
        checked += 1;
    }
    assert!(checked > 10);
}

#[test]
fn grad_can_be_drawn() {
    let dir = scratch_dir("grad");
    let file = dir.join("g.dot");
    let mut s = Session::new();
    run_all(&mut s, &["x = 0.5", "f = tanh(x) * x", "g = grad(f, x)"]);
    assert_eq!(
        draw(&mut s, "g", &file),
        format!("wrote {}", file.display())
    );
    let dot = std::fs::read_to_string(&file).unwrap();
    assert!(dot.contains("tanh") && dot.contains("∂f/∂x"), "{dot}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_sigmoid_neuron_as_a_session_matches_the_guide() {
    let mut s = Session::new();
    run_all(
        &mut s,
        &[
            "a = 1",
            "b = 2",
            "c = -3",
            "x = -1",
            "y = 3",
            "s = sigmoid(a*x + b*y + c)",
        ],
    );
    assert_eq!(text(s.run("s")), "0.8807970779778823");
    assert_eq!(
        text(s.run(":backward s")),
        "a.grad = -0.10499358540350662\nb.grad = 0.31498075621051985\nc.grad = 0.10499358540350662\n\
         x.grad = 0.10499358540350662\ny.grad = 0.20998717080701323\ns.grad = 1"
    );
}

#[test]
fn a_name_used_twice_is_one_node() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 3", "sq = x * x", "m = max(x, x)"]);
    assert_eq!(text(s.run(":backward sq")), "x.grad = 6\nsq.grad = 1"); // d(x²)/dx = 2x
    assert_eq!(text(s.run(":backward m")), "x.grad = 1\nm.grad = 1"); // a tie splits 1/2 + 1/2
}

#[test]
fn rebinding_makes_a_new_node_and_old_circuits_keep_the_old_one() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 1", "f = x * 3", "x = 10"]);
    assert_eq!(text(s.run("f")), "3"); // built from the old x
    assert_eq!(text(s.run(":backward f")), "f.grad = 1"); // the new x is not below f
    run_all(&mut s, &["f = x * 3"]);
    assert_eq!(text(s.run("f")), "30");
    assert_eq!(s.names().collect::<Vec<_>>(), ["x", "f"]); // a name keeps its first place
}

#[test]
fn syntax_covers_numbers_powers_functions_and_precedence() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 2"]);
    for (line, want) in [
        ("1 + 2 * 3", "7"),
        ("-x^2", "-4"), // -(x²)
        ("x**3", "8"),
        ("x^-1", "0.5"),
        ("x^(-2)", "0.25"),
        ("(x + 1) / 4", "0.75"),
        ("2.5e-1 * x", "0.5"),
        (".5 + x", "2.5"),
        ("exp(0) + ln(1) + tanh(0) + sigmoid(0) + relu(-x)", "1.5"),
        ("max(1, x) - max(x, 5)", "-3"),
        ("1e999", "inf"),  // IEEE-754: past the range is inf
        ("ln(-1)", "NaN"), // and a domain error is NaN
        ("1 / 0", "inf"),
        ("- - x", "2"),
    ] {
        assert_eq!(text(s.run(line)), want, "{line}");
    }
    for blank in ["", "   ", "# a comment"] {
        assert_eq!(s.run(blank), Ok(Reply::Nothing));
    }
}

#[test]
fn an_exponent_may_be_a_value_and_its_gradient_flows_into_it() {
    use circuitgrad::Op;
    let mut s = Session::new();
    run_all(
        &mut s,
        &[
            "x = 1.5",
            "y = 2.5",
            "p = x^y",
            "q = 2^x",
            "r = x**-y",
            "n = x^(1 + 1)",
        ],
    );
    let (x, y) = (1.5f64, 2.5f64);
    let op = |name: &str| s.get(name).unwrap().op();
    // A number exponent, even one folded from an expression, stays in the node; a value is an input.
    assert_eq!(
        (op("p"), op("q"), op("r"), op("n")),
        (Op::PowValue, Op::PowValue, Op::PowValue, Op::Pow)
    );
    assert_eq!(s.get("p").unwrap().data(), x.powf(y));
    assert_eq!(s.get("q").unwrap().data(), 2f64.powf(x));
    assert_eq!(s.get("r").unwrap().data(), x.powf(-y));
    assert_eq!(s.get("n").unwrap().data(), 2.25);
    // d(x^y)/dx = y·x^(y-1), d(x^y)/dy = x^y·ln x.
    s.run(":backward p").unwrap();
    let grad = |s: &Session, name: &str| s.get(name).unwrap().grad();
    assert_relative_eq!(grad(&s, "x"), y * x.powf(y - 1.0), max_relative = 1e-15);
    assert_relative_eq!(grad(&s, "y"), x.powf(y) * x.ln(), max_relative = 1e-15);
    // d(x^-y)/dy = -x^-y·ln x; and d(2^x)/dx = 2^x·ln 2, a constant base as a leaf.
    s.run(":backward r").unwrap();
    assert_relative_eq!(grad(&s, "y"), -x.powf(-y) * x.ln(), max_relative = 1e-15);
    s.run(":backward q").unwrap();
    assert_relative_eq!(
        grad(&s, "x"),
        2f64.powf(x) * 2f64.ln(),
        max_relative = 1e-15
    );
    // And through grad: d²(x^y)/dx² = y(y-1)·x^(y-2).
    run_all(&mut s, &["g = grad(grad(p, x), x)"]);
    assert_relative_eq!(
        s.get("g").unwrap().data(),
        y * (y - 1.0) * x.powf(y - 2.0),
        max_relative = 1e-14
    );
}

#[test]
fn every_error_says_what_was_wrong_and_what_is_allowed() {
    let mut s = Session::new();
    let unbound = s.run("w + 1").unwrap_err();
    assert_eq!(
        unbound.to_string(),
        "unknown name `w`: no names are bound yet (bind one with NAME = EXPR)"
    );
    run_all(&mut s, &["x = 1", "y = 2"]);
    let cases: [(&str, &str); 12] = [
        (
            "x +",
            "expected a number, a name, `-`, a function call or `(`, found the end of the line at column 4",
        ),
        (
            "x y",
            "expected an operator (+ - * / ^) or the end of the line, found `y` at column 3",
        ),
        (
            "(x + 1",
            "expected `)` or an operator (+ - * / ^), found the end of the line at column 7",
        ),
        (
            "x ^ --y",
            "expected an exponent after `^-` (one minus sign), found `-` at column 6",
        ),
        (
            "x^2^3",
            "expected one power only: write (a^b)^c, since a^b^c could be read two ways, found `^` at column 4",
        ),
        ("z * 2", "unknown name `z` (bound names: x, y)"),
        (
            "sin(x)",
            "unknown function `sin` (functions: exp(x), ln(x), tanh(x), sigmoid(x), relu(x), sqrt(x), abs(x), square(x), max(a, b), min(a, b), grad(f, x))",
        ),
        (
            "max(x)",
            "expected 2 arguments for max, found 1 at column 1",
        ),
        ("exp = 1", "`exp` is a function; bind another name"),
        (
            ":frob",
            "unknown command `:frob` (commands: :backward NAME, :grad NAME, :check NAME, :why NAME, :trace NAME, :draw NAME FILE, :vars, :help, :quit [CODE])",
        ),
        (
            ":backward",
            "usage: :backward NAME (backpropagate from NAME)",
        ),
        (
            ":quit 256",
            "usage: :quit [CODE] (CODE a whole number from 0 to 255)",
        ),
    ];
    let before = snapshot(&s);
    for (line, message) in cases {
        let err = s.run(line).unwrap_err();
        assert_eq!(err.to_string(), message, "{line}");
        let rendered = err.render(line);
        assert!(rendered.starts_with("error: "));
        // The message wraps within 80 columns (the echoed line is the user's own).
        let message_lines = rendered.lines().take_while(|l| !l.ends_with(line));
        for l in message_lines.filter(|l| !l.trim_start().starts_with('^')) {
            assert!(
                l.chars().count() <= 80,
                "{} columns: {l}",
                l.chars().count()
            );
        }
        assert_eq!(snapshot(&s), before, "bindings changed after `{line}`");
    }
    // A failed assignment leaves the old binding in place.
    assert!(s.run("x = x + nope").is_err());
    assert_eq!(text(s.run("x")), "1");
}

#[test]
fn a_syntax_error_is_shown_with_a_caret_under_the_spot() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 1"]);
    let line = "f = (x + 2)) * 3";
    assert_eq!(
        s.run(line).unwrap_err().render(line),
        "error: expected an operator (+ - * / ^) or the end of the line, found `)` at\n  \
         column 12\n  f = (x + 2)) * 3\n             ^"
    );
}

#[test]
fn absurd_input_gets_an_error_not_a_crash() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 1"]);
    let before = snapshot(&s);
    let nested = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(matches!(s.run(&nested), Err(ScriptError::TooLong { .. })));
    let deep = if cfg!(miri) { 2_000 } else { 20_000 }; // far past the nesting limit, either way
    let nested = format!("{}x{}", "(".repeat(deep), ")".repeat(deep)); // under the length limit
    assert!(matches!(
        s.run(&nested),
        Err(ScriptError::TooDeep { limit: 256, .. })
    ));
    let minuses = format!("{}x", "-".repeat(deep + deep / 2));
    assert!(matches!(s.run(&minuses), Err(ScriptError::TooDeep { .. })));
    let megabyte = "x".repeat(1 << 20);
    assert_eq!(
        s.run(&megabyte).unwrap_err(),
        ScriptError::TooLong {
            bytes: 1 << 20,
            limit: MAX_LINE
        }
    );
    // Just past the limit: a sum of MAX_LINE / 2 + 1 terms (a million natively).
    let terms = if cfg!(miri) {
        MAX_LINE / 2 + 1
    } else {
        1_000_000
    };
    let many_terms = vec!["x"; terms].join("+");
    assert!(matches!(
        s.run(&many_terms),
        Err(ScriptError::TooLong { .. })
    ));
    assert_eq!(snapshot(&s), before);

    // Within the limits, long and deep lines just work, in the 2 MiB of a test thread.
    let n = if cfg!(miri) { 200 } else { 20_000 }; // Miri runs ~1000x slower
    let terms = vec!["x"; n].join("+");
    run_all(&mut s, &[&format!("total = {terms}")]);
    assert_eq!(text(s.run(":grad total")), "total.grad = 0");
    assert!(text(s.run(":backward total")).contains(&format!("x.grad = {n}")));
    let deep = format!("{}x{}", "(".repeat(255), ")".repeat(255));
    assert_eq!(text(s.run(&deep)), "1");
}

#[test]
#[cfg(feature = "svg")]
fn draw_writes_svg_and_dot_and_refuses_what_it_cannot() {
    let dir = scratch_dir("draw");
    let mut s = Session::new();
    run_all(&mut s, &["x = -2", "f = x * 3"]);
    let svg = dir.join("f picture.svg");
    assert_eq!(draw(&mut s, "f", &svg), format!("wrote {}", svg.display()));
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let dot = dir.join("f.dot");
    draw(&mut s, "f", &dot);
    assert!(
        std::fs::read_to_string(&dot)
            .unwrap()
            .starts_with("digraph")
    );
    let err = s.run(":draw f /no/such/dir/f.svg").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("could not write /no/such/dir/f.svg: "),
        "{err}"
    );
    assert_eq!(
        s.run(":draw f").unwrap_err().to_string(),
        "usage: :draw NAME FILE (FILE.svg for a picture, FILE.dot for Graphviz)"
    );
    // Wide Unicode spaces around a command are spaces, not a place to cut a character in two.
    let spaced = dir.join("spaced.dot");
    let line = format!(":\u{3000}\u{3000}draw\u{3000}f {}", spaced.display());
    assert_eq!(text(s.run(&line)), format!("wrote {}", spaced.display()));
    let big = format!("big = {}", vec!["x"; 3000].join("+"));
    run_all(&mut s, &[&big]);
    assert!(matches!(
        s.run(":draw big big.svg"),
        Err(ScriptError::Draw(_))
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn vars_help_and_quit() {
    let mut s = Session::new();
    assert_eq!(
        text(s.run(":vars")),
        "no names are bound yet (bind one with NAME = EXPR)"
    );
    run_all(&mut s, &["x = 2", "y = x * x"]);
    s.run(":backward y").unwrap();
    assert_eq!(text(s.run(":vars")), "x = 2  (grad 4)\ny = 4  (grad 1)");
    let help = text(s.run(":help"));
    for needed in [
        "IEEE-754",
        "Rebinding",
        ":backward NAME",
        "max(a, b)",
        "65536 bytes",
        "256 levels",
    ] {
        assert!(help.contains(needed), "help mentions {needed}");
    }
    assert_eq!(s.run(":quit"), Ok(Reply::Quit(None)));
    assert_eq!(s.run(":q 3"), Ok(Reply::Quit(Some(3))));
    assert_eq!(s.run(":q 0"), Ok(Reply::Quit(Some(0))));
}

/// Lines made of the language's own pieces, in any order: most are nearly valid.
fn near_valid_line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("x"),
        Just("y"),
        Just("nope"),
        Just("1"),
        Just("2.5"),
        Just("1e999"),
        Just("0"),
        Just("+"),
        Just("-"),
        Just("*"),
        Just("/"),
        Just("^"),
        Just("**"),
        Just("("),
        Just(")"),
        Just(","),
        Just("="),
        Just("exp("),
        Just("ln("),
        Just("max("),
        Just("sigmoid("),
        Just(" "),
        Just(":backward "),
        Just(":grad "),
        Just(":trace "),
        Just(":vars"),
        Just(":"),
        Just("é"),
        Just("\u{3000}"), // a 3-byte space (no `:draw` here: it would write files)
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    // 256 cases natively (proptest's default); 4 under Miri, which runs ~1000x slower.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
    #[test]
    #[cfg_attr(miri, ignore = "random lines through the parser, which has no unsafe code: minutes under Miri")]
    fn no_line_panics_and_a_failed_line_changes_no_binding(
        lines in prop::collection::vec(
            prop_oneof![near_valid_line(), any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned())],
            1..12,
        )
    ) {
        let mut s = Session::new();
        s.run("x = 0.5").unwrap();
        s.run("y = x * 3").unwrap();
        for line in &lines {
            let before = snapshot(&s);
            match s.run(line) {
                Err(e) => {
                    prop_assert_eq!(snapshot(&s), before);
                    prop_assert!(e.render(line).starts_with("error: "));
                }
                Ok(_) => {
                    // Only an assignment changes bindings, and only its own name.
                    let after = snapshot(&s);
                    let changed: Vec<_> = after.iter().filter(|b| !before.contains(b)).collect();
                    prop_assert!(changed.len() <= 1, "{:?}", changed);
                }
            }
        }
    }
}

#[test]
fn a_comment_may_follow_a_line() {
    let mut s = Session::new();
    run_all(
        &mut s,
        &["x = 1 # the input", "y = x * 2  # twice x", "# alone"],
    );
    assert_eq!(text(s.run("y # show it")), "2");
    assert!(text(s.run(":backward y # from y")).contains("x.grad = 2"));
}

#[test]
#[cfg(feature = "svg")]
#[cfg_attr(miri, ignore = "writes files; the same code paths run natively")]
fn draw_writes_what_the_extension_says_or_refuses() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 1", "y = x * 2"]);
    let dir = scratch_dir("draw-ext");
    for file in ["net.png", "net", "net.svg.txt"] {
        let path = dir.join(file);
        let _ = std::fs::remove_file(&path);
        let err = s.run(&format!(":draw y {}", path.display())).unwrap_err();
        assert!(
            err.to_string()
                .contains(":draw writes FILE.svg (a picture) or FILE.dot"),
            "{err}"
        );
        assert!(!path.exists(), "nothing written for {file}");
    }
    let svg = dir.join("net.SVG");
    draw(&mut s, "y", &svg);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let dot = dir.join("net.Dot");
    draw(&mut s, "y", &dot);
    assert!(
        std::fs::read_to_string(&dot)
            .unwrap()
            .starts_with("digraph")
    );
}

#[test]
fn the_caret_lines_up_under_tabs() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 1"]);
    let line = "\tf =\t(x + )";
    let err = s.run(line).unwrap_err();
    // The caret line repeats each tab before the column, so it sits under `)` however wide a
    // terminal shows tabs.
    let rendered = err.render(line);
    let caret_line = rendered.lines().last().unwrap();
    assert_eq!(caret_line, "  \t   \t     ^");
    assert_eq!(err.column(), Some(11));
}

#[test]
fn commands_typed_without_the_colon_get_the_right_name() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 1"]);
    for (typed, command) in [("quit", ":quit"), ("exit", ":quit"), ("help", ":help")] {
        let err = s.run(typed).unwrap_err().to_string();
        assert!(err.contains(&format!("type `{command}`")), "{typed}: {err}");
        assert!(!err.contains("bound names"), "{err}");
    }
    // A name bound with that spelling is just a name.
    run_all(&mut s, &["help = 3"]);
    assert_eq!(text(s.run("help")), "3");
}

#[test]
fn help_fits_in_80_columns() {
    let help = text(Session::new().run(":help"));
    for line in help.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}

#[test]
fn help_names_every_function_of_the_language() {
    let help = text(Session::new().run(":help")).replace('\n', " ");
    let error = Session::new().run("sin(1)").unwrap_err().to_string();
    let list = error
        .split("(functions: ")
        .nth(1)
        .unwrap()
        .trim_end_matches(')');
    for function in list.split("), ") {
        let name = function.split('(').next().unwrap();
        assert!(
            help.contains(&format!("{name}(")),
            "{name} is missing from :help"
        );
    }
}

#[test]
fn tiny_and_huge_numbers_print_one_way() {
    let mut s = Session::new();
    run_all(&mut s, &["x = 1e-20", "y = x * 4"]);
    assert_eq!(text(s.run("y")), "4e-20"); // times 4 is exact
    assert!(text(s.run(":backward y")).contains("x.grad = 4"));
    assert!(text(s.run(":trace y")).contains("1e-20"));
    assert_eq!(text(s.run("2e17")), "2e17");
}

#[test]
#[cfg(not(feature = "svg"))]
fn without_the_svg_feature_draw_writes_dot_and_says_why_not_svg() {
    let dir = scratch_dir("nosvg");
    let mut s = Session::new();
    run_all(&mut s, &["x = -2", "f = x * 3"]);
    let dot = dir.join("f.dot");
    assert_eq!(draw(&mut s, "f", &dot), format!("wrote {}", dot.display()));
    assert_eq!(
        s.run(&format!(":draw f {}", dir.join("f.svg").display()))
            .unwrap_err()
            .to_string(),
        "usage: :draw NAME FILE.dot (SVG pictures need the crate's `svg` feature)"
    );
    assert!(!dir.join("f.svg").exists());
    std::fs::remove_dir_all(dir).unwrap();
}
