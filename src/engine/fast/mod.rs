//! The machinery behind the engine: where nodes live, how they go, how a circuit is walked.
//!
//! - [`pool`]: freed nodes' allocations are kept per thread and written over by the next nodes,
//!   so a training loop that rebuilds its circuit every step rarely calls the allocator.
//! - [`free`]: a circuit is freed with a loop (a deep one would overflow the stack by recursion),
//!   from the highest address down, so the pool hands the next circuit its allocations in the order
//!   it makes its nodes, and walking it walks memory in one direction.
//! - [`walk`]: the one topological walk, with an explicit stack and pointers instead of `Rc`
//!   handles; `backward()` and everything that numbers a circuit use it.
//!
//! BENCHMARKS.md measures what each buys. Every `unsafe` block of the crate is in `fast/` or in
//! `node.rs` (the second input's union), with its SAFETY argument.

pub(crate) mod free;
pub mod pool;
pub(crate) mod walk;
