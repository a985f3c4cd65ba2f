//! What a neuron applies to its weighted sum, and how its weights are first drawn.

use crate::Value;
use crate::data::Uniform;

/// What a neuron applies to its weighted sum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Activation {
    /// `max(act, 0)`, the first micrograd's hidden layers.
    #[default]
    Relu,
    /// `tanh(act)`, the second edition's hidden layers.
    Tanh,
    /// Nothing: the weighted sum itself (output layers, logits).
    Linear,
}

impl Activation {
    /// The activation applied to a node.
    ///
    /// ```
    /// use circuitgrad::{Value, nn::Activation};
    /// assert_eq!(Activation::Relu.apply(Value::new(-2.0)).data(), 0.0);
    /// assert_eq!(Activation::Linear.apply(Value::new(-2.0)).data(), -2.0);
    /// ```
    pub fn apply(self, act: Value) -> Value {
        match self {
            Activation::Relu => act.relu(),
            Activation::Tanh => act.tanh(),
            Activation::Linear => act,
        }
    }

    /// The activation on a plain number, with the same `local` function as [`apply`](Self::apply).
    ///
    /// ```
    /// use circuitgrad::nn::Activation;
    /// assert_eq!(Activation::Tanh.eval(0.0), 0.0);
    /// ```
    pub fn eval(self, act: f64) -> f64 {
        match self {
            Activation::Relu => crate::local::relu(act),
            Activation::Tanh => crate::local::tanh(act),
            Activation::Linear => act,
        }
    }

    /// The name micrograd prints for a neuron of this kind: `ReLU`, `TanH`, `Linear`.
    ///
    /// ```
    /// assert_eq!(circuitgrad::nn::Activation::Tanh.name(), "TanH");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "ReLU",
            Activation::Tanh => "TanH",
            Activation::Linear => "Linear",
        }
    }
}

/// How a neuron's weights are drawn (its bias always starts at 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Init {
    /// Uniform in [-1, 1), the first micrograd's.
    #[default]
    Uniform,
    /// Uniform in [-1, 1) times `fan_in^-0.5` (drawn, then scaled), the second edition's: it keeps
    /// a neuron's weighted sum of about the same size whatever its number of inputs.
    ScaledUniform,
}

impl Init {
    /// One weight of a neuron with `fan_in` inputs.
    pub(crate) fn draw(self, fan_in: usize, rng: &mut impl Uniform) -> f64 {
        let w = rng.uniform(-1.0, 1.0);
        match self {
            Init::Uniform => w,
            Init::ScaledUniform => w * crate::engine::math::pow(fan_in as f64, -0.5),
        }
    }
}
