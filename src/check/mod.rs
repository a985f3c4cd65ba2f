//! Finding what went wrong: a gradient that does not match its numbers, a NaN, an infinity.
//!
//! - [`gradcheck`]: each analytic gradient beside a central difference, as the guide teaches
//!   checking one; kinks within the step are told apart from mistakes.
//! - [`Value::anomaly`](crate::Value::anomaly) and
//!   [`Value::backward_checked`](crate::Value::backward_checked): where the first NaN or infinity
//!   of a circuit starts, in the forward or the backward pass.
//! - [`Value::detach`](crate::Value::detach) stops gradients; [`Value::custom`](crate::Value::custom)
//!   adds ops of your own, which all of the above check like any other.

mod anomaly;
mod gradcheck;

pub use anomaly::{Anomaly, InputGrad, Pass};
pub use gradcheck::{
    BadTolerance, GradCheck, InputCheck, Tolerances, Verdict, gradcheck, gradcheck_with,
};
