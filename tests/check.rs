//! Finding what went wrong: NaNs planted deep inside, blow-ups that happen only in the backward
//! pass, shared nodes, custom ops with right and wrong derivatives (through the API and through the
//! REPL's session), gradcheck on random circuits of every op.

mod common;

use circuitgrad::check::{Pass, Tolerances, Verdict, gradcheck_with};
use circuitgrad::{Value, grad, gradcheck};
use common::{apply, bits, run, step};
use proptest::prelude::*;

/// Ten thousand nodes natively, a hundred under Miri.
const DEEP: usize = if cfg!(miri) { 50 } else { 5_000 };

/// The position of the node labelled `label` in `root`'s trace.
fn position(root: &Value, label: &str) -> usize {
    root.trace()
        .rows()
        .iter()
        .position(|r| r.label.as_deref() == Some(label))
        .unwrap()
}

#[test]
fn a_nan_planted_deep_inside_is_found_where_it_starts_though_shared() {
    let x = Value::new(0.5).labeled("x");
    let mut v = x.clone();
    for i in 0..2 * DEEP {
        v = (&v * 0.999).tanh() + 0.001;
        if i == DEEP {
            // ln(-1) = NaN, used by two consumers below it.
            let planted = (0.0 - &v - 1.0).ln().labeled("planted");
            v = &v + &planted * 2.0 + &planted;
        }
    }
    let f = v.labeled("f");
    let anomaly = f.anomaly().expect("a NaN is there");
    assert_eq!(anomaly.pass, Pass::Forward);
    assert_eq!(anomaly.op, "ln");
    assert_eq!(anomaly.label.as_deref(), Some("planted"));
    assert_eq!(anomaly.node, position(&f, "planted"));
    assert!(anomaly.value.is_nan() && anomaly.inputs[0] < 0.0);
    assert!(
        anomaly.to_string().starts_with(&format!(
            "forward: ln({}) (node {}, planted) is NaN",
            anomaly.inputs[0], anomaly.node
        )),
        "{anomaly}"
    );
    // backward_checked finds the same, after filling in the grads. (NaN fields make `==` false on
    // equal anomalies: they compare as the sentences they print.)
    assert_eq!(
        f.backward_checked().unwrap_err().to_string(),
        anomaly.to_string()
    );
    assert!(x.grad().is_nan());
}

#[test]
fn a_blow_up_only_in_the_backward_pass_is_found_at_its_node() {
    // An infinite local derivative: sqrt at 0, deep in a chain; every value is finite.
    let x = Value::new(0.0).labeled("x");
    let r = x.sqrt().labeled("r");
    let mut v = &r + 1.0;
    for _ in 0..DEEP {
        v = (&v * 0.5).tanh() + &r;
    }
    assert!(v.trace().rows().iter().all(|row| row.data.is_finite()));
    let anomaly = v.backward_checked().unwrap_err();
    assert_eq!(
        (anomaly.pass, anomaly.op.as_str()),
        (Pass::Backward, "sqrt")
    );
    assert_eq!(anomaly.node, position(&v, "r"));
    assert_eq!(anomaly.local, [f64::INFINITY]);
    let input = anomaly.input.as_ref().unwrap();
    assert_eq!((input.node, input.label.as_deref()), (0, Some("x")));
    assert!(anomaly.value.is_finite() && input.after.is_infinite());
    assert!(
        anomaly
            .to_string()
            .starts_with("backward: sqrt(0) (node 1, r) has the local derivative inf")
    );
}

#[test]
fn a_product_that_overflows_in_backward_is_told_apart_from_an_infinite_derivative() {
    // ln(u) at u = 1e-200: ln' = 1e200, and its grad is 1e200: the product is inf.
    let x = Value::new(1.0).labeled("x");
    let u = (&x * 1e-200).labeled("u");
    let l = u.ln().labeled("l");
    let f = (&l * 1e200).labeled("f");
    assert!(f.data().is_finite());
    let anomaly = f.anomaly().unwrap();
    assert_eq!(
        (anomaly.pass, anomaly.label.as_deref()),
        (Pass::Backward, Some("l"))
    );
    assert_eq!(anomaly.local, [1e200]);
    assert_eq!(anomaly.value, 1e200);
    assert_eq!(
        anomaly.to_string(),
        "backward: ln(1e-200) (node 2, l) has the local derivative 1e200; times its grad 1e200, \
         that overflows to inf for its input u (node 1) (ln's derivative 1/x is inf at 0)"
    );
}

