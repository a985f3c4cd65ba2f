//! Neurons, layers and multi-layer perceptrons, in micrograd's shape, built from [`Value`]s; the
//! losses that train them ([`loss`]) and the optimisers that step them ([`optim`]).
//!
//! A neuron computes `act = b + w₀x₀ + w₁x₁ + …` (a chain of `+` nodes starting from the bias, as
//! micrograd's `sum(…, self.b)`) and then its [`Activation`]: ReLU, tanh, or none. A layer is a row
//! of neurons with the same inputs; an [`Mlp`] is a stack of layers. Biases start at 0 and weights
//! are drawn from a seeded generator as the chosen [`Init`] says, so a run gives the same numbers on
//! every machine.
//!
//! - [`Mlp::new`] is the first micrograd's net: ReLU hidden layers, a linear last layer, weights
//!   uniform in [-1, 1) from [`Rng`].
//! - [`Mlp::builder`] chooses each layer's activation and the initialisation, and checks the shape:
//!   micrograd's second edition is `Mlp::builder(2).layer(8, Tanh).layer(3, Linear)` with
//!   [`Init::ScaledUniform`] drawn from [`XorshiftStar`](crate::XorshiftStar).
//!
//! Inputs may be plain `f64`s or `Value`s ([`Input`]): an `f64` input is a scalar operand, so
//! `w * x` is one node instead of a constant leaf and a product.
//!
//! ```
//! use circuitgrad::nn::Mlp;
//!
//! let mlp = Mlp::new(2, &[4, 1], 42);
//! assert_eq!(mlp.parameters().len(), (2 * 4 + 4) + (4 + 1));
//! let score = &mlp.call(&[0.5, -1.0])?[0];
//! let loss = (1.0 - score).relu();
//! mlp.zero_grad();
//! loss.backward();
//! # Ok::<(), circuitgrad::nn::SizeMismatch>(())
//! ```

use std::error::Error;
use std::fmt;

use crate::data::Uniform;
use crate::{Rng, Value};

pub mod loss;
pub mod optim;

pub use loss::{
    accuracy, argmax, class_accuracy, cross_entropy, cross_entropy_micrograd, dataset_loss,
    margin_loss,
};
pub use optim::{AdamW, AdamWConfig, AdamWState, NonFiniteLoss, Optimizer, Sgd, SgdConfig};

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
    fn draw(self, fan_in: usize, rng: &mut impl Uniform) -> f64 {
        let w = rng.uniform(-1.0, 1.0);
        match self {
            Init::Uniform => w,
            Init::ScaledUniform => w * crate::engine::math::pow(fan_in as f64, -0.5),
        }
    }
}

