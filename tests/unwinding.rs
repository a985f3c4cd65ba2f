//! What a panic, a user's writer or thread teardown can do to the engine's walks: nothing.
//!
//! Each walk (`backward`, `zero_grad`, traces, pictures, `compile`) marks the nodes it visits and
//! clears the marks before it returns. These tests run user code at the awkward moments and check
//! that the next walk is still right.

use std::fmt::{self, Write};

use circuitgrad::Value;

/// A `fmt::Write` that runs `backward()` on a value every time it is written to.
struct BackwardOnWrite<'a> {
    value: &'a Value,
    text: String,
}

impl Write for BackwardOnWrite<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.value.backward();
        self.text.push_str(s);
        Ok(())
    }
}

#[test]
fn a_writer_may_run_backward_on_the_value_it_is_printing() {
    let x = Value::new(2.0);
    let out = &x * 3.0; // d out/dx = 3
    let mut w = BackwardOnWrite {
        value: &out,
        text: String::new(),
    };
    write!(w, "{out}").unwrap();
    write!(w, "{out:?}").unwrap();
    assert!(w.text.starts_with("Value(data=6, grad="));
    assert_eq!(x.grad(), 3.0);
    // The circuit is intact for every later walk.
    out.backward();
    assert_eq!(x.grad(), 3.0);
    assert_eq!(out.trace().rows().len(), 2);
    assert_eq!(out.compile().len(), 2);
}

#[test]
fn a_caught_panic_in_a_writer_leaves_later_walks_right() {
    // The writer prints an inner node while running backward() on the output above it: before
    // printing copied the node out, the walk met the printed node's borrow half-way and panicked.
    let x = Value::new(2.0);
    let inner = &x * 3.0;
    let out = &inner + 1.0;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        struct Panicking<'a>(&'a Value);
        impl Write for Panicking<'_> {
            fn write_str(&mut self, _: &str) -> fmt::Result {
                self.0.backward();
                panic!("the writer gave up");
            }
        }
        let _ = write!(Panicking(&out), "{inner}");
    }));
    assert!(result.is_err());
    out.backward(); // d out/dx = 3
    assert_eq!(x.grad(), 3.0);
    assert_eq!(out.trace().rows().len(), 3);
    let twice = &out * 2.0; // a new circuit over the same nodes: d/dx = 6
    twice.backward();
    assert_eq!(x.grad(), 6.0);
}

thread_local! {
    static AT_EXIT: BackwardAtExit = const { BackwardAtExit };
}

struct BackwardAtExit;

impl Drop for BackwardAtExit {
    fn drop(&mut self) {
        // Runs during thread teardown, possibly after the walk's own buffers are gone.
        let x = Value::new(2.0);
        let y = &x * &x;
        y.backward();
        assert_eq!(x.grad(), 4.0);
        assert_eq!(y.trace().rows().len(), 2);
    }
}

#[test]
fn backward_from_a_thread_local_destructor_does_not_abort() {
    std::thread::spawn(|| {
        // Touch the walk's buffers first so that they are torn down too, then register ours.
        (Value::new(1.0) * 2.0).backward();
        AT_EXIT.with(|_| ());
    })
    .join()
    .expect("the thread ended cleanly");
    // Both orders of destruction.
    std::thread::spawn(|| {
        AT_EXIT.with(|_| ());
        (Value::new(1.0) * 2.0).backward();
    })
    .join()
    .expect("the thread ended cleanly");
}