#[test]
fn a_sum_that_overflows_through_a_shared_node_is_found_at_the_addition() {
    // x feeds two products whose contributions, 1e308 each, overflow when x's grad adds them.
    let x = Value::new(1e-10).labeled("x");
    let a = (&x * 1e308).labeled("a");
    let b = (&x * 1e308).labeled("b");
    let f = (&a + &b).labeled("f");
    assert!(f.data().is_finite());
    let anomaly = f.backward_checked().unwrap_err();
    assert_eq!(anomaly.pass, Pass::Backward);
    let input = anomaly.input.as_ref().unwrap();
    assert_eq!(input.label.as_deref(), Some("x"));
    assert_eq!(
        (input.before, input.contribution, input.after),
        (1e308, 1e308, f64::INFINITY)
    );
    assert!(
        anomaly
            .to_string()
            .contains("adds 1e308 to the grad 1e308 of its input x"),
        "{anomaly}"
    );
    // The node reported is the one backward() reaches second, whichever it is: the first one's
    // contribution alone was finite.
    assert_eq!(x.grad(), f64::INFINITY);
}

#[test]
fn a_finite_circuit_has_no_anomaly() {
    let x = Value::new(0.3);
    let f = (x.exp() + x.tanh()) * x.sigmoid();
    assert!(f.anomaly().is_none());
    assert!(f.backward_checked().is_ok());
}

#[test]
fn a_non_finite_leaf_is_its_own_origin() {
    let w = Value::new(f64::INFINITY).labeled("w");
    let f = &w * 0.5 + 1.0;
    assert_eq!(
        f.anomaly().unwrap().to_string(),
        "forward: the leaf w (node 0) is inf"
    );
}

#[test]
fn detach_stops_the_gradient_and_gradcheck_sees_it() {
    let x = Value::new(3.0).labeled("x");
    let y = &x * &x.detach(); // x · 3: dy/dx = 3
    y.backward();
    assert_eq!(x.grad(), 3.0);
    // The numerical derivative moves only x: the detached copy keeps its 3.
    let check = gradcheck(&y, &[&x]);
    assert!(check.passed(), "{check}");
}

fn sq(x: f64) -> f64 {
    x * x
}
fn sq_d(x: f64) -> f64 {
    2.0 * x
}
fn sq_wrong(x: f64) -> f64 {
    2.0 * x + 0.01
}
fn hypot(a: f64, b: f64) -> f64 {
    a.hypot(b)
}
fn hypot_da(a: f64, b: f64) -> f64 {
    a / a.hypot(b)
}
fn hypot_db(a: f64, b: f64) -> f64 {
    b / a.hypot(b)
}
fn hypot_db_wrong(a: f64, b: f64) -> f64 {
    a / a.hypot(b)
}

#[test]
fn gradcheck_catches_a_custom_op_with_a_wrong_derivative_and_passes_a_right_one() {
    let x = Value::new(1.25).labeled("x");
    let right = x.custom("sq", sq, sq_d).tanh();
    let check = gradcheck(&right, &[&x]);
    assert!(check.passed(), "{check}");
    assert_eq!(check.rows()[0].verdict, Verdict::Pass);

    // Off by 0.01 · tanh'(x²): small, and still caught (atol 1e-5, rtol 1e-3).
    let wrong = x.custom("sq", sq, sq_wrong).tanh();
    let check = gradcheck(&wrong, &[&x]);
    assert!(!check.passed(), "{check}");
    assert_eq!(check.rows()[0].verdict, Verdict::Fail);
    assert!(check.to_string().contains("FAIL"));

    // Two inputs, one partial derivative wrong: only that input fails.
    let (a, b) = (Value::new(3.0).labeled("a"), Value::new(4.0).labeled("b"));
    let good = a.custom2(&b, "hypot", hypot, hypot_da, hypot_db);
    assert!(gradcheck(&good, &[&a, &b]).passed());
    let bad = a.custom2(&b, "hypot", hypot, hypot_da, hypot_db_wrong);
    let check = gradcheck(&bad, &[&a, &b]);
    let verdicts: Vec<Verdict> = check.rows().iter().map(|r| r.verdict).collect();
    assert_eq!(verdicts, [Verdict::Pass, Verdict::Fail]);
}