fn check(what: &'static str, expected: usize, got: usize) -> Result<(), SizeMismatch> {
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
    /// use circuitgrad::nn::Neuron;
    /// let a = Neuron::with_weights(&[1.0], 0.0, false);
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
    /// A neuron of `inputs` weights drawn uniform in [-1, 1) from `rng`, bias 0.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::Neuron};
    /// let n = Neuron::new(3, true, &mut Rng::new(1));
    /// assert_eq!(n.parameters().len(), 4);
    /// ```
    pub fn new(inputs: usize, relu: bool, rng: &mut Rng) -> Neuron {
        Neuron::init(inputs, Activation::relu_if(relu), Init::Uniform, rng)
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
    /// assert_eq!(Neuron::with_weights(&[1.0], 0.0, true).activation(), Activation::Relu);
    /// ```
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// A neuron with the given weights and bias.
    ///
    /// ```
    /// use circuitgrad::nn::Neuron;
    /// let n = Neuron::with_weights(&[1.0, 2.0], -3.0, false);
    /// assert_eq!(n.call(&[-1.0, 3.0])?.data(), 2.0); // 1·-1 + 2·3 - 3
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn with_weights(weights: &[f64], bias: f64, relu: bool) -> Neuron {
        Neuron {
            weights: weights.iter().map(|&w| Value::new(w)).collect(),
            bias: Value::new(bias),
            activation: Activation::relu_if(relu),
        }
    }

    /// `b + Σ wᵢxᵢ` (added in that order), then the activation.
    ///
    /// # Errors
    /// [`SizeMismatch`] if `x` does not have one entry per weight.
    ///
    /// ```
    /// use circuitgrad::nn::Neuron;
    /// let n = Neuron::with_weights(&[1.0, 1.0], 0.0, true);
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

    /// The weights, then the bias.
    ///
    /// ```
    /// use circuitgrad::nn::Neuron;
    /// let n = Neuron::with_weights(&[0.5], 2.0, false);
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
    /// `outputs` neurons of `inputs` weights each.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::Layer};
    /// let layer = Layer::new(2, 3, true, &mut Rng::new(1));
    /// assert_eq!(layer.call(&[1.0, 2.0])?.len(), 3);
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn new(inputs: usize, outputs: usize, relu: bool, rng: &mut Rng) -> Layer {
        Layer::init(
            inputs,
            outputs,
            Activation::relu_if(relu),
            Init::Uniform,
            rng,
        )
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
    /// use circuitgrad::nn::{Layer, Neuron};
    /// let layer = Layer::from_neurons(vec![Neuron::with_weights(&[1.0], 0.0, false)]);
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
    /// use circuitgrad::{Rng, nn::Layer};
    /// let layer = Layer::new(2, 1, false, &mut Rng::new(1));
    /// assert!(layer.call(&[1.0, 2.0, 3.0]).is_err());
    /// ```
    pub fn call<X: Input>(&self, x: &[X]) -> Result<Vec<Value>, SizeMismatch> {
        self.neurons.iter().map(|n| n.call(x)).collect()
    }

    /// The neurons.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::Layer};
    /// assert_eq!(Layer::new(2, 4, true, &mut Rng::new(0)).neurons().len(), 4);
    /// ```
    pub fn neurons(&self) -> &[Neuron] {
        &self.neurons
    }

    /// Every neuron's parameters, neuron by neuron.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::Layer};
    /// assert_eq!(Layer::new(2, 4, true, &mut Rng::new(0)).parameters().len(), 12);
    /// ```
    pub fn parameters(&self) -> Vec<Value> {
        self.neurons.iter().flat_map(Neuron::parameters).collect()
    }
}

/// A multi-layer perceptron: a stack of [`Layer`]s. `clone()` copies the parameters (see
/// [`Neuron`]); to share them, share the `Mlp` itself (`&Mlp`, `Rc<Mlp>`).
#[derive(Clone, Debug)]
pub struct Mlp {
    inputs: usize,
    layers: Vec<Layer>,
}

impl Mlp {
    /// An MLP taking `inputs` numbers, with layers of the given sizes; weights are drawn from
    /// `Rng::new(seed)` layer by layer, neuron by neuron.
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// let mlp = Mlp::new(2, &[16, 16, 1], 42);
    /// assert_eq!(mlp.parameters().len(), 337);
    /// ```
    ///
    /// This constructor takes any sizes, as the first micrograd does: no layers, or an empty
    /// layer, give an MLP with no outputs, which every loss refuses. [`Mlp::builder`] checks the
    /// shape up front instead.
    pub fn new(inputs: usize, sizes: &[usize], seed: u64) -> Mlp {
        let layers: Vec<(usize, Activation)> = sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| (size, Activation::relu_if(i + 1 < sizes.len())))
            .collect();
        Mlp::from_spec(inputs, &layers, Init::Uniform, &mut Rng::new(seed))
    }

    /// Starts an MLP of `inputs` inputs, to be given layers, an initialisation, and a generator.
    ///
    /// ```
    /// use circuitgrad::{XorshiftStar, nn::{Activation::*, Init, Mlp}};
    /// // micrograd's second edition: MLP(2, [8, 3]), tanh then linear, scaled weights.
    /// let mlp = Mlp::builder(2)
    ///     .layer(8, Tanh)
    ///     .layer(3, Linear)
    ///     .init(Init::ScaledUniform)
    ///     .build(&mut XorshiftStar::new(42))?;
    /// assert_eq!(mlp.to_string(),
    ///     "MLP of [Layer of [TanHNeuron(2), TanHNeuron(2), TanHNeuron(2), TanHNeuron(2), \
    ///      TanHNeuron(2), TanHNeuron(2), TanHNeuron(2), TanHNeuron(2)], \
    ///      Layer of [LinearNeuron(8), LinearNeuron(8), LinearNeuron(8)]]");
    /// assert_eq!(mlp.parameters().len(), 8 * 3 + 3 * 9);
    /// assert!(Mlp::builder(2).build(&mut XorshiftStar::new(42)).is_err()); // no layers
    /// # Ok::<(), circuitgrad::nn::NnError>(())
    /// ```
    pub fn builder(inputs: usize) -> MlpBuilder {
        MlpBuilder {
            inputs,
            layers: Vec::new(),
            init: Init::default(),
        }
    }

    fn from_spec(
        inputs: usize,
        layers: &[(usize, Activation)],
        init: Init,
        rng: &mut impl Uniform,
    ) -> Mlp {
        let mut fan_in = inputs;
        let layers = layers
            .iter()
            .map(|&(size, activation)| {
                let layer = Layer::init(fan_in, size, activation, init, rng);
                fan_in = size;
                layer
            })
            .collect();
        Mlp { inputs, layers }
    }

    /// How many inputs the MLP takes.
    ///
    /// ```
    /// assert_eq!(circuitgrad::nn::Mlp::new(3, &[4, 1], 0).inputs(), 3);
    /// ```
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// How many outputs it gives: the width of the last layer (0 without layers).
    ///
    /// ```
    /// assert_eq!(circuitgrad::nn::Mlp::new(3, &[4, 2], 0).outputs(), 2);
    /// ```
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.neurons.len())
    }

    /// The outputs for inputs `x` (`f64`s or `Value`s), one `Value` per neuron of the last layer.
    ///
    /// # Errors
    /// [`SizeMismatch`] if `x` does not have the MLP's number of inputs.
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// let mlp = Mlp::new(2, &[3, 1], 0);
    /// assert_eq!(mlp.call(&[1.0, -1.0])?.len(), 1);
    /// assert_eq!(mlp.call(&[1.0]).unwrap_err().to_string(), "expected 2 inputs, got 1");
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn call<X: Input>(&self, x: &[X]) -> Result<Vec<Value>, SizeMismatch> {
        check("inputs", self.inputs, x.len())?;
        let Some((first, rest)) = self.layers.split_first() else {
            return Ok(Vec::new());
        };
        let mut h = first.call(x)?;
        for layer in rest {
            h = layer.call(&h)?;
        }
        Ok(h)
    }

    /// Every weight and bias: layer by layer, neuron by neuron, weights then bias.
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// assert_eq!(Mlp::new(3, &[4, 4, 1], 1).parameters().len(), 16 + 20 + 5);
    /// ```
    pub fn parameters(&self) -> Vec<Value> {
        self.layers.iter().flat_map(Layer::parameters).collect()
    }

    /// Sets every parameter, in [`parameters`](Mlp::parameters) order.
    ///
    /// # Errors
    /// [`SizeMismatch`] (and nothing changed) if `values` has the wrong length.
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// let mlp = Mlp::new(1, &[1], 0);
    /// mlp.set_parameters(&[2.0, 0.5])?; // w, b
    /// assert_eq!(mlp.call(&[3.0])?[0].data(), 6.5);
    /// assert!(mlp.set_parameters(&[1.0]).is_err());
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn set_parameters(&self, values: &[f64]) -> Result<(), SizeMismatch> {
        let params = self.parameters();
        check("parameters", params.len(), values.len())?;
        for (p, &v) in params.iter().zip(values) {
            p.set_data(v);
        }
        Ok(())
    }

    /// Sets every parameter's gradient to 0 (`backward()` also clears what it reaches).
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// let mlp = Mlp::new(1, &[1], 0);
    /// mlp.call(&[1.0])?[0].backward();
    /// mlp.zero_grad();
    /// assert!(mlp.parameters().iter().all(|p| p.grad() == 0.0));
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn zero_grad(&self) {
        for p in self.parameters() {
            p.set_grad(0.0);
        }
    }

    /// The layers.
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// assert_eq!(Mlp::new(2, &[16, 16, 1], 0).layers().len(), 3);
    /// ```
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }
}

