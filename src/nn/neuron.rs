//! A neuron (weights, a bias, an activation) and a layer of them, built from [`Value`]s.

use std::fmt;

use itertools::Itertools;

use super::activation::{Activation, Init};
use super::error::{SizeMismatch, check};
use crate::data::Uniform;
use crate::{Rng, Value};

/// Something a neuron can take as an input: an `f64` (a constant) or a `Value` (a node).
pub trait Input {
    /// `weight * self`, as one node.
    fn weighted(&self, weight: &Value) -> Value;
}

impl Input for f64 {
    fn weighted(&self, weight: &Value) -> Value {
        weight * *self
    }
}

impl Input for Value {
    fn weighted(&self, weight: &Value) -> Value {
        weight * self
    }
}

impl Input for &Value {
    fn weighted(&self, weight: &Value) -> Value {
        weight * *self
    }
}

/// One neuron: weights, a bias, and an activation.
///
/// `clone()` makes an independent copy: new parameters with the same numbers, so training the
/// copy leaves the original as it was. (A `Value` clone, by contrast, is another handle to the same
/// node.)
#[derive(Debug)]
pub struct Neuron {
    weights: Vec<Value>,
    bias: Value,
    activation: Activation,
}

/// A new leaf with the same data (and no gradient): what cloning a model does to each parameter.
fn copy(v: &Value) -> Value {
    Value::new(v.data())
}

impl Clone for Neuron {
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let a = Neuron::with_weights(&[1.0], 0.0, Activation::Linear);
    /// let b = a.clone();
    /// b.parameters()[0].set_data(5.0);
    /// assert_eq!(a.parameters()[0].data(), 1.0); // independent
    /// ```
    fn clone(&self) -> Neuron {
        Neuron {
            weights: self.weights.iter().map(copy).collect(),
            bias: copy(&self.bias),
            activation: self.activation,
        }
    }
}

impl Neuron {
    /// A neuron of `inputs` weights drawn uniform in [-1, 1) from `rng`, bias 0, then
    /// `activation`.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Neuron}};
    /// let n = Neuron::new(3, Activation::Relu, &mut Rng::new(1));
    /// assert_eq!(n.parameters().len(), 4);
    /// ```
    pub fn new(inputs: usize, activation: Activation, rng: &mut Rng) -> Neuron {
        Neuron::init(inputs, activation, Init::Uniform, rng)
    }

    /// A neuron of `inputs` weights drawn from `rng` as `init` says, bias 0, then `activation`.
    ///
    /// ```
    /// use circuitgrad::{XorshiftStar, nn::{Activation, Init, Neuron}};
    /// let n = Neuron::init(4, Activation::Tanh, Init::ScaledUniform, &mut XorshiftStar::new(42));
    /// assert!(n.parameters()[..4].iter().all(|w| w.data().abs() < 0.5)); // |U(-1,1)| · 4^-0.5
    /// assert_eq!(n.activation(), Activation::Tanh);
    /// ```
    pub fn init(
        inputs: usize,
        activation: Activation,
        init: Init,
        rng: &mut impl Uniform,
    ) -> Neuron {
        let weights = (0..inputs)
            .map(|_| Value::new(init.draw(inputs, rng)))
            .collect();
        Neuron {
            weights,
            bias: Value::new(0.0),
            activation,
        }
    }

    /// What the neuron applies to its weighted sum.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let n = Neuron::with_weights(&[1.0], 0.0, Activation::Relu);
    /// assert_eq!(n.activation(), Activation::Relu);
    /// ```
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// A neuron with the given weights, bias and activation.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let n = Neuron::with_weights(&[1.0, 2.0], -3.0, Activation::Linear);
    /// assert_eq!(n.call(&[-1.0, 3.0])?.data(), 2.0); // 1·-1 + 2·3 - 3
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn with_weights(weights: &[f64], bias: f64, activation: Activation) -> Neuron {
        Neuron {
            weights: weights.iter().map(|&w| Value::new(w)).collect(),
            bias: Value::new(bias),
            activation,
        }
    }

    /// The weights, one per input.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let n = Neuron::with_weights(&[0.5, -1.0], 2.0, Activation::Tanh);
    /// assert_eq!(n.weights().len(), 2);
    /// assert_eq!(n.bias().data(), 2.0);
    /// ```
    pub fn weights(&self) -> &[Value] {
        &self.weights
    }

    /// The bias.
    pub fn bias(&self) -> &Value {
        &self.bias
    }

    /// `b + Σ wᵢxᵢ` (added in that order), then the activation.
    ///
    /// # Errors
    /// [`SizeMismatch`] if `x` does not have one entry per weight.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let n = Neuron::with_weights(&[1.0, 1.0], 0.0, Activation::Relu);
    /// assert_eq!(n.call(&[-2.0, 1.0])?.data(), 0.0); // relu(-1)
    /// assert!(n.call(&[1.0]).is_err());
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn call<X: Input>(&self, x: &[X]) -> Result<Value, SizeMismatch> {
        check("inputs", self.weights.len(), x.len())?;
        let act = self
            .weights
            .iter()
            .zip(x)
            .fold(self.bias.clone(), |sum, (w, x)| sum + x.weighted(w));
        Ok(self.activation.apply(act))
    }

