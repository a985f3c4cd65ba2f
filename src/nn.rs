//! Neurons, layers and multi-layer perceptrons, in micrograd's shape, built from [`Value`]s.
//!
//! A neuron computes `act = b + w₀x₀ + w₁x₁ + …` (a chain of `+` nodes starting from the bias, as
//! micrograd's `sum(…, self.b)`) and, unless it is linear, `relu(act)`. A layer is a row of neurons
//! with the same inputs; an [`Mlp`] is a stack of layers whose hidden layers use ReLU and whose last
//! layer is linear. Weights start uniform in [-1, 1) from a seed and biases at 0, so a run gives the
//! same numbers on every machine.
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

/// One neuron: weights, a bias, and whether a ReLU follows.
#[derive(Clone)]
pub struct Neuron {
    weights: Vec<Value>,
    bias: Value,
    relu: bool,
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
        let weights = (0..inputs)
            .map(|_| Value::new(rng.uniform(-1.0, 1.0)))
            .collect();
        Neuron {
            weights,
            bias: Value::new(0.0),
            relu,
        }
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
            relu,
        }
    }

    /// `b + Σ wᵢxᵢ`, then `relu` unless the neuron is linear.
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
        Ok(if self.relu { act.relu() } else { act })
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

/// A row of neurons with the same inputs.
#[derive(Clone)]
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
        Layer {
            neurons: (0..outputs)
                .map(|_| Neuron::new(inputs, relu, rng))
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

/// A multi-layer perceptron: ReLU hidden layers and a linear last layer.
#[derive(Clone)]
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
    pub fn new(inputs: usize, sizes: &[usize], seed: u64) -> Mlp {
        let mut rng = Rng::new(seed);
        let mut fan_in = inputs;
        let layers = sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                let layer = Layer::new(fan_in, size, i + 1 < sizes.len(), &mut rng);
                fan_in = size;
                layer
            })
            .collect();
        Mlp { inputs, layers }
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
                let kind = if n.relu { "ReLU" } else { "Linear" };
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
                    if n.relu { crate::local::relu(act) } else { act }
                })
                .collect();
        }
        Ok(h)
    }
}

/// micrograd's demo loss for a one-output MLP on labelled points: the mean hinge loss
/// `mean(relu(1 - y·score))` plus `alpha·Σp²` over every parameter. Returns the loss and the
/// score of every point (for accuracy).
///
/// # Errors
/// [`SizeMismatch`] if the MLP does not take 2 inputs or does not give exactly 1 output.
///
/// ```
/// use circuitgrad::{data, nn::{Mlp, accuracy, margin_loss}};
/// let mlp = Mlp::new(2, &[4, 1], 1);
/// let points = data::moons();
/// let (loss, scores) = margin_loss(&mlp, &points, 1e-4)?;
/// loss.backward();
/// assert_eq!(scores.len(), 100);
/// let acc = accuracy(scores.iter().map(|s| s.data()), &points.labels);
/// assert!((0.0..=1.0).contains(&acc));
/// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
/// ```
pub fn margin_loss(
    mlp: &Mlp,
    points: &crate::data::Points,
    alpha: f64,
) -> Result<(Value, Vec<Value>), SizeMismatch> {
    let outputs = mlp.layers.last().map_or(0, |l| l.neurons.len());
    check("outputs", 1, outputs)?;
    let scores = points
        .xy
        .iter()
        .map(|xy| mlp.call(xy).map(|mut out| out.swap_remove(0)))
        .collect::<Result<Vec<Value>, _>>()?;
    let hinge: Value = scores
        .iter()
        .zip(&points.labels)
        .map(|(score, &y)| (1.0 - score * y).relu())
        .sum();
    let reg: Value = mlp.parameters().iter().map(|p| p * p).sum();
    let loss = hinge * (1.0 / points.len().max(1) as f64) + reg * alpha;
    Ok((loss, scores))
}

/// The fraction of points whose score has the sign of their label.
///
/// ```
/// use circuitgrad::nn::accuracy;
/// assert_eq!(accuracy([0.5, -2.0, 0.1].into_iter(), &[1.0, -1.0, -1.0]), 2.0 / 3.0);
/// ```
pub fn accuracy(scores: impl Iterator<Item = f64>, labels: &[f64]) -> f64 {
    let hits = scores
        .zip(labels)
        .filter(|(s, y)| (*s > 0.0) == (**y > 0.0))
        .count();
    hits as f64 / labels.len().max(1) as f64
}
