//! Optimisers: plain SGD (with momentum and weight decay) and AdamW, with PyTorch's semantics.
//!
//! An optimiser holds handles to the parameters it steps. [`Optimizer::step`] reads each
//! parameter's gradient and writes its new data, so it works the same after a dynamic
//! [`Value::backward`] and after a compiled [`Tape`](crate::Tape)'s `backward()` (which leaves the
//! gradients in the leaves, where the optimiser reads them; the tape's next `forward()` reads the
//! new data from there).
//!
//! ```
//! use circuitgrad::{Value, nn::{AdamW, AdamWConfig, Optimizer}};
//! // Minimise (w - 3)²: AdamW walks w towards 3.
//! let w = Value::new(0.0);
//! let mut opt = AdamW::new(vec![w.clone()], AdamWConfig { lr: 0.1, ..AdamWConfig::default() })?;
//! for _ in 0..200 {
//!     let loss = (&w - 3.0).pow(2.0);
//!     loss.backward();
//!     opt.step();
//!     opt.zero_grad();
//! }
//! assert!((w.data() - 3.0).abs() < 0.1);
//! # Ok::<(), circuitgrad::nn::NnError>(())
//! ```

use std::error::Error;
use std::fmt;

use super::NnError;
use super::error::check;
use crate::Value;
use crate::check::Anomaly;

/// What every optimiser does: step the parameters along their gradients, and clear the gradients.
pub trait Optimizer {
    /// One update of every parameter from its current gradient.
    fn step(&mut self);

    /// Sets every parameter's gradient to 0.
    fn zero_grad(&self) {
        for p in self.parameters() {
            p.set_grad(0.0);
        }
    }

    /// The parameters, in the order the optimiser was given them.
    fn parameters(&self) -> &[Value];

    /// How many steps have been taken.
    fn steps(&self) -> u64;

    /// The learning rate.
    fn lr(&self) -> f64;

    /// What the last step subtracted from each parameter (zeros before the first step).
    fn last_update(&self) -> &[f64];
}

fn setting(name: &'static str, value: f64, ok: bool, allowed: &'static str) -> Result<(), NnError> {
    if ok {
        Ok(())
    } else {
        Err(NnError::BadSetting {
            name,
            value,
            allowed,
        })
    }
}

/// A setting that must be finite and at least 0 (learning rates, `eps`, weight decay).
fn non_negative(name: &'static str, value: f64) -> Result<(), NnError> {
    let ok = value.is_finite() && value >= 0.0;
    setting(name, value, ok, "finite and at least 0")
}

/// A setting that must be in [0, 1) (betas, momentum).
fn below_one(name: &'static str, value: f64) -> Result<(), NnError> {
    setting(name, value, (0.0..1.0).contains(&value), "in [0, 1)")
}

/// AdamW's settings. `Default` is PyTorch's: `lr` 1e-3, betas (0.9, 0.999), `eps` 1e-8,
/// `weight_decay` 1e-2. micrograd's second edition uses `lr` 0.1, betas (0.9, 0.95) and
/// `weight_decay` 1e-4 ([`AdamWConfig::MICROGRAD`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamWConfig {
    /// The learning rate, finite and at least 0.
    pub lr: f64,
    /// The decay rates of the first and second moments, each in [0, 1).
    pub betas: (f64, f64),
    /// Added to `sqrt(v̂)` before dividing, finite and at least 0.
    pub eps: f64,
    /// Decoupled weight decay, finite and at least 0.
    pub weight_decay: f64,
}

impl Default for AdamWConfig {
    fn default() -> AdamWConfig {
        AdamWConfig {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 1e-2,
        }
    }
}

impl AdamWConfig {
    /// micrograd's second edition: `AdamW(lr=0.1, betas=(0.9, 0.95), eps=1e-8, weight_decay=1e-4)`.
    pub const MICROGRAD: AdamWConfig = AdamWConfig {
        lr: 0.1,
        betas: (0.9, 0.95),
        eps: 1e-8,
        weight_decay: 1e-4,
    };

    fn validate(&self) -> Result<(), NnError> {
        non_negative("lr", self.lr)?;
        below_one("beta1", self.betas.0)?;
        below_one("beta2", self.betas.1)?;
        non_negative("eps", self.eps)?;
        non_negative("weight_decay", self.weight_decay)
    }
}

/// AdamW's per-parameter state: the moments and the step count.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AdamWState {
    /// The first moments, one per parameter.
    pub m: Vec<f64>,
    /// The second moments, one per parameter.
    pub v: Vec<f64>,
    /// How many steps have been taken.
    pub steps: u64,
}

/// Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's `optim.AdamW`.
///
/// For each parameter `p` with gradient `g`, at step `t` (from 1):
///
/// ```text
/// m ← β₁ m + (1 - β₁) g          m̂ = m / (1 - β₁^t)
/// v ← β₂ v + (1 - β₂) g²         v̂ = v / (1 - β₂^t)
/// p ← p - lr · (m̂ / (√v̂ + eps) + weight_decay · p)
/// ```
///
/// That last line is PyTorch's update (which first scales `p` by `1 - lr·weight_decay`, then
/// subtracts `lr · m̂ / (√v̂ + eps)`) gathered into one expression, as micrograd's second edition
/// writes it; the two agree exactly in real arithmetic and to the last bit or so in floating point.
/// The operations here are micrograd's, in its order (`g ** 2`, `β^t` and `v̂ ** 0.5` as `powf`),
/// so a run reproduces its numbers digit for digit.
///
/// ```
/// use circuitgrad::{Value, nn::{AdamW, AdamWConfig, Optimizer}};
/// let p = Value::new(1.0);
/// let mut opt = AdamW::new(vec![p.clone()], AdamWConfig::MICROGRAD)?;
/// p.set_grad(2.0);
/// opt.step();
/// // Step 1: m̂ = g and v̂ = g², so the update is lr · (g/(|g| + eps) + wd · p) ≈ 0.1 · (1 + 1e-4).
/// assert!((p.data() - (1.0 - 0.1 * (2.0 / (2.0 + 1e-8) + 1e-4))).abs() < 1e-15);
/// assert_eq!(opt.state().m, [(1.0 - 0.9) * 2.0]); // m = β₁·0 + (1 - β₁)·g
/// # Ok::<(), circuitgrad::nn::NnError>(())
/// ```
#[derive(Clone, Debug)]
pub struct AdamW {
    params: Vec<Value>,
    config: AdamWConfig,
    state: AdamWState,
    last_update: Vec<f64>,
}

impl AdamW {
    /// An AdamW over `params`, with zero moments.
    ///
    /// # Errors
    /// [`NnError::BadSetting`] for a setting outside what the field docs of [`AdamWConfig`] allow.
    ///
    /// ```
    /// use circuitgrad::nn::{AdamW, AdamWConfig};
    /// let bad = AdamWConfig { lr: -0.1, ..AdamWConfig::default() };
    /// assert_eq!(AdamW::new(vec![], bad).unwrap_err().to_string(),
    ///            "lr = -0.1 is not allowed: lr must be finite and at least 0");
    /// ```
    pub fn new(params: Vec<Value>, config: AdamWConfig) -> Result<AdamW, NnError> {
        let n = params.len();
        let state = AdamWState {
            m: vec![0.0; n],
            v: vec![0.0; n],
            steps: 0,
        };
        AdamW::with_state(params, config, state)
    }

    /// An AdamW over `params` that goes on from a saved state (see [`state`](AdamW::state)).
    ///
    /// # Errors
    /// [`NnError::BadSetting`] as [`new`](AdamW::new); [`NnError::Size`] unless `m` and `v` have
    /// one entry per parameter.
    ///
    /// ```
    /// use circuitgrad::{Value, nn::{AdamW, AdamWConfig, AdamWState}};
    /// let state = AdamWState { m: vec![0.0], v: vec![0.0; 2], steps: 3 };
    /// let err = AdamW::with_state(vec![Value::new(1.0)], AdamWConfig::default(), state);
    /// assert_eq!(err.unwrap_err().to_string(), "expected 1 second moments, got 2");
    /// ```
    pub fn with_state(
        params: Vec<Value>,
        config: AdamWConfig,
        state: AdamWState,
    ) -> Result<AdamW, NnError> {
        config.validate()?;
        check("first moments", params.len(), state.m.len())?;
        check("second moments", params.len(), state.v.len())?;
        let last_update = vec![0.0; params.len()];
        Ok(AdamW {
            params,
            config,
            state,
            last_update,
        })
    }

    /// The settings.
    pub fn config(&self) -> &AdamWConfig {
        &self.config
    }

    /// Changes the learning rate from the next step on (for schedules).
    ///
    /// # Errors
    /// [`NnError::BadSetting`], and nothing changed, unless `lr` is finite and at least 0.
    pub fn set_lr(&mut self, lr: f64) -> Result<(), NnError> {
        AdamWConfig { lr, ..self.config }.validate()?;
        self.config.lr = lr;
        Ok(())
    }

    /// The moments and the step count.
    pub fn state(&self) -> &AdamWState {
        &self.state
    }
}

