//! Neurons, layers and multi-layer perceptrons, in micrograd's shape, built from [`Value`](crate::Value)s; the
//! losses that train them ([`loss`]) and the optimisers that step them ([`optim`]).
//!
//! A neuron computes `act = b + w₀x₀ + w₁x₁ + …` (a chain of `+` nodes starting from the bias, as
//! micrograd's `sum(…, self.b)`) and then its [`Activation`]: ReLU, tanh, or none. A layer is a row
//! of neurons with the same inputs; an [`Mlp`] is a stack of layers. Biases start at 0 and weights
//! are drawn from a seeded generator as the chosen [`Init`] says, so a run gives the same numbers on
//! every machine.
//!
//! - [`Mlp::new`] is the first micrograd's net: ReLU hidden layers, a linear last layer, weights
//!   uniform in [-1, 1) from [`Rng`](crate::Rng).
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

mod activation;
mod error;
pub mod loss;
mod mlp;
mod neuron;
pub mod optim;

pub use activation::{Activation, Init};
pub use error::{NnError, SizeMismatch};
pub use loss::{
    accuracy, argmax, class_accuracy, cross_entropy, cross_entropy_micrograd, dataset_loss,
    margin_loss, point_losses,
};
pub use mlp::{Mlp, MlpBuilder};
pub use neuron::{Input, Layer, Neuron};
pub use optim::{
    AdamW, AdamWConfig, AdamWState, LossOrigin, NonFiniteLoss, Optimizer, Sgd, SgdConfig,
};
