//! `grad` against `backward()` on the circuits of W2 (a D = 1e6 chain) and W4 (one moons loss of
//! 65,412 nodes): the time of the pass alone (the circuit is built first, untimed), the size of the
//! gradient circuit `grad` builds, and the memory it takes while it is alive.
//!
//! `backward()` leaves numbers in the nodes; `grad` builds a circuit that can be differentiated
//! again, so it allocates a node for each product and sum that is not a constant.

use std::hint::black_box;
use std::time::Instant;

use circuitgrad::nn::{Mlp, margin_loss};
use circuitgrad::{Value, grad};

use crate::harness::{in_2mib_thread, rss};
use crate::w4;

/// Times of one pass, in milliseconds, and the gradient circuit's size in nodes, the original's
/// nodes it uses included.
pub struct Figures {
    pub backward_ms: f64,
    pub grad_ms: f64,
    pub grad_nodes: usize,
}

/// A chain of a million nodes in a fresh 2 MiB thread, built untimed: W2's own
/// (`v = v * 0.9999 + 0.0001`, whose local derivatives are all constants, so `grad` folds them into
/// a number and builds one node), or with a `tanh` instead of the sum (`v = tanh(v * 0.9999)`),
/// whose local derivatives are nodes, so `grad` builds a circuit as long as the chain.
pub fn w2(with_tanh: bool) -> Figures {
    in_2mib_thread(move || {
        let (x, v) = w2_circuit(with_tanh);
        let start = Instant::now();
        v.backward();
        let backward_ms = start.elapsed().as_secs_f64() * 1e3;
        black_box(x.grad());
        let start = Instant::now();
        let g = grad(&v, &[&x]);
        let grad_ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(g[0].data().to_bits(), x.grad().to_bits());
        // The result's circuit, the chain's own nodes it uses included.
        let grad_nodes = g[0].compile().len();
        Figures {
            backward_ms,
            grad_ms,
            grad_nodes,
        }
    })
}

fn w2_circuit(with_tanh: bool) -> (Value, Value) {
    let x = Value::new(0.5);
    let mut v = x.clone();
    for _ in 0..500_000 {
        v = if with_tanh {
            (&v * 0.9999).tanh()
        } else {
            &v * 0.9999 + 0.0001
        };
    }
    (x, v)
}

/// In a child process: bytes of resident memory per node of the chain with `tanh` while its
/// gradient circuit is alive.
pub fn w2_bytes_child() -> f64 {
    in_2mib_thread(|| {
        let (x, v) = w2_circuit(true);
        let before = rss();
        let g = grad(&v, &[&x]);
        let grown = rss() - before;
        black_box(&g);
        grown as f64 / 1e6
    })
}

/// One moons loss at the seeded initial parameters: `backward()` against `grad` with respect to
/// all 337 parameters, medians of `runs`.
pub fn w4(runs: usize) -> Figures {
    let data = w4::moons();
    let mlp = Mlp::new(2, &w4::SIZES, 42);
    let params = mlp.parameters();
    let wrt: Vec<&Value> = params.iter().collect();
    let (loss, _) = margin_loss(&mlp, &data, 1e-4).unwrap();
    let mut backward = Vec::new();
    let mut grads = Vec::new();
    let mut grad_nodes = 0;
    for _ in 0..runs {
        let start = Instant::now();
        loss.backward();
        backward.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        let g = grad(&loss, &wrt);
        grads.push(start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(g[0].data().to_bits(), params[0].grad().to_bits());
        grad_nodes = gradient_nodes(&g);
    }
    Figures {
        backward_ms: crate::harness::median(backward),
        grad_ms: crate::harness::median(grads),
        grad_nodes,
    }
}

/// In a child process: bytes of resident memory per node of the loss's circuit while its gradient
/// circuits are alive.
pub fn w4_bytes_child() -> f64 {
    let data = w4::moons();
    let mlp = Mlp::new(2, &w4::SIZES, 42);
    let params = mlp.parameters();
    let wrt: Vec<&Value> = params.iter().collect();
    let (loss, _) = margin_loss(&mlp, &data, 1e-4).unwrap();
    let nodes = loss.compile().len();
    let before = rss();
    let g = grad(&loss, &wrt);
    let grown = rss() - before;
    black_box(&g);
    grown as f64 / nodes as f64
}

/// The nodes of all the gradient circuits together, each once (the loss's own nodes they use
/// included).
fn gradient_nodes(g: &[Value]) -> usize {
    // One sum over them all: its circuit is every result's circuit, and the sum's own nodes.
    let all = g.iter().fold(Value::new(0.0), |sum, v| sum + v);
    all.compile().len() - g.len() - 1
}
