//! The examples as a person runs them: `--help`, a wrong argument, and the inputs that must not
//! break them (a diverging run, odd arguments). `cargo test` builds the examples first; the
//! binaries sit in `target/<profile>/examples/`.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let path = deps
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds it",
        path.display()
    );
    path
}

/// Runs an example with `args` and stdin closed: (stdout, stderr, exit code). Fails the test if
/// it takes longer than `limit` (and kills it), so a hang is a failure, not a stuck test run.
fn run(name: &str, args: &[&str], limit: Duration) -> (String, String, Option<i32>) {
    run_with_env(name, args, &[], limit)
}

/// As [`run`], with environment variables set for the child.
fn run_with_env(
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> (String, String, Option<i32>) {
    let mut child = Command::new(example(name))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("`{name} {}` ran longer than {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (out.join().unwrap(), err.join().unwrap(), status.code())
}

const QUICK: Duration = Duration::from_secs(30);

#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
fn every_example_answers_help_and_refuses_what_it_does_not_know() {
    for name in ["tutorial", "svm", "moons", "yinyang", "repl", "newton"] {
        let (stdout, _, code) = run(name, &["--help"], QUICK);
        assert_eq!(code, Some(0), "{name} --help");
        assert!(stdout.starts_with("usage: "), "{name} --help: {stdout}");
        let (_, stderr, code) = run(name, &["--frobnicate"], QUICK);
        assert_eq!(code, Some(2), "{name} --frobnicate");
        assert!(
            stderr.starts_with("error: unknown argument `--frobnicate`"),
            "{name}: {stderr}"
        );
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
fn moons_past_100_steps_finishes_and_zero_steps_is_refused() {
    // The learning rate 1 - 0.9·k/steps is spread over the steps asked for: with a fixed 100 it
    // would turn negative past step 111 and send the loss to inf.
    let dir = std::env::temp_dir().join("circuitgrad-moons-150");
    let dir = dir.to_str().unwrap();
    let (stdout, stderr, code) = run(
        "moons",
        &["--steps", "150", "--out", dir],
        Duration::from_secs(120),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let last = stdout.lines().last().unwrap();
    assert!(last.starts_with("final: steps=150 loss=0.0"), "{last}");
    let (stdout, stderr, code) = run("moons", &["--steps", "0"], QUICK);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("--steps takes a whole number from 1, not `0`"),
        "{stderr}"
    );
}

/// The anchor's last digits are those of the math library it runs on: glibc picks `exp`, `log`,
/// `pow` built with FMA on a CPU that has it, and those round differently now and then, so
/// `python3 micrograd.py` itself prints 70 of its 110 lines differently when glibc is told to
/// leave FMA and AVX2 alone (`GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA`; that run's output is
/// `tests/data/micrograd2_yinyang_nofma.txt`). The example follows the anchor there too, line for
/// line: it does the anchor's arithmetic, and takes its transcendental functions from the same
/// library.
#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
#[cfg(all(
    target_arch = "x86_64",
    target_os = "linux",
    target_env = "gnu",
    not(feature = "portable-math")
))]
fn yinyang_follows_the_anchor_on_glibcs_other_code_path_too() {
    let (stdout, stderr, code) = run_with_env(
        "yinyang",
        &[
            "--out",
            std::env::temp_dir()
                .join("circuitgrad-yinyang-nofma")
                .to_str()
                .unwrap(),
        ],
        &[("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX2,-FMA")],
        Duration::from_secs(300),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let expected = include_str!("data/micrograd2_yinyang_nofma.txt");
    let ours: Vec<&str> = stdout.lines().take(110).collect();
    assert_eq!(ours, expected.lines().collect::<Vec<_>>());
    // The two code paths really differ: (step 4, for one).
    let fma = include_str!("data/micrograd2_yinyang.txt");
    assert_ne!(fma.lines().nth(4), expected.lines().nth(4));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
fn a_diverging_yinyang_run_stops_with_a_message() {
    let dir = std::env::temp_dir().join("circuitgrad-yinyang-diverge");
    let (stdout, stderr, code) = run(
        "yinyang",
        &["--lr", "1000", "--out", dir.to_str().unwrap()],
        Duration::from_secs(120),
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("so training stopped"), "{stderr}");
    // Where it started: a point's circuit and the op in it.
    assert!(
        stderr.contains("in point 0's circuit, forward: exp("),
        "{stderr}"
    );
    assert!(!stdout.to_lowercase().contains("nan"), "{stdout}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
fn newton_reaches_the_minimum_in_6_steps_and_gradient_descent_in_43605() {
    // The iteration counts of the same two methods from (-1.2, 1), lr 0.001, tolerance 1e-8, run
    // independently in Python on plain floats with the gradient and Hessian written by hand.
    let dir = std::env::temp_dir().join("circuitgrad-newton");
    let (stdout, stderr, code) = run(
        "newton",
        &["--out", dir.to_str().unwrap()],
        Duration::from_secs(120),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("converged in 6 iterations"), "{stdout}");
    assert!(stdout.contains("converged in 43605 iterations"), "{stdout}");
    let svg = std::fs::read_to_string(dir.join("newton_paths.svg")).unwrap();
    assert!(svg.contains("Newton") && svg.contains("gradient descent"));
    // A step size that diverges, a start where f overflows: messages, a picture, no panic.
    for args in [&["--lr", "0.01"][..], &["--start", "1e200,3"]] {
        let mut args = args.to_vec();
        args.extend(["--out", dir.to_str().unwrap()]);
        let (stdout, stderr, code) = run("newton", &args, Duration::from_secs(120));
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stdout.contains("is not finite"), "{args:?}: {stdout}");
    }
    let (_, stderr, code) = run("newton", &["--lr", "-1"], QUICK);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--lr takes a finite number above 0, not `-1`"),
        "{stderr}"
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
fn a_diverging_moons_run_says_where_it_started() {
    let dir = std::env::temp_dir().join("circuitgrad-moons-diverge");
    for replay in [false, true] {
        let mut args = vec!["--lr", "1e30", "--out", dir.to_str().unwrap()];
        if replay {
            args.push("--replay");
        }
        let (_, stderr, code) = run("moons", &args, Duration::from_secs(120));
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains("so training stopped: in point 0's circuit, forward:")
                && stderr.contains("is -inf, from finite inputs"),
            "{stderr}"
        );
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
fn svm_prints_sentences_not_options() {
    let (stdout, _, code) = run("svm", &[], Duration::from_secs(120));
    assert_eq!(code, Some(0));
    assert!(
        !stdout.contains("Some(") && !stdout.contains("None"),
        "{stdout}"
    );
    assert!(stdout.contains("all six right: never"));
    assert!(stdout.contains("all six right: first at iteration 318"));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs example binaries in child processes, which Miri cannot start"
)]
fn the_tutorial_shows_every_call_that_changes_state() {
    let dir = std::env::temp_dir().join("circuitgrad-tutorial");
    let (stdout, _, code) = run("tutorial", &["--out", dir.to_str().unwrap()], QUICK);
    assert_eq!(code, Some(0));
    let in_order = [
        "Hacker's guide to Neural Networks",
        ">>> let x = Value::new(-2.0).labeled(\"x\")",
        ">>> let f = (&q * &z).labeled(\"f\")",
        ">>> f.backward();",
        "(-4.0, -4.0, 3.0)",
        ">>> let a = Value::new(1.0).labeled(\"a\")",
        ">>> fn neuron(",
        ">>> s.backward();",
        "0.8807970779778823",
        ">>> for v in [&a, &b, &c, &x, &y]",
        "0.8825501816218984",
    ];
    let mut rest = stdout.as_str();
    for line in in_order {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("`{line}` missing or out of order"));
        rest = &rest[at + line.len()..];
    }
    assert!(dir.join("seed_circuit.svg").exists() && dir.join("neuron.svg").exists());
}
