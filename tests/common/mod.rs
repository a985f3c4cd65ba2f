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
