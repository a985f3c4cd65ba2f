//! The circuitgrad playground: the engine behind a web page, compiled to WebAssembly.
//!
//! Everything the page computes happens here, through the library's public API: training
//! ([`train`]), the circuit of one datapoint and the node-by-node walk through backprop
//! ([`graph`]), the typed circuits ([`circuit`]). The page's script only draws and handles input.
//!
//! # How the page talks to the engine
//!
//! Three exported functions and JSON, with no generated glue:
//!
//! 1. `pg_input(len)` makes the engine's input buffer `len` bytes long and returns its address in
//!    the module's memory; the page writes a request there (UTF-8 JSON, see [`app::Request`]).
//! 2. `pg_call()` answers the request in the buffer and returns the answer's length in bytes.
//! 3. `pg_output()` returns the answer's address; the page reads it as UTF-8 JSON.
//!
//! The buffers belong to the engine (Rust `Vec`s), so no Rust code ever reads memory through a
//! pointer the page made up, and the crate has no `unsafe` block. Why not `wasm-bindgen`: its
//! command-line tool must match the library's version exactly and has to be built on every fresh
//! machine (4 minutes here), for an interface of three functions; see the playground's README.

use std::cell::RefCell;

pub mod app;
pub mod circuit;
pub mod graph;
pub mod train;

thread_local! {
    static APP: RefCell<Option<app::App>> = const { RefCell::new(None) };
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Makes the input buffer `len` bytes long (zeroed) and returns where it is.
#[unsafe(no_mangle)] // SAFETY: the `pg_` prefix keeps the symbol unique in the module.
pub extern "C" fn pg_input(len: usize) -> *mut u8 {
    INPUT.with_borrow_mut(|input| {
        input.clear();
        input.resize(len, 0);
        input.as_mut_ptr()
    })
}

/// Answers the request in the input buffer; returns the answer's length.
#[unsafe(no_mangle)] // SAFETY: as `pg_input`.
pub extern "C" fn pg_call() -> usize {
    let answer = INPUT.with_borrow(|input| match std::str::from_utf8(input) {
        Ok(text) => {
            APP.with_borrow_mut(|app| app.get_or_insert_with(app::App::default).handle_text(text))
        }
        Err(e) => serde_json::json!({ "error": format!("the request is not UTF-8: {e}") }),
    });
    OUTPUT.with_borrow_mut(|output| {
        output.clear();
        // Writing JSON into a Vec cannot fail: serde_json's errors come from the writer.
        let _ = serde_json::to_writer(&mut *output, &answer);
        output.len()
    })
}

/// Where the last answer is.
#[unsafe(no_mangle)] // SAFETY: as `pg_input`.
pub extern "C" fn pg_output() -> *const u8 {
    OUTPUT.with_borrow(|output| output.as_ptr())
}
