//! W3: a long running sum. `s += a[i] * b[i]` over a million pairs of leaves, then `backward()`;
//! and what the allocations alone of as many `Rc<RefCell<..>>` nodes cost.

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Instant;

use circuitgrad::Value;
use reverse::Gradient;

use crate::floor;
use crate::harness::per;

/// Pairs of leaves.
pub const N: usize = 1_000_000;

pub fn circuitgrad() -> f64 {
    let start = Instant::now();
    let n = N;
    let a: Vec<Value> = (0..n).map(|i| Value::new(i as f64 / n as f64)).collect();
    let b: Vec<Value> = (0..n)
        .map(|i| Value::new(1.0 - i as f64 / n as f64))
        .collect();
    let mut s = &a[0] * &b[0];
    for i in 1..n {
        s += &a[i] * &b[i];
    }
    s.backward();
    assert_eq!(a[n - 1].grad(), b[n - 1].data()); // ds/da_i = b_i
    drop((s, a, b));
    start.elapsed().as_secs_f64()
}

pub fn floor() -> f64 {
    let start = Instant::now();
    let n = N;
    let mut tape = floor::Tape::new();
    let a: Vec<u32> = (0..n).map(|i| tape.leaf(i as f64 / n as f64)).collect();
    let b: Vec<u32> = (0..n)
        .map(|i| tape.leaf(1.0 - i as f64 / n as f64))
        .collect();
    let mut s = tape.mul(a[0], b[0]);
    for i in 1..n {
        let ab = tape.mul(a[i], b[i]);
        s = tape.add(s, ab);
    }
    tape.backward(s);
    assert_eq!(tape.grad[a[n - 1] as usize], tape.val[b[n - 1] as usize]);
    drop(tape);
    start.elapsed().as_secs_f64()
}

/// What any engine whose nodes are `Rc<RefCell<Node>>` pays before it computes anything: `count`
/// allocations of a node's size (72 bytes, the node's 48 and the counts and flag), all alive at once,
/// as a circuit's are, then freed. Nothing can be recycled: the nodes are alive together. Returns
/// nanoseconds per allocation.
pub fn allocations_alone(count: usize) -> f64 {
    let start = Instant::now();
    let nodes: Vec<Rc<RefCell<[u64; 6]>>> = (0..count)
        .map(|i| Rc::new(RefCell::new([i as u64; 6])))
        .collect();
    black_box(&nodes);
    drop(nodes);
    per(start.elapsed(), count)
}

pub fn reverse() -> f64 {
    let start = Instant::now();
    let n = N;
    let tape = reverse::Tape::new();
    let a: Vec<_> = (0..n).map(|i| tape.add_var(i as f64 / n as f64)).collect();
    let b: Vec<_> = (0..n)
        .map(|i| tape.add_var(1.0 - i as f64 / n as f64))
        .collect();
    let mut s = a[0] * b[0];
    for i in 1..n {
        s = s + a[i] * b[i];
    }
    let grads = s.grad();
    assert_eq!(grads.wrt(&a[n - 1]), b[n - 1].val());
    drop(grads);
    start.elapsed().as_secs_f64()
}
