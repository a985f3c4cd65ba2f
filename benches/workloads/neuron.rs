//! A neuron's weighted sum, three ways: inputs as leaves, as scalar operands, and replayed.

use std::hint::black_box;
use std::time::Instant;

use circuitgrad::Value;
use circuitgrad::nn::{Activation, Neuron};

use crate::harness::per;

/// ns per neuron (16 inputs, `relu(b + Σ wᵢxᵢ)`, build + backward + drop), with the inputs as leaves
/// (`Value`s: a leaf and a product per input), as `f64`s (scalar operands: one node per input), and
/// replayed from a tape.
pub fn forms() -> [f64; 3] {
    const ROUNDS: usize = 50_000;
    let weights: Vec<f64> = (0..16).map(|i| (i as f64 - 7.5) / 8.0).collect();
    let xs: Vec<f64> = (0..16).map(|i| (i as f64) / 16.0).collect();
    let neuron = Neuron::with_weights(&weights, 0.1, Activation::Relu);
    let start = Instant::now();
    for _ in 0..ROUNDS {
        let leaves: Vec<Value> = xs.iter().map(|&x| Value::new(black_box(x))).collect();
        neuron.call(&leaves).unwrap().backward();
    }
    let as_leaves = per(start.elapsed(), ROUNDS);
    let start = Instant::now();
    for _ in 0..ROUNDS {
        let inputs: Vec<f64> = xs.iter().map(|&x| black_box(x)).collect();
        neuron.call(&inputs).unwrap().backward();
    }
    let as_scalars = per(start.elapsed(), ROUNDS);
    let mut tape = neuron.call(&xs).unwrap().compile();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        black_box(tape.forward());
        tape.backward();
    }
    [as_leaves, as_scalars, per(start.elapsed(), ROUNDS)]
}
