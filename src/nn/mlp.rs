//! A multi-layer perceptron: a stack of layers, and the builder that checks its shape.

use std::fmt;

use itertools::Itertools;

use super::activation::{Activation, Init};
use super::error::{NnError, SizeMismatch, check};
use super::neuron::{Input, Layer};
use crate::data::Uniform;
use crate::{Rng, Value};

/// A multi-layer perceptron: a stack of [`Layer`]s. `clone()` copies the parameters (see
/// [`Neuron`](super::Neuron)); to share them, share the `Mlp` itself (`&Mlp`, `Rc<Mlp>`).
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
            .map(|(i, &size)| {
                let hidden = i + 1 < sizes.len();
                let activation = if hidden {
                    Activation::Relu
                } else {
                    Activation::Linear
                };
                (size, activation)
            })
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
        self.layers.last().map_or(0, |l| l.neurons().len())
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
        write!(f, "MLP of [{}]", self.layers.iter().format(", "))
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
            h = layer.eval(&h)?;
        }
        Ok(h)
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