#[test]
fn gradcheck_nudges_inner_nodes_and_reports_kinks_as_kinks() {
    let x = Value::new(0.0).labeled("x");
    let y = Value::new(2.0).labeled("y");
    let h = (&x * &y).labeled("h"); // 0: relu's kink below
    let f = h.relu() + y.tanh();
    let check = gradcheck(&f, &[&x, &y, &h]);
    let verdicts: Vec<Verdict> = check.rows().iter().map(|r| r.verdict).collect();
    // x and h sit on relu's kink; y's path through relu has slope 0 on both sides here (x = 0).
    assert_eq!(verdicts, [Verdict::Kink, Verdict::Pass, Verdict::Kink]);
    assert!(check.passed());
    assert!(check.to_string().contains("kink within the step"));
}

#[test]
fn gradcheck_refuses_tolerances_it_cannot_use() {
    let x = Value::new(1.0);
    let f = x.exp();
    for bad in [
        Tolerances {
            step: 0.0,
            ..Tolerances::default()
        },
        Tolerances {
            step: f64::NAN,
            ..Tolerances::default()
        },
        Tolerances {
            atol: -1.0,
            ..Tolerances::default()
        },
        Tolerances {
            rtol: f64::INFINITY,
            ..Tolerances::default()
        },
    ] {
        let e = gradcheck_with(&f, &[&x], bad).unwrap_err();
        assert!(e.to_string().contains("is not allowed: it must be"), "{e}");
    }
}

#[test]
fn a_stale_circuit_is_brought_up_to_date_before_it_is_checked() {
    let x = Value::new(1.0).labeled("x");
    let f = x.tanh() * 3.0;
    x.set_data(-0.5); // f still holds 3 tanh(1)
    let check = gradcheck(&f, &[&x]);
    assert!(check.passed(), "{check}");
    assert_eq!(f.data(), 3.0 * (-0.5f64).tanh());
}

#[test]
fn custom_ops_are_first_class() {
    let x = Value::new(0.7).labeled("x");
    let y = Value::new(-0.4).labeled("y");
    let h = x
        .custom2(&y, "hypot", hypot, hypot_da, hypot_db)
        .labeled("h");
    let f = (h.custom("sq", sq, sq_d) + &x).labeled("f");
    // Traces and pictures name them.
    let ops: Vec<String> = f.trace().rows().iter().map(|r| r.op.clone()).collect();
    assert!(
        ops.contains(&"hypot".to_string()) && ops.contains(&"sq".to_string()),
        "{ops:?}"
    );
    assert!(f.to_dot().unwrap().contains("hypot"));
    // backward: f = hypot² + x = x² + y² + x: ∂f/∂x = 2x + 1, ∂f/∂y = 2y.
    f.backward();
    let (gx, gy) = (x.grad(), y.grad());
    assert!((gx - (2.0 * 0.7 + 1.0)).abs() < 1e-15 && (gy - 2.0 * -0.4).abs() < 1e-15);
    // The tape replays them bit for bit, on new data too.
    let mut tape = f.compile();
    tape.backward();
    assert_eq!(bits([x.grad(), y.grad()]), bits([gx, gy]));
    x.set_data(1.5);
    let replayed = tape.forward();
    tape.backward();
    let fresh = x
        .custom2(&y, "hypot", hypot, hypot_da, hypot_db)
        .custom("sq", sq, sq_d)
        + &x;
    fresh.backward();
    assert_eq!(bits([replayed]), bits([fresh.data()]));
    // The walkthrough ends where backward() ends.
    let walk = fresh.walkthrough();
    let end = walk.after(walk.len());
    assert_eq!(
        bits(end.grad.iter().map(|g| g.unwrap())),
        bits(fresh.trace().rows().iter().map(|r| r.grad))
    );
    // grad is backward() bit for bit, and forward mode agrees.
    let g = grad(&fresh, &[&x, &y]);
    assert_eq!(bits([g[0].data(), g[1].data()]), bits([x.grad(), y.grad()]));
    let along = circuitgrad::jvp(&fresh, &[(&x, 1.0)]);
    assert!((along - x.grad()).abs() < 1e-15);
}

