//! Derivatives beyond `backward()`: gradients as circuits (so they can be differentiated again),
//! Hessians, and forward mode.
//!
//! `backward()` leaves numbers in the `grad` fields. [`grad`] does the same walk but, instead of
//! multiplying and adding numbers, it multiplies and adds *nodes*: each op's local derivative
//! written with the same ops (a column of the op table), chained by the same reverse topological
//! order. The result is an ordinary circuit whose value is what `backward()` computes, bit for bit,
//! and which can be drawn, traced, compiled, and differentiated again: the backward pass is itself a
//! circuit.
//!
//! What each costs, for a circuit of `n` nodes:
//! - [`grad`]: one reverse sweep, building a gradient circuit of a few nodes per node of the
//!   original (fewer where local derivatives are constants, `x + c`, `x * c`), with respect to any
//!   number of values at once. Nodes whose inputs lead to none of them are skipped.
//! - [`hessian`] with respect to `k` values: one `grad`, then one `grad` of each of its `k`
//!   results: `k + 1` reverse sweeps.
//! - [`jvp`]: one forward sweep over the existing circuit per direction, building nothing; the
//!   derivative along one direction of any number of inputs. Reverse mode gives every input's
//!   derivative of one output per sweep; forward mode one direction's derivative of every node.

mod forward;
mod reverse;

pub use forward::jvp;
pub use reverse::{grad, hessian};
