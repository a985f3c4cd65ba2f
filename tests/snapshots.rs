//! Gradient traces of the tutorial's circuits, recorded as named insta snapshots in `snapshots/`.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test` and `git diff`).

mod common;

use circuitgrad::Value;
use circuitgrad::gates::{ascent_step, custom};
use std::fmt::Write;

/// The tutorial's seed circuit, backpropagated.
fn seed_circuit() -> Value {
    let x = Value::new(-2.0).labeled("x");
    let y = Value::new(5.0).labeled("y");
    let z = Value::new(-4.0).labeled("z");
    let q = (&x + &y).labeled("q");
    (&q * &z).labeled("f")
}

/// `100 - (x - y)^2` as a circuit.
fn custom_gate(x: &Value, y: &Value) -> Value {
    let d = (x - y).labeled("d");
    let d2 = d.pow(2.0).labeled("d2");
    (100.0 - &d2).labeled("f")
}

#[test]
fn seed_circuit_trace() {
    let f = seed_circuit();
    f.backward();
    // x and y get z = -4, z gets q = 3 (see tests/tutorial.rs for the chain rule by hand).
    assert_eq!(
        f.trace().rows().iter().map(|r| r.grad).collect::<Vec<_>>(),
        [-4.0, -4.0, -4.0, 3.0, 1.0]
    );
    assert_named_snapshot!("seed_circuit_trace", f.trace().to_string());
}

#[test]
fn custom_gate_trace() {
    let (x, y) = (Value::new(3.0).labeled("x"), Value::new(4.0).labeled("y"));
    let f = custom_gate(&x, &y);
    f.backward();
    // df/dx = -2(x - y) = 2, df/dy = 2(x - y) = -2.
    assert_eq!((x.grad(), y.grad()), (2.0, -2.0));
    assert_named_snapshot!("custom_gate_trace", f.trace().to_string());
}

#[test]
fn neuron_trace() {
    let [a, b, c, x, y] = [("a", 1.0), ("b", 2.0), ("c", -3.0), ("x", -1.0), ("y", 3.0)]
        .map(|(name, v)| Value::new(v).labeled(name));
    let ax = (&a * &x).labeled("ax");
    let by = (&b * &y).labeled("by");
    let sum = (&ax + &by + &c).labeled("ax+by+c");
    let s = sum.sigmoid().labeled("s");
    s.backward();
    assert_eq!(s.data(), 0.8807970779778823);
    assert_named_snapshot!("neuron_trace", s.trace().to_string());
}

#[test]
fn ascent_first_steps() {
    // The custom gate climbed with backprop's gradients, step 0.001, three times; beside it the
    // tutorial's numerical-gradient step from the same start.
    let mut log = String::new();
    let (mut x0, mut y0) = (3.0, 4.0);
    for step in 0..3 {
        let (x, y) = (Value::new(x0).labeled("x"), Value::new(y0).labeled("y"));
        let f = custom_gate(&x, &y);
        f.backward();
        writeln!(log, "step {step}: f = {}\n{}", f.data(), f.trace()).unwrap();
        (x0, y0) = (x0 + 0.001 * x.grad(), y0 + 0.001 * y.grad());
    }
    let numeric = ascent_step(|[x, y]| custom(x, y), [3.0, 4.0], 0.001);
    writeln!(log, "numerical step from (3, 4): {numeric:?}").unwrap();
    // Each step moves x up and y down, so f rises: 99 -> 99.007984 (analytic: x, y = 3.002, 3.998).
    assert_eq!((x0 > 3.0, y0 < 4.0), (true, true));
    assert_named_snapshot!("ascent_first_steps", log);
}

#[test]
fn shared_subexpression_trace() {
    // b = 2a, c = 3b + 4b: b is one node used twice, so dc/da = 14 (a port without a topological
    // sort gets 20).
    let a = Value::new(1.0).labeled("a");
    let b = (&a * 2.0).labeled("b");
    let c = (&b * 3.0 + &b * 4.0).labeled("c");
    c.backward();
    assert_eq!(a.grad(), 14.0);
    assert_named_snapshot!("shared_subexpression_trace", c.trace().to_string());
}
