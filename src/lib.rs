//! Backpropagation on scalar circuits, small enough to read and sturdy enough to trust.
//!
//! A circuit is a graph of gates: each takes numbers in and gives one number out. To make the
//! output larger we need the gradient of the output with respect to every input, and the chain rule
//! gets it gate by gate, backwards from the output: that walk is backpropagation.
//!
//! # The circuit `f = (x + y) * z`
//!
//! Write the expression with [`Value`]s and the operators build the circuit; [`Value::backward`]
//! fills in every gradient.
//!
//! ```
//! use circuitgrad::Value;
//!
//! let x = Value::new(-2.0).labeled("x");
//! let y = Value::new(5.0).labeled("y");
//! let z = Value::new(-4.0).labeled("z");
//! let q = (&x + &y).labeled("q");
//! let f = (&q * &z).labeled("f");
//! f.backward();
//!
//! assert_eq!(f.data(), -12.0);
//! // The chain rule by hand: df/dx = df/dq · dq/dx = z · 1.
//! assert_eq!(x.grad(), z.data() * 1.0);
//! assert_eq!((x.grad(), y.grad(), z.grad()), (-4.0, -4.0, 3.0));
//! println!("{}", f.trace()); // every node: op, label, data, grad
//! ```
//!
//! # What to read
//!
//! - [`gates`]: the tutorial's start, with no graph: gates, numerical gradients, gradient ascent.
//! - [`Value`]: the engine. Operators `+ - * /` and `+= -= *= /=` for any mix of `Value`, `&Value`,
//!   `f64` and `i32`; methods [`pow`](Value::pow) (a number or a `Value` exponent),
//!   [`exp`](Value::exp), [`ln`](Value::ln), [`tanh`](Value::tanh), [`sigmoid`](Value::sigmoid),
//!   [`relu`](Value::relu), [`sqrt`](Value::sqrt), [`abs`](Value::abs), [`square`](Value::square),
//!   [`max`](Value::max), [`min`](Value::min); `Sum`, `Product`; [`detach`](Value::detach),
//!   [`forward`](Value::forward); [`custom`](Value::custom) adds ops of your own.
//! - [`Op`]: the op table, every op once: its forward rule, its local derivatives as numbers
//!   ([`local`]: plain `f64` functions) and as circuits.
//! - [`grad`], [`hessian`], [`jvp`] ([`derivative`]): gradients built as circuits, so they can be
//!   differentiated again; Hessians; forward mode.
//! - [`gradcheck`], [`Value::anomaly`], [`Value::backward_checked`] ([`check`]): an analytic
//!   gradient beside a numerical one, and where a NaN or an infinity starts.
//! - [`Trace`]: the gradient trace of a circuit, for reading and for snapshot tests.
//! - [`guide`]: Karpathy's guide goes on: a linear SVM and a 2-layer net trained with its "pull".
//! - [`nn`]: neurons, layers and MLPs in micrograd's shape (ReLU, tanh or linear layers), seeded with
//!   [`Rng`] or [`XorshiftStar`]; losses ([`nn::loss`]: margin, cross-entropy) and optimisers
//!   ([`nn::optim`]: SGD, AdamW). [`data`]: the two-moons and yin-yang sets and a reader for
//!   labelled points. Together they reproduce micrograd's second edition digit for digit
//!   (`cargo run --release --example yinyang`).
//! - [`draw`]: pictures of circuits, [`Value::to_dot`] and (feature `svg`, on by default)
//!   `Value::to_svg`, laid out by the crate itself ([`Value::layout`]), no edge crossing a box.
//! - [`pool`]: the per-thread free list that recycles node allocations.
//! - [`script`]: the REPL's parser and session (`cargo run --example repl`).
//! - [`Tape`]: a circuit recorded once ([`Value::compile`]) and replayed at flat-array speed, for
//!   training loops that rebuild the same circuit every step.
//! - [`walkthrough`]: backprop taken apart, a forward and a backward step per node, with the chain
//!   rule's products ([`Value::walkthrough`]); what the playground page steps through.
//!
//! In a Jupyter notebook with the evcxr kernel, a [`Value`] at the end of a cell is drawn, and a
//! [`Trace`], a [`walkthrough::Walkthrough`], an [`nn::Mlp`] or a [`GradCheck`] is a table: each
//! has an `evcxr_display` method (`notebooks/` in the repository has two notebooks).
//!
//! # Features
//!
//! - `svg` (on by default): [`Value::to_svg`].
//! - `portable-math`: `exp`, `ln`, `tanh` and `pow` from the `libm` crate, pure Rust with the same
//!   bits on every target, instead of the platform's. By default they are the platform's, as
//!   Python's are, which is what reproduces micrograd's digits; the playground's WebAssembly uses
//!   `portable-math`, and a native build with it reproduces the page's numbers to the last bit.
//!
//! # Semantics
//!
//! - `backward()` zeroes every gradient below the output first, so calling it twice gives the same
//!   gradients. Within one circuit, a node used several times accumulates (`a * a` gives `2a`).
//! - Arithmetic never fails: domain problems follow IEEE-754 (`ln(-1)` is NaN, `1/0` is inf) and
//!   propagate, as on plain `f64`.
//! - Nothing walks the graph by recursion (not the sort, not `Drop`, not `Debug`, not traces): a
//!   million-node chain builds, backpropagates and drops in a thread with a 2 MiB stack.
//! - A node keeps its inputs alive; nothing keeps its consumers alive, so there are no `Rc` cycles
//!   and dropping the last handle to an output frees the whole circuit below it.
//! - `Value` is `!Send`: a circuit lives on the thread that built it.
//! - A circuit is computed as it is written: after [`Value::set_data`] on a leaf, nodes built from
//!   it keep their values until the circuit is built again or [`Value::forward`] recomputes it.
#![warn(missing_docs, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod check;
pub mod data;
pub mod derivative;
mod engine;
mod inspect;
pub mod nn;
pub mod script;
pub mod tape;
mod tutorial;

pub use check::{Anomaly, GradCheck, gradcheck};
pub use data::{Rng, XorshiftStar};
pub use derivative::{grad, hessian, jvp};
pub use engine::fast::pool;
pub use engine::local;
pub use engine::{Arity, Exponent, Op, Value};
pub use inspect::trace::{Trace, TraceRow};
pub use inspect::{draw, walkthrough};
pub use tape::Tape;
pub use tutorial::{gates, guide};

/// The size in bytes of one node (`size_of`): data, grad, two input slots, backward closure, op tag,
/// label. Each node is one heap allocation of this plus 24 bytes (`Rc`'s two counts and `RefCell`'s
/// borrow flag): 72 bytes, which the system allocator serves from an 80-byte chunk.
///
/// ```
/// assert_eq!(circuitgrad::NODE_SIZE, 48);
/// ```
pub const NODE_SIZE: usize = std::mem::size_of::<engine::node::Node>();

/// The README's examples, compiled and run as doctests so they cannot drift from the crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