    /// The same number as [`call`](Neuron::call) on plain numbers, building no circuit.
    ///
    /// # Errors
    /// [`SizeMismatch`] if `x` does not have one entry per weight.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let n = Neuron::with_weights(&[0.5, -1.0], 0.25, Activation::Tanh);
    /// assert_eq!(n.eval(&[2.0, 0.5])?, n.call(&[2.0, 0.5])?.data());
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn eval(&self, x: &[f64]) -> Result<f64, SizeMismatch> {
        check("inputs", self.weights.len(), x.len())?;
        // As `call` adds: the bias, then each `w * x` (one `*` node, then one `+` node, each).
        let act = self
            .weights
            .iter()
            .zip(x)
            .fold(self.bias.data(), |sum, (w, &x)| {
                crate::local::add(sum, crate::local::mul_scalar(w.data(), x))
            });
        Ok(self.activation.eval(act))
    }

    /// The weights, then the bias.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let n = Neuron::with_weights(&[0.5], 2.0, Activation::Linear);
    /// assert_eq!(n.parameters().iter().map(|p| p.data()).collect::<Vec<_>>(), [0.5, 2.0]);
    /// ```
    pub fn parameters(&self) -> Vec<Value> {
        let mut ps = self.weights.clone();
        ps.push(self.bias.clone());
        ps
    }
}

/// A row of neurons with the same inputs. `clone()` copies the parameters (see [`Neuron`]).
#[derive(Clone, Debug)]
pub struct Layer {
    neurons: Vec<Neuron>,
}

impl Layer {
    /// `outputs` neurons of `inputs` weights each, drawn uniform in [-1, 1), with `activation`.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Layer}};
    /// let layer = Layer::new(2, 3, Activation::Relu, &mut Rng::new(1));
    /// assert_eq!(layer.call(&[1.0, 2.0])?.len(), 3);
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn new(inputs: usize, outputs: usize, activation: Activation, rng: &mut Rng) -> Layer {
        Layer::init(inputs, outputs, activation, Init::Uniform, rng)
    }

    /// `outputs` neurons of `inputs` weights each, drawn neuron by neuron as `init` says.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Init, Layer}};
    /// let layer = Layer::init(2, 3, Activation::Tanh, Init::Uniform, &mut Rng::new(1));
    /// assert_eq!(layer.call(&[1.0, 2.0])?.len(), 3);
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn init(
        inputs: usize,
        outputs: usize,
        activation: Activation,
        init: Init,
        rng: &mut impl Uniform,
    ) -> Layer {
        Layer {
            neurons: (0..outputs)
                .map(|_| Neuron::init(inputs, activation, init, rng))
                .collect(),
        }
    }

    /// A layer of the given neurons.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Layer, Neuron};
    /// let layer = Layer::from_neurons(vec![Neuron::with_weights(&[1.0], 0.0, Activation::Linear)]);
    /// assert_eq!(layer.neurons().len(), 1);
    /// ```
    pub fn from_neurons(neurons: Vec<Neuron>) -> Layer {
        Layer { neurons }
    }

    /// Every neuron applied to `x`.
    ///
    /// # Errors
    /// [`SizeMismatch`] if `x` has the wrong length.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Layer}};
    /// let layer = Layer::new(2, 1, Activation::Linear, &mut Rng::new(1));
    /// assert!(layer.call(&[1.0, 2.0, 3.0]).is_err());
    /// ```
    pub fn call<X: Input>(&self, x: &[X]) -> Result<Vec<Value>, SizeMismatch> {
        self.neurons.iter().map(|n| n.call(x)).collect()
    }

    /// Every neuron's [`eval`](Neuron::eval): the numbers of [`call`](Layer::call), no circuit.
    ///
    /// # Errors
    /// [`SizeMismatch`] if `x` has the wrong length.
    pub fn eval(&self, x: &[f64]) -> Result<Vec<f64>, SizeMismatch> {
        self.neurons.iter().map(|n| n.eval(x)).collect()
    }

    /// The neurons.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Layer}};
    /// assert_eq!(Layer::new(2, 4, Activation::Relu, &mut Rng::new(0)).neurons().len(), 4);
    /// ```
    pub fn neurons(&self) -> &[Neuron] {
        &self.neurons
    }

    /// Every neuron's parameters, neuron by neuron.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Layer}};
    /// assert_eq!(Layer::new(2, 4, Activation::Relu, &mut Rng::new(0)).parameters().len(), 12);
    /// ```
    pub fn parameters(&self) -> Vec<Value> {
        self.neurons.iter().flat_map(Neuron::parameters).collect()
    }
}

impl fmt::Display for Neuron {
    /// As micrograd prints a neuron: its kind and its number of inputs.
    ///
    /// ```
    /// use circuitgrad::nn::{Activation, Neuron};
    /// let n = Neuron::with_weights(&[1.0, 2.0], 0.0, Activation::Tanh);
    /// assert_eq!(n.to_string(), "TanHNeuron(2)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}Neuron({})",
            self.activation.name(),
            self.weights.len()
        )
    }
}

impl fmt::Display for Layer {
    /// As micrograd prints a layer: `Layer of [ReLUNeuron(2), …]`.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Layer}};
    /// let layer = Layer::new(2, 2, Activation::Relu, &mut Rng::new(0));
    /// assert_eq!(layer.to_string(), "Layer of [ReLUNeuron(2), ReLUNeuron(2)]");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Layer of [{}]", self.neurons.iter().format(", "))
    }
}
