//! Shared test helpers.
#![allow(dead_code)] // each test binary uses its own part of this module

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

/// One step of a random program: op number `op` applied to earlier nodes `a` and `b` (taken modulo
/// the number of nodes so far, so any node can be reused any number of times) and a constant `c`.
#[derive(Clone, Debug)]
pub struct Step {
    pub op: u8,
    pub a: usize,
    pub b: usize,
    pub c: f64,
}

/// Random steps over `ops` op numbers, with constants away from 0 (|c| in 0.5..2).
pub fn step(ops: u8) -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    (
        0..ops,
        any::<usize>(),
        any::<usize>(),
        prop_oneof![-2.0..-0.5, 0.5..2.0],
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

/// A random program's step using every op `Value` has, with no guard against domains: ln of negatives, division by zero and ties
/// of `max` all happen, and both engines must agree on them bit for bit, NaN included.
pub fn apply(step: &Step, a: &circuitgrad::Value, b: &circuitgrad::Value) -> circuitgrad::Value {
    let c = step.c;
    match step.op {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a / b,
        4 => a.max(b),
        5 => a + c,
        6 => a - c,
        7 => c - a,
        8 => a * c,
        9 => a / c,
        10 => c / a,
        11 => a.pow(c.round()),
        12 => a.pow(c),
        13 => -a,
        14 => a.exp(),
        15 => a.ln(),
        16 => a.tanh(),
        17 => a.sigmoid(),
        18 => a.relu(),
        19 => a.min(b),
        20 => a.pow(b),
        21 => a.sqrt(),
        22 => a.abs(),
        23 => a.square(),
        _ => a.max(a),
    }
}

pub const OPS: u8 = 25;
