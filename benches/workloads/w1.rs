//! W1: many tiny graphs. `f = (x + y) * z` from three new leaves, then `backward()`, 200,000 times.

use std::hint::black_box;
use std::time::Instant;

use circuitgrad::Value;
use reverse::Gradient;

use crate::floor;
use crate::harness::per;

const ROUNDS: usize = 200_000;

pub fn circuitgrad() -> f64 {
    let start = Instant::now();
    let mut checksum = 0.0;
    for _ in 0..ROUNDS {
        let x = Value::new(black_box(-2.0));
        let y = Value::new(black_box(5.0));
        let z = Value::new(black_box(-4.0));
        let f = (&x + &y) * &z;
        f.backward();
        checksum += x.grad() + y.grad() + z.grad();
    }
    assert_eq!(checksum, -5.0 * ROUNDS as f64);
    per(start.elapsed(), ROUNDS)
}

pub fn floor() -> f64 {
    let start = Instant::now();
    let mut tape = floor::Tape::new();
    let mut checksum = 0.0;
    for _ in 0..ROUNDS {
        tape.clear();
        let x = tape.leaf(black_box(-2.0));
        let y = tape.leaf(black_box(5.0));
        let z = tape.leaf(black_box(-4.0));
        let q = tape.add(x, y);
        let f = tape.mul(q, z);
        tape.backward(f);
        checksum += tape.grad[x as usize] + tape.grad[y as usize] + tape.grad[z as usize];
    }
    assert_eq!(checksum, -5.0 * ROUNDS as f64);
    per(start.elapsed(), ROUNDS)
}

pub fn reverse(cleared: bool) -> f64 {
    let start = Instant::now();
    let mut checksum = 0.0;
    let shared = reverse::Tape::new();
    for _ in 0..ROUNDS {
        let fresh;
        let tape = if cleared {
            shared.clear();
            &shared
        } else {
            fresh = reverse::Tape::new();
            &fresh
        };
        let x = tape.add_var(black_box(-2.0));
        let y = tape.add_var(black_box(5.0));
        let z = tape.add_var(black_box(-4.0));
        let f = (x + y) * z;
        let grads = f.grad();
        checksum += grads.wrt(&x) + grads.wrt(&y) + grads.wrt(&z);
    }
    assert_eq!(checksum, -5.0 * ROUNDS as f64);
    per(start.elapsed(), ROUNDS)
}

pub fn micro_grad() -> f64 {
    use micro_grad::value::Var;
    let start = Instant::now();
    let mut checksum = 0.0;
    for _ in 0..ROUNDS {
        let x = Var::new(black_box(-2.0));
        let y = Var::new(black_box(5.0));
        let z = Var::new(black_box(-4.0));
        let f = x.add(&y).mul(&z);
        Var::backward(&f);
        checksum += x.grad_of() + y.grad_of() + z.grad_of();
    }
    assert_eq!(checksum, -5.0 * ROUNDS as f64);
    per(start.elapsed(), ROUNDS)
}
