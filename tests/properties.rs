//! Every op of the table, alone and in random expression DAGs (shared sub-expressions included):
//! `backward()` agrees with central differences of the same expression evaluated on plain `f64`
//! with the table's forward rules. Nothing here names an op: a new row of the table is tested here
//! as it is added.

mod common;

use circuitgrad::{Arity, Op, Value};
use common::{Step, apply, bits, eval, run, step};
use proptest::prelude::*;

/// A central difference of the forward rules: a step of 1e-6 (relative) keeps rounding small
/// against first derivatives.
fn slope(f: impl Fn(f64) -> f64, x: f64) -> Option<f64> {
    common::slope(f, x, 1e-6, 1e-3)
}

/// Whether the analytic derivative agrees with a trusted central difference. Central differences
/// are accurate to O(h²) plus rounding of about 1e-16 / h.
fn agrees(analytic: f64, numeric: f64) -> bool {
    (analytic - numeric).abs() <= 1e-5 * (1.0 + analytic.abs().max(numeric.abs()))
}

#[test]
fn every_op_of_the_table_matches_central_differences_of_its_forward_rule() {
    // Points where some ops are smooth and in their domain; every op must be checked at one or
    // more of them with respect to each of its inputs.
    let points = [(0.7, 1.3), (1.6, -0.4), (-0.8, 1.9), (2.5, 0.6), (0.3, 2.2)];
    let scalars = [1.5, -0.5, 3.0];
    for &op in Op::ALL {
        let inputs = match op.arity() {
            Arity::Two => 2,
            _ => 1,
        };
        let mut checked = vec![0; inputs];
        for &(x, y) in &points {
            for &c in &scalars {
                let (a, b) = (Value::new(x), Value::new(y));
                let out = op.apply(&a, &b, c).expect("every op of the table applies");
                out.backward();
                let second = if op.arity() == Arity::Two { y } else { c };
                let numeric = [
                    slope(|x| op.eval(x, second), x),
                    slope(|y| op.eval(x, y), y).filter(|_| inputs == 2),
                ];
                for (i, grad) in [a.grad(), b.grad()].into_iter().enumerate().take(inputs) {
                    if let Some(numeric) = numeric[i] {
                        assert!(
                            agrees(grad, numeric),
                            "{op:?} at ({x}, {second}): input {i}: backward {grad}, central difference {numeric}"
                        );
                        checked[i] += 1;
                    }
                }
            }
        }
        assert!(
            checked.iter().all(|&n| n > 0),
            "{op:?} was never smooth and in its domain at the points tried: add one to `points`"
        );
    }
}

/// The output: the sum of the last two nodes, so most programs use several branches.
fn output<T: Clone + std::ops::Add<Output = T>>(nodes: &[T]) -> T {
    let n = nodes.len();
    nodes[n - 1].clone() + nodes[n - 2].clone()
}

fn f64_program(inputs: &[f64], program: &[Step]) -> f64 {
    output(&run(inputs, program, eval))
}

proptest! {
    // 512 cases natively; 4 under Miri, which runs ~1000x slower.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 512 }))]
    #[test]
    fn backward_agrees_with_central_differences(
        inputs in prop::collection::vec(-1.5f64..1.5, 1..4),
        program in prop::collection::vec(step(), 1..14),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let out = output(&run(&leaves, &program, apply));
        out.backward();
        // The forward pass is the table's rule, node by node, bit for bit.
        prop_assert_eq!(bits([out.data()]), bits([f64_program(&inputs, &program)]));

        // Where a node's value or a gradient is not finite (x / 0, then 0 × inf in backward), IEEE-754
        // decides the result and a difference says nothing about it: only finite circuits compare.
        let finite = out.trace().rows().iter().all(|r| r.data.is_finite());
        for (i, leaf) in leaves.iter().enumerate().filter(|(_, leaf)| finite && leaf.grad().is_finite()) {
            let nudged = |x: f64| {
                let mut xs = inputs.clone();
                xs[i] = x;
                f64_program(&xs, &program)
            };
            // Overflow and kinks happen in random programs: where the difference cannot be trusted
            // there is nothing to compare.
            if let Some(numeric) = slope(nudged, inputs[i]) {
                let analytic = leaf.grad();
                prop_assert!(
                    agrees(analytic, numeric),
                    "input {}: backward {} vs central difference {}", i, analytic, numeric
                );
            }
        }
    }

    #[test]
    fn backward_is_idempotent_on_random_circuits(
        inputs in prop::collection::vec(-1.5f64..1.5, 1..4),
        program in prop::collection::vec(step(), 1..14),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let out = output(&run(&leaves, &program, apply));
        out.backward();
        let first: Vec<f64> = leaves.iter().map(Value::grad).collect();
        out.backward();
        let second: Vec<f64> = leaves.iter().map(Value::grad).collect();
        prop_assert_eq!(bits(first), bits(second)); // bit for bit (any NaN counts as one value)
    }
}