impl fmt::Display for Mlp {
    /// The shape, as micrograd prints it.
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// assert_eq!(Mlp::new(2, &[2, 1], 0).to_string(),
    ///            "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MLP of [")?;
        for (i, layer) in self.layers.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "Layer of [")?;
            for (j, n) in layer.neurons.iter().enumerate() {
                let kind = n.activation.name();
                let sep = if j > 0 { ", " } else { "" };
                write!(f, "{sep}{kind}Neuron({})", n.weights.len())?;
            }
            write!(f, "]")?;
        }
        write!(f, "]")
    }
}

impl Mlp {
    /// The outputs for inputs `x` on plain numbers, building no circuit: for predictions, decision
    /// boundaries and anything else that needs no gradient. Same numbers as [`call`](Mlp::call).
    ///
    /// # Errors
    /// [`SizeMismatch`] if `x` does not have the MLP's number of inputs.
    ///
    /// ```
    /// use circuitgrad::nn::Mlp;
    /// let mlp = Mlp::new(2, &[8, 1], 3);
    /// let x = [0.3, -0.7];
    /// assert_eq!(mlp.eval(&x)?[0], mlp.call(&x)?[0].data());
    /// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
    /// ```
    pub fn eval(&self, x: &[f64]) -> Result<Vec<f64>, SizeMismatch> {
        check("inputs", self.inputs, x.len())?;
        if self.layers.is_empty() {
            return Ok(Vec::new()); // as `call`: no layers, no outputs
        }
        let mut h = x.to_vec();
        for layer in &self.layers {
            h = layer
                .neurons
                .iter()
                .map(|n| {
                    let act = n
                        .weights
                        .iter()
                        .zip(&h)
                        .fold(n.bias.data(), |sum, (w, x)| sum + w.data() * x);
                    n.activation.eval(act)
                })
                .collect();
        }
        Ok(h)
    }
}