fn cube(x: f64) -> f64 {
    x * x * x
}
fn cube_1(x: f64) -> f64 {
    3.0 * x * x
}
fn cube_2(x: f64) -> f64 {
    6.0 * x
}
fn cube_3(_: f64) -> f64 {
    6.0
}

#[test]
fn custom_ops_differentiate_as_far_as_their_derivatives_are_given() {
    let x = Value::new(1.5).labeled("x");
    let y = x.custom_with("cube", [cube, cube_1, cube_2, cube_3]);
    let d1 = grad(&y, &[&x]).remove(0);
    let d2 = grad(&d1, &[&x]).remove(0);
    let d3 = grad(&d2, &[&x]).remove(0);
    let d4 = grad(&d3, &[&x]).remove(0);
    // 3x², 6x, 6, and the fourth was not given: NaN, from a node named cube''''.
    assert_eq!((d1.data(), d2.data(), d3.data()), (3.0 * 2.25, 9.0, 6.0));
    assert!(d4.data().is_nan());
    let anomaly = d4.anomaly().unwrap();
    assert_eq!(
        (anomaly.pass, anomaly.op.as_str()),
        (Pass::Forward, "cube''''")
    );
    assert!(
        anomaly
            .to_string()
            .contains("a custom op's derivative that was not given is NaN")
    );
    // The first derivative's circuit prints the derivative by name.
    assert!(d1.trace().rows().iter().any(|r| r.op == "cube'"));
    // With only f and f', a second derivative is NaN and the anomaly says so.
    let z = x.custom("sq", sq, sq_d);
    let dd = grad(&grad(&z, &[&x])[0], &[&x]).remove(0);
    assert!(dd.data().is_nan());
    assert_eq!(dd.anomaly().unwrap().op, "sq''");
}

proptest! {
    // 256 cases natively; 4 under Miri, which runs ~1000x slower.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
    #[test]
    fn gradcheck_never_fails_on_random_circuits_of_every_op(
        inputs in prop::collection::vec(-1.5f64..1.5, 1..4),
        program in prop::collection::vec(step(), 1..14),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let out = run(&leaves, &program, apply).pop().unwrap();
        let wrt: Vec<&Value> = leaves.iter().collect();
        let check = gradcheck(&out, &wrt);
        // Big values make a step of 1e-6 too coarse (the function curves within it): only
        // circuits of moderate values are held to the default tolerances.
        let moderate = out.trace().rows().iter().all(|r| r.data.abs() < 1e3 && r.grad.abs() < 1e3);
        for row in check.rows() {
            prop_assert!(
                !moderate || row.verdict != Verdict::Fail,
                "{}", check
            );
        }
    }

    #[test]
    fn every_anomaly_is_where_it_says(
        inputs in prop::collection::vec(-3.0f64..3.0, 1..4),
        program in prop::collection::vec(step(), 1..20),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let out = run(&leaves, &program, apply).pop().unwrap();
        let found = out.anomaly();
        let checked = out.backward_checked();
        // (NaN fields make `==` false on equal anomalies: they compare as the sentences they print.)
        prop_assert_eq!(
            checked.clone().err().map(|a| a.to_string()),
            found.as_ref().map(|a| a.to_string())
        );
        let rows = out.trace().rows().to_vec();
        match found {
            None => prop_assert!(rows.iter().all(|r| r.data.is_finite() && r.grad.is_finite())),
            Some(a) if a.pass == Pass::Forward => {
                // Its value is the first that is not finite with finite inputs, and no node before
                // it is both.
                let starts = |i: usize| {
                    !rows[i].data.is_finite() && rows[i].inputs.iter().all(|&j| rows[j].data.is_finite())
                };
                prop_assert!(starts(a.node));
                prop_assert!((0..a.node).all(|i| !starts(i)));
            }
            Some(a) => {
                // Every value is finite; the node's grad is, and so was its input's before it.
                prop_assert!(rows.iter().all(|r| r.data.is_finite()));
                let input = a.input.unwrap();
                prop_assert!(a.value.is_finite() && input.before.is_finite());
                prop_assert!(!input.after.is_finite());
                prop_assert_eq!(bits([input.before + input.contribution]), bits([input.after]));
                prop_assert_eq!(bits([rows[a.node].grad]), bits([a.value]));
            }
        }
    }
}

