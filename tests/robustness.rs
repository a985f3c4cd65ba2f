//! Deep and wide graphs in a thread with a 2 MiB stack: a recursion over graph depth anywhere
//! (sort, backward, `Drop`, `Debug`, traces) would overflow here.

mod common;

use approx::assert_relative_eq;
use circuitgrad::Value;
use common::in_2mib_thread;

/// A million natively; 300 under Miri, which runs about a thousand times slower (the code
/// paths are the same, and Miri checks every memory access on them).
const MILLION: usize = if cfg!(miri) { 300 } else { 1_000_000 };

#[test]
fn million_step_chain_builds_backpropagates_and_drops_in_2mib() {
    let (grad, data) = in_2mib_thread(|| {
        let x = Value::new(0.5);
        let mut v = x.clone();
        for _ in 0..MILLION {
            v = &v * 0.9999 + 0.0001;
        }
        v.backward();
        let out = (x.grad(), v.data());
        drop(v);
        out
    });
    // v_D = 0.9999^D (x - 1) + 1, so dv/dx = 0.9999^D.
    assert_relative_eq!(grad, 0.9999f64.powi(MILLION as i32), max_relative = 1e-9);
    assert_relative_eq!(
        data,
        0.9999f64.powi(MILLION as i32) * (0.5 - 1.0) + 1.0,
        max_relative = 1e-9
    );
}

#[test]
fn million_deep_tanh_chain_drops_without_backward_in_2mib() {
    let depth = in_2mib_thread(|| {
        let mut v = Value::new(0.1);
        for _ in 0..MILLION {
            v = v.tanh();
        }
        let depth = v.inputs().len();
        drop(v);
        depth
    });
    assert_eq!(depth, 1);
}

#[test]
fn million_term_running_sum_backpropagates_in_2mib() {
    let grads = in_2mib_thread(|| {
        let n = MILLION;
        let a: Vec<Value> = (0..n).map(|i| Value::new(i as f64 / n as f64)).collect();
        let b: Vec<Value> = (0..n)
            .map(|i| Value::new(1.0 - i as f64 / n as f64))
            .collect();
        let mut s = &a[0] * &b[0];
        for i in 1..n {
            s += &a[i] * &b[i];
        }
        s.backward();
        // ds/da_i = b_i and ds/db_i = a_i.
        (0..n)
            .step_by(MILLION / 10 - 9)
            .all(|i| a[i].grad() == b[i].data() && b[i].grad() == a[i].data())
    });
    assert!(grads);
}

#[test]
fn debug_display_and_trace_of_a_deep_chain_in_2mib() {
    let (debug, rows) = in_2mib_thread(|| {
        let mut v = Value::new(1.0);
        for _ in 0..MILLION {
            v = &v + 1.0;
        }
        (format!("{v:?} {v}"), v.trace().rows().len())
    });
    assert!(debug.contains(&format!("data: {}", MILLION + 1)));
    assert_eq!(rows, MILLION + 1);
}