impl Optimizer for AdamW {
    fn step(&mut self) {
        let AdamWConfig {
            lr,
            betas: (b1, b2),
            eps,
            weight_decay,
        } = self.config;
        let s = &mut self.state;
        s.steps += 1;
        let t = s.steps as f64;
        let correction1 = 1.0 - crate::engine::math::pow(b1, t);
        let correction2 = 1.0 - crate::engine::math::pow(b2, t);
        for (i, p) in self.params.iter().enumerate() {
            let g = p.grad();
            s.m[i] = b1 * s.m[i] + (1.0 - b1) * g;
            s.v[i] = b2 * s.v[i] + (1.0 - b2) * crate::engine::math::pow(g, 2.0);
            let m_hat = s.m[i] / correction1;
            let v_hat = s.v[i] / correction2;
            let data = p.data();
            let update =
                lr * (m_hat / (crate::engine::math::pow(v_hat, 0.5) + eps) + weight_decay * data);
            self.last_update[i] = update;
            p.set_data(data - update);
        }
    }

    fn parameters(&self) -> &[Value] {
        &self.params
    }

    fn steps(&self) -> u64 {
        self.state.steps
    }

    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn last_update(&self) -> &[f64] {
        &self.last_update
    }
}

/// SGD's settings. `Default`: `lr` 0.01, no momentum, no weight decay.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// The learning rate, finite and at least 0.
    pub lr: f64,
    /// Momentum, in [0, 1): 0 for plain gradient descent.
    pub momentum: f64,
    /// L2 weight decay added to the gradient (`g + weight_decay · p`), finite and at least 0.
    pub weight_decay: f64,
}

impl Default for SgdConfig {
    fn default() -> SgdConfig {
        SgdConfig {
            lr: 0.01,
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }
}

/// Stochastic gradient descent, as PyTorch's `optim.SGD` (no dampening, no Nesterov):
///
/// ```text
/// d ← g + weight_decay · p
/// b ← d on the first step, momentum · b + d after       (only with momentum)
/// p ← p - lr · b
/// ```
///
/// ```
/// use circuitgrad::{Value, nn::{Optimizer, Sgd, SgdConfig}};
/// let p = Value::new(1.0);
/// let mut opt = Sgd::new(vec![p.clone()], SgdConfig { lr: 0.1, ..SgdConfig::default() })?;
/// p.set_grad(2.0);
/// opt.step();
/// assert_eq!(p.data(), 1.0 - 0.1 * 2.0);
/// # Ok::<(), circuitgrad::nn::NnError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sgd {
    params: Vec<Value>,
    config: SgdConfig,
    velocity: Vec<f64>,
    steps: u64,
    last_update: Vec<f64>,
}

impl Sgd {
    /// An SGD over `params`.
    ///
    /// # Errors
    /// [`NnError::BadSetting`] for a setting outside what the field docs of [`SgdConfig`] allow.
    ///
    /// ```
    /// use circuitgrad::nn::{Sgd, SgdConfig};
    /// let bad = SgdConfig { momentum: 1.0, ..SgdConfig::default() };
    /// assert!(Sgd::new(vec![], bad).is_err());
    /// ```
    pub fn new(params: Vec<Value>, config: SgdConfig) -> Result<Sgd, NnError> {
        config.validate()?;
        let n = params.len();
        Ok(Sgd {
            params,
            config,
            velocity: vec![0.0; n],
            steps: 0,
            last_update: vec![0.0; n],
        })
    }

    /// The settings.
    pub fn config(&self) -> &SgdConfig {
        &self.config
    }

    /// Changes the learning rate from the next step on (for schedules).
    ///
    /// # Errors
    /// [`NnError::BadSetting`], and nothing changed, unless `lr` is finite and at least 0.
    ///
    /// ```
    /// use circuitgrad::nn::{Sgd, SgdConfig};
    /// let mut opt = Sgd::new(vec![], SgdConfig::default())?;
    /// assert!(opt.set_lr(f64::NAN).is_err());
    /// assert_eq!(opt.config().lr, 0.01);
    /// # Ok::<(), circuitgrad::nn::NnError>(())
    /// ```
    pub fn set_lr(&mut self, lr: f64) -> Result<(), NnError> {
        SgdConfig { lr, ..self.config }.validate()?;
        self.config.lr = lr;
        Ok(())
    }

    /// The momentum buffers, one per parameter (zeros without momentum).
    pub fn velocity(&self) -> &[f64] {
        &self.velocity
    }
}

impl SgdConfig {
    fn validate(&self) -> Result<(), NnError> {
        non_negative("lr", self.lr)?;
        below_one("momentum", self.momentum)?;
        non_negative("weight_decay", self.weight_decay)
    }
}

