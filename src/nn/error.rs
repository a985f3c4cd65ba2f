//! What can go wrong building or using a model, a loss or an optimiser.

use std::error::Error;
use std::fmt;

/// The wrong number of inputs or parameters was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeMismatch {
    /// What was given the numbers: `"inputs"` or `"parameters"`.
    pub what: &'static str,
    /// How many were expected.
    pub expected: usize,
    /// How many were given.
    pub got: usize,
}

impl fmt::Display for SizeMismatch {
    /// ```
    /// use circuitgrad::nn::SizeMismatch;
    /// let e = SizeMismatch { what: "inputs", expected: 2, got: 3 };
    /// assert_eq!(e.to_string(), "expected 2 inputs, got 3");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {} {}, got {}",
            self.expected, self.what, self.got
        )
    }
}

impl Error for SizeMismatch {}

/// What went wrong building or using a model, a loss or an optimiser.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum NnError {
    /// A model must take at least one input.
    NoInputs,
    /// A model must have at least one layer.
    NoLayers,
    /// Every layer must have at least one neuron.
    EmptyLayer {
        /// The layer, counted from 0.
        layer: usize,
    },
    /// Something had the wrong length.
    Size(SizeMismatch),
    /// A class label that the logits cannot score.
    ClassOutOfRange {
        /// The class given.
        class: usize,
        /// How many classes (logits) there are.
        classes: usize,
    },
    /// A loss over no points has no mean.
    EmptyData,
    /// An optimiser setting outside what it accepts.
    BadSetting {
        /// The setting: `lr`, `beta1`, …
        name: &'static str,
        /// The value given.
        value: f64,
        /// What is allowed.
        allowed: &'static str,
    },
}

impl fmt::Display for NnError {
    /// ```
    /// use circuitgrad::nn::NnError;
    /// assert_eq!(NnError::EmptyLayer { layer: 1 }.to_string(),
    ///            "layer 1 has no neurons: every layer needs at least one");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NnError::NoInputs => write!(f, "a model needs at least one input"),
            NnError::NoLayers => write!(f, "a model needs at least one layer"),
            NnError::EmptyLayer { layer } => write!(
                f,
                "layer {layer} has no neurons: every layer needs at least one"
            ),
            NnError::Size(e) => e.fmt(f),
            NnError::ClassOutOfRange { class, classes } => write!(
                f,
                "class {class} is out of range: there are {classes} logits, for classes 0 to {}",
                classes.saturating_sub(1)
            ),
            NnError::EmptyData => write!(f, "no points: a mean loss needs at least one"),
            NnError::BadSetting {
                name,
                value,
                allowed,
            } => write!(
                f,
                "{name} = {value} is not allowed: {name} must be {allowed}"
            ),
        }
    }
}

impl Error for NnError {}

impl From<SizeMismatch> for NnError {
    fn from(e: SizeMismatch) -> NnError {
        NnError::Size(e)
    }
}

/// `Ok` if `got` is `expected`, else the [`SizeMismatch`] that says so.
pub(crate) fn check(what: &'static str, expected: usize, got: usize) -> Result<(), SizeMismatch> {
    if expected == got {
        Ok(())
    } else {
        Err(SizeMismatch {
            what,
            expected,
            got,
        })
    }
}
