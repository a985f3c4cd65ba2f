//! Seeing a circuit: its gradient trace, backprop taken apart node by node, and pictures.

pub mod draw;
pub(crate) mod trace;
pub mod walkthrough;