impl Optimizer for Sgd {
    fn step(&mut self) {
        let SgdConfig {
            lr,
            momentum,
            weight_decay,
        } = self.config;
        let first = self.steps == 0;
        self.steps += 1;
        for (i, p) in self.params.iter().enumerate() {
            let data = p.data();
            let mut d = p.grad();
            if weight_decay != 0.0 {
                d += weight_decay * data;
            }
            if momentum != 0.0 {
                let b = &mut self.velocity[i];
                *b = if first { d } else { momentum * *b + d };
                d = *b;
            }
            let update = lr * d;
            self.last_update[i] = update;
            p.set_data(data - update);
        }
    }

    fn parameters(&self) -> &[Value] {
        &self.params
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn last_update(&self) -> &[f64] {
        &self.last_update
    }
}

/// A training run's loss became NaN or infinite: the run stops rather than print NaN forever.
///
/// [`check`](NonFiniteLoss::check) says when; [`locate`](NonFiniteLoss::locate) adds where it
/// started: which point's circuit, and which op in it ([`Anomaly`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NonFiniteLoss {
    /// The step at which it happened (from 1).
    pub step: u64,
    /// The loss: NaN, inf or -inf.
    pub loss: f64,
    /// Where the first non-finite number started, once [`locate`](NonFiniteLoss::locate)d.
    pub origin: Option<Box<LossOrigin>>,
}

/// Where a [`NonFiniteLoss`] started.
#[derive(Clone, Debug, PartialEq)]
pub struct LossOrigin {
    /// The point (by its place in the data) whose circuit it is in, or `None` if no single point's
    /// circuit has it (the sum of the points' losses, or a term over the parameters).
    pub point: Option<usize>,
    /// Where in that circuit (numbered as its trace).
    pub anomaly: Anomaly,
}

impl NonFiniteLoss {
    /// `Ok(loss)` if `loss` is finite, else the error for `step`.
    ///
    /// ```
    /// use circuitgrad::nn::NonFiniteLoss;
    /// assert_eq!(NonFiniteLoss::check(3, 0.5), Ok(0.5));
    /// assert_eq!(NonFiniteLoss::check(7, f64::NAN).unwrap_err().to_string(),
    ///            "the loss is NaN at step 7, so training stopped: the steps diverged \
    ///             (a smaller learning rate usually helps)");
    /// ```
    pub fn check(step: u64, loss: f64) -> Result<f64, NonFiniteLoss> {
        if loss.is_finite() {
            Ok(loss)
        } else {
            Err(NonFiniteLoss {
                step,
                loss,
                origin: None,
            })
        }
    }

    /// Finds where the non-finite number started: in the first of `points` (each one point's
    /// circuit, in the data's order: its loss, or its score) that has one, else in `total`, the
    /// loss's whole circuit (see [`Value::anomaly`]). Nothing in the circuits changes.
    ///
    /// ```
    /// use circuitgrad::{Value, nn::NonFiniteLoss};
    /// let w = Value::new(800.0).labeled("w");
    /// let points: Vec<Value> = [0.5, 1.0].iter().map(|&x| (&w * x).exp()).collect();
    /// let total = &points[0] + &points[1];
    /// let e = NonFiniteLoss::check(4, total.data()).unwrap_err().locate(&total, points.clone());
    /// assert_eq!(e.origin.as_ref().unwrap().point, Some(1)); // e^400 is finite, e^800 is not
    /// assert!(e.to_string().contains("in point 1's circuit, forward: exp(800)"));
    /// ```
    pub fn locate(
        mut self,
        total: &Value,
        points: impl IntoIterator<Item = Value>,
    ) -> NonFiniteLoss {
        let in_point = points
            .into_iter()
            .enumerate()
            .find_map(|(i, p)| p.anomaly().map(|a| (Some(i), a)));
        self.origin = in_point
            .or_else(|| total.anomaly().map(|a| (None, a)))
            .map(|(point, anomaly)| Box::new(LossOrigin { point, anomaly }));
        self
    }
}

impl fmt::Display for NonFiniteLoss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the loss is {} at step {}, so training stopped: ",
            self.loss, self.step
        )?;
        match self.origin.as_deref() {
            Some(LossOrigin {
                point: Some(point),
                anomaly,
            }) => write!(
                f,
                "in point {point}'s circuit, {anomaly}. The steps diverged"
            )?,
            Some(LossOrigin {
                point: None,
                anomaly,
            }) => write!(f, "in the loss's circuit, {anomaly}. The steps diverged")?,
            None => write!(f, "the steps diverged")?,
        }
        write!(f, " (a smaller learning rate usually helps)")
    }
}

impl Error for NonFiniteLoss {}