impl Activation {
    fn relu_if(relu: bool) -> Activation {
        if relu {
            Activation::Relu
        } else {
            Activation::Linear
        }
    }
}

/// An MLP being described: see [`Mlp::builder`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct MlpBuilder {
    inputs: usize,
    layers: Vec<(usize, Activation)>,
    init: Init,
}

impl MlpBuilder {
    /// Adds a layer of `size` neurons with the given activation.
    pub fn layer(mut self, size: usize, activation: Activation) -> MlpBuilder {
        self.layers.push((size, activation));
        self
    }

    /// How the weights are drawn ([`Init::Uniform`] unless set).
    pub fn init(mut self, init: Init) -> MlpBuilder {
        self.init = init;
        self
    }

    /// Draws the weights from `rng`, layer by layer, neuron by neuron, weight by weight.
    ///
    /// # Errors
    /// [`NnError::NoInputs`], [`NnError::NoLayers`] or [`NnError::EmptyLayer`], with nothing drawn
    /// from `rng`.
    ///
    /// ```
    /// use circuitgrad::{Rng, nn::{Activation, Mlp, NnError}};
    /// let err = Mlp::builder(2).layer(4, Activation::Relu).layer(0, Activation::Linear)
    ///     .build(&mut Rng::new(0)).unwrap_err();
    /// assert_eq!(err, NnError::EmptyLayer { layer: 1 });
    /// ```
    pub fn build(&self, rng: &mut impl Uniform) -> Result<Mlp, NnError> {
        if self.inputs == 0 {
            return Err(NnError::NoInputs);
        }
        if self.layers.is_empty() {
            return Err(NnError::NoLayers);
        }
        if let Some(layer) = self.layers.iter().position(|&(size, _)| size == 0) {
            return Err(NnError::EmptyLayer { layer });
        }
        Ok(Mlp::from_spec(self.inputs, &self.layers, self.init, rng))
    }
}
