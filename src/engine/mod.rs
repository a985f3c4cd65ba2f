//! The engine: [`Value`], its ops, and `backward()`.
//!
//! Read it in this order:
//! - `value.rs`: the handle a user holds, and what it reads (data, grad, label, op, inputs);
//! - `table.rs`: every op, once: its inputs, its printed name, its forward rule and local
//!   derivatives, which are plain `f64` functions in [`local`](crate::local);
//! - `methods.rs` and `operators.rs`: the methods and operators that build nodes of those ops;
//! - `backward.rs`: the topological order and the chain rule, node by node;
//! - `node.rs`: what a handle points at;
//! - `custom.rs`: ops of your own.
//!
//! [`fast`] holds the machinery that makes it quick and sturdy (the node pool, the freeing order,
//! the pointer walk); nothing above depends on how it works, only on what it promises.

pub(crate) mod backward;
pub(crate) mod custom;
pub(crate) mod fast;
mod forward;
pub mod local;
pub(crate) mod math;
mod methods;
pub(crate) mod node;
pub(crate) mod number;
mod operators;
pub(crate) mod rule;
#[macro_use]
mod table_macro;
pub(crate) mod table;
pub(crate) mod value;

pub use methods::Exponent;
pub use table::{Arity, Op};
pub use value::Value;
