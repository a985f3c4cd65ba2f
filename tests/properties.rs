//! Random expression DAGs (shared sub-expressions included): `backward()` agrees with central
//! differences of the same expression evaluated on plain `f64`.

mod common;

use circuitgrad::Value;
use circuitgrad::local;
use common::{Step, bits, step};
use proptest::prelude::*;

/// The same expression, written once, evaluated on `f64` and on `Value`.
trait Scalar: Clone {
    fn apply(op: u8, a: &Self, b: &Self, c: f64) -> Self;
}

impl Scalar for f64 {
    fn apply(op: u8, a: &f64, b: &f64, c: f64) -> f64 {
        let (a, b) = (*a, *b);
        match op {
            0 => a + b,
            1 => a - b,
            2 => a * b,
            3 => a / (b * b + 1.0),
            // The crate's own `exp`, `ln`, `tanh`, `pow` (the platform's, or the `libm` crate's with
            // `portable-math`), so that the value compares exactly whichever is built.
            4 => local::tanh(a),
            5 => 1.0 / (1.0 + local::exp(-a)),
            6 => local::exp(local::tanh(a)),
            7 => local::ln(a * a + 1.0),
            8 => local::pow(a, 3.0),
            9 => a * c + c,
            10 => c - a,
            11 => c / (a * a + 1.0),
            12 => (a * a + 1.0).sqrt(),
            13 => local::pow_value(a * a + 1.0, b * 0.5),
            14 => a * a,
            _ => a / c,
        }
    }
}

impl Scalar for Value {
    fn apply(op: u8, a: &Value, b: &Value, c: f64) -> Value {
        match op {
            0 => a + b,
            1 => a - b,
            2 => a * b,
            3 => a / (b * b + 1.0),
            4 => a.tanh(),
            5 => a.sigmoid(),
            6 => a.tanh().exp(),
            7 => (a * a + 1.0).ln(),
            8 => a.pow(3.0),
            9 => a * c + c,
            10 => c - a,
            11 => c / (a * a + 1.0),
            12 => (a * a + 1.0).sqrt(),
            13 => (a * a + 1.0).pow(&(b * 0.5)),
            14 => a.square(),
            _ => a / c,
        }
    }
}

fn run<T: Scalar>(inputs: &[T], program: &[Step]) -> Vec<T> {
    common::run(inputs, program, |step, a, b| {
        T::apply(step.op, a, b, step.c)
    })
}

/// The output: the sum of the last two nodes, so most programs use several branches.
fn output<T: Scalar + std::ops::Add<Output = T>>(nodes: &[T]) -> T {
    let n = nodes.len();
    nodes[n - 1].clone() + nodes[n - 2].clone()
}

proptest! {
    // 256 cases natively (proptest's default); 4 under Miri, which runs ~1000x slower.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
    #[test]
    fn backward_agrees_with_central_differences(
        inputs in prop::collection::vec(-1.5f64..1.5, 1..4),
        program in prop::collection::vec(step(16), 1..14),
    ) {
        let f = |xs: &[f64]| output(&run(xs, &program));
        let value = f(&inputs);
        prop_assume!(value.is_finite() && value.abs() < 1e3);

        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let out = output(&run(&leaves, &program));
        out.backward();
        prop_assert_eq!(out.data(), value);

        for (i, leaf) in leaves.iter().enumerate() {
            let h = 1e-6;
            let (mut up, mut down) = (inputs.clone(), inputs.clone());
            up[i] += h;
            down[i] -= h;
            let numeric = (f(&up) - f(&down)) / (2.0 * h);
            let analytic = leaf.grad();
            // Central differences are accurate to O(h²) plus rounding of about 1e-16 / h.
            let tolerance = 1e-5 * (1.0 + analytic.abs().max(numeric.abs()));
            prop_assert!(
                (numeric - analytic).abs() <= tolerance,
                "input {}: backward {} vs central difference {}", i, analytic, numeric
            );
        }
    }

    #[test]
    fn backward_is_idempotent_on_random_circuits(
        inputs in prop::collection::vec(-1.5f64..1.5, 1..4),
        program in prop::collection::vec(step(16), 1..14),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let out = output(&run(&leaves, &program));
        out.backward();
        let first: Vec<f64> = leaves.iter().map(Value::grad).collect();
        out.backward();
        let second: Vec<f64> = leaves.iter().map(Value::grad).collect();
        prop_assert_eq!(bits(first), bits(second)); // bit for bit (any NaN counts as one value)
    }
}
