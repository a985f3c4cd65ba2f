//! The tutorial's first half, on plain `f64`: gates, numerical gradients, gradient ascent.
//!
//! Before any graph, a gate is just a function of its inputs. How should the inputs change to make the
//! output larger? Nudge one input by a tiny `h` and watch the output: that ratio is the (numerical)
//! gradient. Step every input a little along its gradient, and the output rises. Repeat until it
//! stops rising, and you have climbed to a (local) maximum.
//!
//! ```
//! use circuitgrad::gates::{custom, multiply, numerical_gradient};
//!
//! assert_eq!(multiply(-2.0, 3.0), -6.0);
//! // d(xy)/dx = y = 4, up to the forward difference's error with h = 0.0001:
//! let g = numerical_gradient(|[x, y]| multiply(x, y), [3.0, 4.0], 0)?;
//! assert_eq!(g, 4.000000000008441);
//! assert_eq!(custom(3.0, 4.0), 99.0);
//! # Ok::<(), circuitgrad::gates::NoSuchInput>(())
//! ```

use std::error::Error;
use std::fmt;

/// The nudge of the forward difference, as in the tutorial.
pub const H: f64 = 0.0001;

/// The multiply gate, `x * y`.
/// ```
/// assert_eq!(circuitgrad::gates::multiply(-2.0, 3.0), -6.0);
/// ```
pub fn multiply(x: f64, y: f64) -> f64 {
    x * y
}

/// The add gate, `x + y`.
/// ```
/// assert_eq!(circuitgrad::gates::add(-2.0, 5.0), 3.0);
/// ```
pub fn add(x: f64, y: f64) -> f64 {
    x + y
}

/// The max gate: the larger input.
/// ```
/// assert_eq!(circuitgrad::gates::max(-2.0, 3.0), 3.0);
/// ```
pub fn max(x: f64, y: f64) -> f64 {
    x.max(y)
}

/// The tutorial's custom gate `100 - (x - y)^2`, largest (100) where `x = y`.
/// ```
/// assert_eq!(circuitgrad::gates::custom(3.0, 4.0), 99.0);
/// ```
pub fn custom(x: f64, y: f64) -> f64 {
    100.0 - (x - y).powi(2)
}

/// Asked for the gradient with respect to an input the gate does not have (the tutorial's
/// `InvalidWRTargError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoSuchInput {
    /// The input index asked for.
    pub asked: usize,
    /// How many inputs the gate has; the allowed indices are `0..inputs`.
    pub inputs: usize,
}

impl fmt::Display for NoSuchInput {
    /// ```
    /// use circuitgrad::gates::NoSuchInput;
    /// let e = NoSuchInput { asked: 2, inputs: 2 };
    /// assert_eq!(e.to_string(), "no input 2: this gate has 2 inputs, numbered 0 to 1");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inputs {
            0 => write!(f, "no input {}: this gate has no inputs", self.asked),
            n => write!(
                f,
                "no input {}: this gate has {n} inputs, numbered 0 to {}",
                self.asked,
                n - 1
            ),
        }
    }
}

impl Error for NoSuchInput {}

/// The forward-difference gradient `(f(.., x + h, ..) - f(..)) / h` of `gate` at `at` with respect
/// to input number `wrt`, with `h` = [`H`].
///
/// # Errors
/// [`NoSuchInput`] if `wrt` is not an index of `at`.
///
/// ```
/// use circuitgrad::gates::{multiply, numerical_gradient};
/// let gate = |[x, y]: [f64; 2]| multiply(x, y);
/// assert_eq!(numerical_gradient(gate, [-2.0, 3.0], 0), Ok(3.00000000000189));
/// let err = numerical_gradient(gate, [-2.0, 3.0], 2).unwrap_err();
/// assert_eq!(err.to_string(), "no input 2: this gate has 2 inputs, numbered 0 to 1");
/// ```
pub fn numerical_gradient<const N: usize>(
    gate: impl Fn([f64; N]) -> f64,
    at: [f64; N],
    wrt: usize,
) -> Result<f64, NoSuchInput> {
    if wrt >= N {
        return Err(NoSuchInput {
            asked: wrt,
            inputs: N,
        });
    }
    Ok(forward_difference(&gate, at, wrt))
}

/// `(f(.., x + h, ..) - f(..)) / h` for input `i` (which must be an index of `at`).
fn forward_difference<const N: usize>(
    gate: &impl Fn([f64; N]) -> f64,
    at: [f64; N],
    i: usize,
) -> f64 {
    let mut nudged = at;
    nudged[i] += H;
    (gate(nudged) - gate(at)) / H
}

/// Every input's numerical gradient at `at`.
fn numerical_gradients<const N: usize>(gate: &impl Fn([f64; N]) -> f64, at: [f64; N]) -> [f64; N] {
    std::array::from_fn(|i| forward_difference(gate, at, i))
}

/// One step of gradient ascent: what [`ascent_step`] did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step<const N: usize> {
    /// The gate's output before the step.
    pub before: f64,
    /// The inputs after the step.
    pub inputs: [f64; N],
    /// The gate's output after the step.
    pub after: f64,
}

/// Moves every input by `step_size` times its numerical gradient (all gradients taken at `at`,
/// before anything moves).
///
/// ```
/// use circuitgrad::gates::{ascent_step, custom};
/// let step = ascent_step(|[x, y]| custom(x, y), [3.0, 4.0], 0.001);
/// assert_eq!(step.before, 99.0);
/// assert_eq!(step.after, 99.00798399999998);
/// ```
pub fn ascent_step<const N: usize>(
    gate: impl Fn([f64; N]) -> f64,
    at: [f64; N],
    step_size: f64,
) -> Step<N> {
    let gradients = numerical_gradients(&gate, at);
    let inputs = std::array::from_fn(|i| at[i] + gradients[i] * step_size);
    Step {
        before: gate(at),
        inputs,
        after: gate(inputs),
    }
}

/// Where [`ascend`] stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ascent<const N: usize> {
    /// The gate's output before the last step (what the tutorial returns).
    pub value: f64,
    /// The inputs after the last step.
    pub inputs: [f64; N],
    /// How many steps were taken.
    pub steps: usize,
    /// Whether it stopped because a step gained less than `min_gain` (false: `max_steps` ran out).
    pub converged: bool,
}

/// Repeats [`ascent_step`] until a step raises the output by less than `min_gain`, or `max_steps`
/// steps have been taken. A loop, not the tutorial's recursion, so no step count can overflow the
/// stack.
///
/// ```
/// use circuitgrad::gates::{ascend, custom};
/// let top = ascend(|[x, y]| custom(x, y), [3.0, 4.0], 0.001, 0.000005, 100_000);
/// assert!(top.converged);
/// assert_eq!(top.value, 99.99937812746526);
/// assert_eq!(top.inputs, [3.487488988616036, 3.512326611377091]);
/// ```
pub fn ascend<const N: usize>(
    gate: impl Fn([f64; N]) -> f64,
    mut at: [f64; N],
    step_size: f64,
    min_gain: f64,
    max_steps: usize,
) -> Ascent<N> {
    let mut value = gate(at);
    for steps in 1..=max_steps {
        let step = ascent_step(&gate, at, step_size);
        (value, at) = (step.before, step.inputs);
        if step.after - step.before < min_gain {
            return Ascent {
                value,
                inputs: at,
                steps,
                converged: true,
            };
        }
    }
    Ascent {
        value,
        inputs: at,
        steps: max_steps,
        converged: false,
    }
}
