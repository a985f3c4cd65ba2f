//! W2: one deep chain. `v = v * 0.9999 + 0.0001`, D steps, build + backward + drop, in a fresh
//! 2 MiB thread; and the memory a step takes while a D = 1e6 chain is alive.

use std::hint::black_box;
use std::time::Instant;

use circuitgrad::Value;
use reverse::Gradient;

use crate::floor;
use crate::harness::{child, in_2mib_thread, per, rss};

/// ns per step of `v = v * 0.9999 + 0.0001`, D steps, build + backward + drop, repeated to about a
/// million steps, in a fresh 2 MiB thread.
pub fn circuitgrad(depth: usize) -> f64 {
    in_2mib_thread(move || {
        let reps = (1_000_000 / depth).max(1);
        let start = Instant::now();
        for _ in 0..reps {
            let x = Value::new(0.5);
            let mut v = x.clone();
            for _ in 0..depth {
                v = &v * black_box(0.9999) + black_box(0.0001);
            }
            v.backward();
            check(x.grad(), depth);
        }
        per(start.elapsed(), reps * depth)
    })
}

pub fn floor(depth: usize) -> f64 {
    in_2mib_thread(move || {
        let reps = (1_000_000 / depth).max(1);
        let start = Instant::now();
        for _ in 0..reps {
            let mut tape = floor::Tape::new();
            let x = tape.leaf(0.5);
            let mut v = x;
            for _ in 0..depth {
                let c = tape.leaf(black_box(0.9999));
                v = tape.mul(v, c);
                let c = tape.leaf(black_box(0.0001));
                v = tape.add(v, c);
            }
            tape.backward(v);
            check(tape.grad[x as usize], depth);
        }
        per(start.elapsed(), reps * depth)
    })
}

pub fn reverse(depth: usize) -> f64 {
    in_2mib_thread(move || {
        let reps = (1_000_000 / depth).max(1);
        let start = Instant::now();
        for _ in 0..reps {
            let tape = reverse::Tape::new();
            let x = tape.add_var(0.5);
            let mut v = x;
            for _ in 0..depth {
                v = v * black_box(0.9999) + black_box(0.0001);
            }
            check(v.grad().wrt(&x), depth);
        }
        per(start.elapsed(), reps * depth)
    })
}

pub fn check(grad: f64, depth: usize) {
    let want = 0.9999f64.powi(depth as i32);
    assert!(
        (grad - want).abs() <= 1e-9 * want,
        "W2 grad {grad}, want 0.9999^{depth} = {want}"
    );
}

/// In a child process: bytes of resident memory per step while a D = 1e6 chain is built.
pub fn bytes_child(system: &str) -> f64 {
    let system = system.to_string();
    in_2mib_thread(move || {
        let depth = 1_000_000;
        let before = rss();
        let grown = if system == "circuitgrad" {
            let x = Value::new(0.5);
            let mut v = x.clone();
            for _ in 0..depth {
                v = &v * 0.9999 + 0.0001;
            }
            let grown = rss() - before;
            v.backward();
            check(x.grad(), depth);
            grown
        } else {
            let mut tape = floor::Tape::new();
            let x = tape.leaf(0.5);
            let mut v = x;
            for _ in 0..depth {
                let c = tape.leaf(0.9999);
                v = tape.mul(v, c);
                let c = tape.leaf(0.0001);
                v = tape.add(v, c);
            }
            let grown = rss() - before;
            tape.backward(v);
            check(tape.grad[x as usize], depth);
            grown
        };
        grown as f64 / depth as f64
    })
}

pub fn bytes(system: &str) -> f64 {
    child(system)
}
