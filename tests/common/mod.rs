//! Shared test helpers.
#![allow(dead_code)] // each test binary uses its own part of this module

use circuitgrad::{Arity, Op, Value};

/// `insta::assert_snapshot!(name, value)`, with the snapshot stored in the top-level `snapshots/`.
#[macro_export]
macro_rules! assert_named_snapshot {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}

/// Runs `f` in a thread with a 2 MiB stack (the size of a `cargo test` thread, and of the
/// benchmarks' W2) and returns its result, so a recursion over graph depth would overflow here.
pub fn in_2mib_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn a 2 MiB thread")
        .join()
        .expect("the 2 MiB thread finished without panicking")
}

/// One step of a random program: op number `op` of the table (`Op::ALL`) applied to earlier nodes
/// `a` and `b` (taken modulo the number of nodes so far, so any node can be reused any number of
/// times, and `a` and `b` are often the same node) and a constant `c` for ops that take one.
#[derive(Clone, Debug)]
pub struct Step {
    pub op: usize,
    pub a: usize,
    pub b: usize,
    pub c: f64,
}

impl Step {
    /// The op of the table this step applies.
    pub fn op(&self) -> Op {
        Op::ALL[self.op % Op::ALL.len()]
    }
}

/// Random steps over every op of the table. Constants are away from 0 (|c| in 0.5..2) or small
/// whole numbers (integer powers, and `x / 0`).
pub fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    (
        0..Op::ALL.len(),
        any::<usize>(),
        any::<usize>(),
        prop_oneof![-2.0..-0.5, 0.5..2.0, (-3i32..=3).prop_map(f64::from)],
    )
        .prop_map(|(op, a, b, c)| Step { op, a, b, c })
}

/// Runs `program` from `inputs`, applying each step with `apply`, and returns every node.
pub fn run<T: Clone>(inputs: &[T], program: &[Step], apply: impl Fn(&Step, &T, &T) -> T) -> Vec<T> {
    let mut nodes = inputs.to_vec();
    for step in program {
        let (a, b) = (
            nodes[step.a % nodes.len()].clone(),
            nodes[step.b % nodes.len()].clone(),
        );
        nodes.push(apply(step, &a, &b));
    }
    nodes
}

/// The bits of each number, with every NaN as one value: Rust leaves a NaN's sign and payload
/// unspecified (the optimiser may commute `a + b`), so "bit-identical" can only mean this.
pub fn bits(xs: impl IntoIterator<Item = f64>) -> Vec<u64> {
    xs.into_iter()
        .map(|x| {
            if x.is_nan() {
                f64::NAN.to_bits()
            } else {
                x.to_bits()
            }
        })
        .collect()
}

/// A random program's step as a node: its op of the table on its inputs, with no guard against
/// domains: ln of negatives, division by zero and ties of `max` all happen, and every engine must
/// agree on them bit for bit, NaN included.
pub fn apply(step: &Step, a: &Value, b: &Value) -> Value {
    step.op()
        .apply(a, b, step.c)
        .expect("every op of the table applies")
}

/// The same step on plain numbers, with the table's forward rule.
pub fn eval(step: &Step, a: &f64, b: &f64) -> f64 {
    let op = step.op();
    match op.arity() {
        Arity::Two => op.eval(*a, *b),
        Arity::OneAndScalar => op.eval(*a, step.c),
        _ => op.eval(*a, f64::NAN),
    }
}

/// What a central difference with step `step × max(|x|, 1)` says of `f` at `x`: its slope, or
/// `None` where it cannot be trusted: a value that is not finite or past 1e6, or a kink within the
/// step (the one-sided slopes differ by more than `kink × (1 + |slope|)`, as they do at
/// `relu(0)`, `abs(0)`, ties of `max`). Where `f` is smooth they differ by about `h·f''`; at a
/// kink, by O(1).
pub fn slope(f: impl Fn(f64) -> f64, x: f64, step: f64, kink: f64) -> Option<f64> {
    let h = step * x.abs().max(1.0);
    let (below, at, above) = (f(x - h), f(x), f(x + h));
    if ![below, at, above]
        .iter()
        .all(|v| v.is_finite() && v.abs() < 1e6)
    {
        return None;
    }
    let (left, right) = ((at - below) / h, (above - at) / h);
    let central = (above - below) / (2.0 * h);
    ((left - right).abs() <= kink * (1.0 + central.abs())).then_some(central)
}
