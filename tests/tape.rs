//! The compiled tape: bit-identical to the dynamic engine on random circuits (every op, shared
//! sub-expressions, kinks and IEEE-754 domains included), deep circuits in 2 MiB, what it replays.

mod common;

use circuitgrad::Value;
use common::{apply, bits, in_2mib_thread, run, step};
use proptest::prelude::*;

proptest! {
    // 256 cases natively (proptest's default); 4 under Miri, which runs ~1000x slower.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
    #[test]
    fn replay_is_bit_identical_to_the_dynamic_engine(
        first in prop::collection::vec(-2.0f64..2.0, 1..4),
        second in prop::collection::vec(-2.0f64..2.0, 4),
        program in prop::collection::vec(step(), 1..24),
    ) {
        let leaves: Vec<Value> = first.iter().map(|&x| Value::new(x)).collect();
        let nodes = run(&leaves, &program, apply);
        let out = nodes.last().unwrap();
        let mut tape = out.compile();

        // Replay on the compile-time data and on new leaf data; each against a fresh dynamic build.
        for data in [first.clone(), second[..first.len()].to_vec()] {
            for (leaf, &x) in leaves.iter().zip(&data) {
                leaf.set_data(x);
            }
            let fresh = run(&leaves, &program, apply);
            let dynamic = fresh.last().unwrap();
            dynamic.backward();
            let dynamic_grads = bits(leaves.iter().map(Value::grad));

            let replayed = tape.forward();
            tape.backward();
            prop_assert_eq!(bits([replayed]), bits([dynamic.data()]));
            prop_assert_eq!(bits(leaves.iter().map(Value::grad)), dynamic_grads);
            // Inner nodes too: every compiled node replays what the fresh build computed for it.
            // (A random program may leave a node unused by the output: it is not on the tape.)
            prop_assert!(tape.value_of(out).is_some());
            for (old, new) in nodes.iter().zip(&fresh) {
                if let Some(replayed) = tape.value_of(old) {
                    prop_assert_eq!(bits([replayed]), bits([new.data()]));
                }
            }
        }
    }
}

#[test]
fn a_training_loop_through_the_tape_matches_the_dynamic_loop_exactly() {
    // Fit w·x + b to y = 2x - 1 on four points with 30 SGD steps, twice.
    let points = [(-1.0, -3.0), (0.0, -1.0), (1.0, 1.0), (2.0, 3.0)];
    let loss_of = |w: &Value, b: &Value| -> Value {
        points
            .iter()
            .map(|&(x, y)| (w * x + b - y).pow(2.0))
            .sum::<Value>()
            / 4.0
    };
    let train = |replay: bool| {
        let (w, b) = (Value::new(0.3), Value::new(-0.2));
        let mut tape = loss_of(&w, &b).compile();
        for _ in 0..30 {
            if replay {
                tape.forward();
                tape.backward();
            } else {
                loss_of(&w, &b).backward();
            }
            for p in [&w, &b] {
                p.set_data(p.data() - 0.1 * p.grad());
            }
        }
        bits([w.data(), b.data()])
    };
    assert_eq!(train(true), train(false));
}

/// Steps of two nodes each: a million nodes natively, a thousand under Miri.
const HALF_MILLION: usize = if cfg!(miri) { 500 } else { 500_000 };

#[test]
fn million_node_circuit_compiles_and_replays_in_2mib() {
    let grad = in_2mib_thread(|| {
        let x = Value::new(0.5);
        let mut v = x.clone();
        for _ in 0..HALF_MILLION {
            v = &v * 0.9999 + 0.0001; // two nodes a step: a million in all
        }
        let mut tape = v.compile();
        drop(v);
        assert_eq!(tape.len(), 2 * HALF_MILLION + 1);
        x.set_data(0.25);
        tape.forward();
        tape.backward();
        x.grad()
    });
    // dv/dx = 0.9999^HALF_MILLION, whatever x is.
    approx::assert_relative_eq!(
        grad,
        0.9999f64.powi(HALF_MILLION as i32),
        max_relative = 1e-9
    );
}

#[test]
fn set_data_on_an_inner_node_after_compiling_has_no_effect_on_the_tape() {
    let x = Value::new(2.0);
    let hidden = &x * 3.0;
    let out = &hidden + 1.0;
    let mut tape = out.compile();
    hidden.set_data(100.0);
    assert_eq!(tape.forward(), 7.0); // 2·3 + 1: the tape recomputes `hidden` from `x`
    x.set_data(1.0);
    assert_eq!(tape.forward(), 4.0);
}

#[test]
fn nodes_outside_the_tape_and_positions_past_its_end_are_none() {
    let x = Value::new(1.0);
    let y = &x + 1.0;
    let later = &y * 2.0; // built after compiling: not on the tape
    let tape = y.compile();
    assert_eq!(tape.index_of(&later), None);
    assert_eq!(tape.value_of(&later), None);
    assert_eq!((tape.value(2), tape.grad(2)), (None, None));
    assert_eq!(
        format!("{tape:?}"),
        "Tape { nodes: 2, leaves: 1, output: 2.0 }"
    );
}

#[test]
fn the_tape_keeps_its_circuit_alive() {
    let x = Value::new(3.0);
    let mut tape = (&x * &x).tanh().compile(); // the expression's handles are gone at once
    assert_eq!(tape.len(), 3);
    tape.forward();
    tape.backward();
    // d tanh(x²)/dx = 2x (1 - tanh²(x²))
    approx::assert_relative_eq!(
        x.grad(),
        6.0 * (1.0 - 9f64.tanh().powi(2)),
        max_relative = 1e-12
    );
    assert!(tape.output().inputs()[0].inputs()[0].same_node(&x));
}