#[test]
fn custom_ops_are_checked_through_the_repls_session_too() {
    use circuitgrad::script::{Reply, ScriptError, Session};
    fn cbrt(x: f64) -> f64 {
        x.cbrt()
    }
    fn cbrt_d(x: f64) -> f64 {
        1.0 / (3.0 * x.cbrt() * x.cbrt()) // 1/(3·x^(2/3)): inf at 0
    }
    let text = |s: &mut Session, line: &str| match s.run(line) {
        Ok(Reply::Text(t)) => t,
        other => panic!("{line}: {other:?}"),
    };
    let script = [
        "x = 1.25",
        "y = -0.5",
        "s = sq(x)",
        "f = tanh(s) * s + hypot(s, y)",
    ];
    // s is shared: tanh(s)·s and hypot(s, y) both use it.
    for (sq_rule, hypot_db_rule, fails) in [
        (
            sq_d as fn(f64) -> f64,
            hypot_db as fn(f64, f64) -> f64,
            vec![],
        ),
        (sq_wrong, hypot_db, vec!["x"]),
        (sq_d, hypot_db_wrong, vec!["y"]),
    ] {
        let mut s = Session::new();
        s.define("sq", sq, sq_rule).unwrap();
        s.define2("hypot", hypot, hypot_da, hypot_db_rule).unwrap();
        for line in script {
            assert_eq!(s.run(line), Ok(Reply::Nothing), "{line}");
        }
        let table = text(&mut s, ":check f");
        for leaf in ["x", "y"] {
            let row = table
                .lines()
                .find(|l| l.split('|').next().is_some_and(|c| c.trim() == leaf))
                .unwrap_or_else(|| panic!("no row for {leaf} in\n{table}"));
            assert_eq!(
                row.contains("FAIL"),
                fails.contains(&leaf),
                "{leaf}:\n{table}"
            );
        }
        // The gradient through the session's op is the API's, on the same nodes.
        let (f, x) = (s.get("f").unwrap().clone(), s.get("x").unwrap().clone());
        f.backward();
        let g = circuitgrad::grad(&f, &[&x]).remove(0);
        assert_eq!(g.data().to_bits(), x.grad().to_bits());
    }
    // A blow-up only in the backward pass, inside a custom op: cbrt(0) is 0, its slope inf.
    let mut s = Session::new();
    s.define("cbrt", cbrt, cbrt_d).unwrap();
    for line in ["x = 0", "y = 2", "f = cbrt(x) * y + y"] {
        assert_eq!(s.run(line), Ok(Reply::Nothing), "{line}");
    }
    let why = text(&mut s, ":why f");
    assert!(why.starts_with("backward: cbrt(0)"), "{why}");
    assert!(why.contains("x") && why.contains("inf"), "{why}");
    // What cannot be a function is refused, and nothing changes.
    for (name, reason) in [
        ("exp", "it is a built-in function"),
        ("x", "it is bound to a value"),
        ("2x", "a function's name is a letter"),
        ("", "a function's name is a letter"),
    ] {
        let err = s.define(name, sq, sq_d).unwrap_err();
        assert!(matches!(err, ScriptError::BadDefinition { .. }), "{err:?}");
        assert!(err.to_string().contains(reason), "{name}: {err}");
    }
    assert_eq!(text(&mut s, "cbrt(8)"), "2"); // on numbers, at once
    assert!(text(&mut s, ":help").ends_with("\n\nDefined for this session: cbrt(x)."));
    assert_eq!(
        s.run("cbrt = 1").unwrap_err().to_string(),
        "`cbrt` is a function; bind another name"
    );
}
