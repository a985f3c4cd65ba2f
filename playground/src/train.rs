//! The training view: a dataset, an MLP, an optimiser, and what the page draws of them each step.

use circuitgrad::data::{Dataset, XorshiftStar, YinYang, moons};
use circuitgrad::nn::{
    Activation, AdamW, AdamWConfig, Init, LossOrigin, Mlp, NnError, NonFiniteLoss, Optimizer, Sgd,
    SgdConfig, cross_entropy_micrograd, dataset_loss, point_losses,
};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use circuitgrad::Value;

/// The widest layer and the most hidden layers the page builds: past them a step no longer fits
/// in a frame and the pictures are unreadable.
pub const MAX_WIDTH: usize = 32;
/// See [`MAX_WIDTH`].
pub const MAX_HIDDEN_LAYERS: usize = 4;
/// The most training points: each costs a forward and backward pass per step.
pub const MAX_POINTS: usize = 400;
/// The most surface cells a side.
pub const MAX_GRID: usize = 200;

/// Which points to learn.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DataKind {
    /// micrograd's second edition: 100 yin-yang points, 3 classes.
    YinYang,
    /// The guide's 100 moons, 2 classes.
    Moons,
}

/// Which optimiser.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OptKind {
    /// AdamW with micrograd's betas (0.9, 0.95) and weight decay 1e-4.
    AdamW,
    /// Plain SGD.
    Sgd,
}

/// What the settings form sends.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The dataset.
    pub data: DataKind,
    /// The seed of the xorshift* generator that makes the data (yin-yang) and the weights.
    pub seed: u64,
    /// The hidden layers' widths; the output layer (one logit per class) is added.
    pub hidden: Vec<usize>,
    /// `tanh` or `relu` on the hidden layers.
    pub activation: String,
    /// The optimiser.
    pub optimizer: OptKind,
    /// Its learning rate.
    pub lr: f64,
}

impl Default for Settings {
    /// micrograd's second edition: yin-yang from seed 42, MLP(2, [8, 3]) with tanh, AdamW lr 0.1.
    fn default() -> Settings {
        Settings {
            data: DataKind::YinYang,
            seed: 42,
            hidden: vec![8],
            activation: "tanh".into(),
            optimizer: OptKind::AdamW,
            lr: AdamWConfig::MICROGRAD.lr,
        }
    }
}

/// A training run on the page.
pub struct Trainer {
    settings: Settings,
    train: Dataset,
    val: Dataset,
    mlp: Mlp,
    optimizer: Opt,
    /// Each parameter's grad as the last step saw it (the optimiser zeroes them after).
    grads: Vec<f64>,
    /// (train loss, val loss) per step taken.
    history: Vec<(f64, f64)>,
    /// Why training stopped, if it did.
    stopped: Option<Stopped>,
    /// Where a non-finite loss started: the training point, and the node of its loss circuit (as
    /// `datapoint_loss` builds it, numbered as its trace) with the sentence that says what happened.
    origin: Option<Origin>,
    /// The corners of the plane shown: [x0, y0, x1, y1].
    bounds: [f64; 4],
}

impl Trainer {
    /// A fresh run.
    ///
    /// # Errors
    /// A message saying which setting is wrong and what is allowed; nothing changes.
    pub fn new(settings: Settings) -> Result<Trainer, String> {
        let activation = match settings.activation.as_str() {
            "tanh" => Activation::Tanh,
            "relu" => Activation::Relu,
            other => return Err(format!("unknown activation {other:?}: use tanh or relu")),
        };
        if settings.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(format!(
                "{} hidden layers: the playground builds at most {MAX_HIDDEN_LAYERS}",
                settings.hidden.len()
            ));
        }
        if let Some(&w) = settings.hidden.iter().find(|&&w| w > MAX_WIDTH) {
            return Err(format!(
                "a layer of {w} neurons: the playground builds layers of 1 to {MAX_WIDTH}"
            ));
        }
        let mut rng = XorshiftStar::new(settings.seed);
        let (train, val, bounds) = match settings.data {
            DataKind::YinYang => {
                let splits = YinYang::default()
                    .generate(&mut rng)
                    .map_err(|e| e.to_string())?;
                (splits.train, splits.val, [-2.0, -2.0, 2.0, 2.0])
            }
            DataKind::Moons => {
                // The guide's 100 points, in the file's order: 80 to train on, 20 to validate with.
                let all = moons().to_dataset();
                let (train, val) = (all.slice(0..80), all.slice(80..100));
                // A square around the points (x in [-1.13, 2.09], y in [-0.65, 1.20]): the canvas
                // is square, so the moons keep their shape.
                (train, val, [-1.5, -1.7, 2.5, 2.3])
            }
        };
        let mut builder = Mlp::builder(2).init(Init::ScaledUniform);
        for &w in &settings.hidden {
            builder = builder.layer(w, activation);
        }
        let mlp = builder
            .layer(train.classes, Activation::Linear)
            .build(&mut rng)
            .map_err(|e| match e {
                NnError::EmptyLayer { layer } => format!(
                    "hidden layer {} has no neurons: every layer needs 1 to {MAX_WIDTH}",
                    layer + 1
                ),
                e => e.to_string(),
            })?;
        label_parameters(&mlp);
        let optimizer = match settings.optimizer {
            OptKind::AdamW => Opt::AdamW(
                AdamW::new(
                    mlp.parameters(),
                    AdamWConfig {
                        lr: settings.lr,
                        ..AdamWConfig::MICROGRAD
                    },
                )
                .map_err(|e| e.to_string())?,
            ),
            OptKind::Sgd => Opt::Sgd(
                Sgd::new(
                    mlp.parameters(),
                    SgdConfig {
                        lr: settings.lr,
                        ..SgdConfig::default()
                    },
                )
                .map_err(|e| e.to_string())?,
            ),
        };
        let grads = vec![0.0; mlp.parameters().len()];
        Ok(Trainer {
            settings,
            train,
            val,
            mlp,
            optimizer,
            grads,
            history: Vec::new(),
            stopped: None,
            origin: None,
            bounds,
        })
    }

    /// The model.
    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// One step, as micrograd's program takes it: the mean cross-entropy of the training points,
    /// backward, an optimiser step, grads zeroed. The val loss is measured before the update, as
    /// the `yinyang` example does at steps 1, 11, 21…
    ///
    /// # Errors
    /// Training stops when there is nothing to train on (until a point is added) or when the loss
    /// is not finite (until a reset); the message says why. The parameters are left as they were
    /// before the failed step.
    pub fn step(&mut self) -> Result<(), String> {
        if let Some(why) = &self.stopped {
            return Err(why.to_string());
        }
        self.try_step().map_err(|why| {
            let message = why.to_string();
            self.stopped = Some(why);
            message
        })
    }

    fn try_step(&mut self) -> Result<(), Stopped> {
        let step = self.optimizer.steps() + 1;
        let loss =
            dataset_loss(&self.mlp, &self.train, cross_entropy_micrograd).map_err(|e| match e {
                NnError::EmptyData => Stopped::NoData,
                e => Stopped::Failed(e.to_string()),
            })?;
        let val = match self.val.is_empty() {
            true => f64::NAN,
            false => dataset_loss(&self.mlp, &self.val, cross_entropy_micrograd)
                .map(|l| l.data())
                .unwrap_or(f64::NAN),
        };
        let l = NonFiniteLoss::check(step, loss.data()).map_err(|e| {
            // Where it started, in the first point's circuit that has a NaN or an infinity: the
            // circuits `datapoint_loss` shows, so the page can show that point's and mark the node.
            let each = point_losses(&self.mlp, &self.train, cross_entropy_micrograd);
            let e = e.locate(&loss, each.unwrap_or_default());
            if let Some(LossOrigin {
                point: Some(point),
                anomaly,
            }) = e.origin.as_deref()
            {
                self.origin = Some(Origin {
                    point: *point,
                    node: anomaly.node,
                    message: anomaly.to_string(),
                });
            }
            Stopped::Failed(format!("{e}. Press Reset to start again."))
        })?;
        loss.backward();
        for (g, p) in self.grads.iter_mut().zip(self.optimizer.parameters()) {
            *g = p.grad();
        }
        self.optimizer.step();
        self.optimizer.zero_grad();
        self.history.push((l, val));
        Ok(())
    }

    /// Adds a training point; it counts from the next step.
    ///
    /// # Errors
    /// A point outside the plane shown, a class the model does not have, or a full set.
    pub fn add_point(&mut self, x: f64, y: f64, class: usize) -> Result<usize, String> {
        let [x0, y0, x1, y1] = self.bounds;
        if !(x0..=x1).contains(&x) || !(y0..=y1).contains(&y) {
            return Err(format!(
                "({x}, {y}) is outside the plane: points go in [{x0}, {x1}] × [{y0}, {y1}]"
            ));
        }
        if self.train.len() >= MAX_POINTS {
            return Err(format!(
                "the training set has {MAX_POINTS} points, the most the playground trains on: \
                 remove some first"
            ));
        }
        self.train.push([x, y], class).map_err(|e| e.to_string())?;
        self.resume_if_data();
        Ok(self.train.len() - 1)
    }

    /// Removes training point `i`.
    ///
    /// # Errors
    /// When there is no such point.
    pub fn remove_point(&mut self, i: usize) -> Result<(), String> {
        let removed = self.train.remove(i).map(|_| ());
        if removed.is_some() {
            // The origin of a divergence follows its point, or goes with it.
            self.origin = self.origin.take().and_then(|mut o| {
                (o.point != i).then(|| {
                    o.point -= usize::from(o.point > i);
                    o
                })
            });
        }
        removed.ok_or_else(|| match self.train.len() {
            0 => "the training set is empty: there is no point to remove".to_string(),
            n => format!(
                "there is no training point {i}: the points are numbered 0 to {}",
                n - 1
            ),
        })
    }

    /// Training that stopped for want of data goes on once there is some.
    fn resume_if_data(&mut self) {
        if matches!(self.stopped, Some(Stopped::NoData)) {
            self.stopped = None;
        }
    }

    /// Sets the learning rate for the next steps. (A run stopped by a non-finite loss stays
    /// stopped: its parameters are what made the loss overflow, so only a reset helps.)
    ///
    /// # Errors
    /// A learning rate that is negative or not finite.
    pub fn set_lr(&mut self, lr: f64) -> Result<(), String> {
        if !(lr.is_finite() && lr >= 0.0) {
            return Err(format!(
                "the learning rate {lr} must be finite and at least 0"
            ));
        }
        // In place: AdamW keeps its moments and step count, SGD its velocity.
        match &mut self.optimizer {
            Opt::AdamW(o) => o.set_lr(lr),
            Opt::Sgd(o) => o.set_lr(lr),
        }
        .map_err(|e| e.to_string())?;
        self.settings.lr = lr;
        Ok(())
    }

    /// The model's class scores over a `cells` × `cells` grid of the plane, row by row from the
    /// top: per cell the winning class and its softmax probability.
    pub fn surface(&self, cells: usize) -> (Vec<u8>, Vec<u8>) {
        let cells = cells.clamp(2, MAX_GRID);
        let [x0, y0, x1, y1] = self.bounds;
        // The weights read once (not through 2 500 x 40 `RefCell` borrows), in single precision:
        // a picture needs no more, and `f32` halves the cost of the 20 000 tanh a frame makes here
        // (the losses, the table and the circuit are all `f64`).
        let layers: Vec<Vec<(Vec<f32>, Activation)>> = self
            .mlp
            .layers()
            .iter()
            .map(|layer| {
                layer
                    .neurons()
                    .iter()
                    .map(|n| {
                        let mut p: Vec<f32> =
                            n.parameters().iter().map(|p| p.data() as f32).collect();
                        p.rotate_right(1); // the bias first, then the weights
                        (p, n.activation())
                    })
                    .collect()
            })
            .collect();
        let (mut input, mut output): (Vec<f32>, Vec<f32>) = (Vec::new(), Vec::new());
        let mut class = Vec::with_capacity(cells * cells);
        let mut confidence = Vec::with_capacity(cells * cells);
        for row in 0..cells {
            let y = y1 - (row as f64 + 0.5) / cells as f64 * (y1 - y0);
            for col in 0..cells {
                let x = x0 + (col as f64 + 0.5) / cells as f64 * (x1 - x0);
                input.clear();
                input.extend([x as f32, y as f32]);
                for layer in &layers {
                    output.clear();
                    output.extend(layer.iter().map(|(p, activation)| {
                        let act = p[1..].iter().zip(&input).fold(p[0], |s, (w, x)| s + w * x);
                        match activation {
                            Activation::Tanh => act.tanh(),
                            Activation::Relu => act.max(0.0),
                            _ => act,
                        }
                    }));
                    std::mem::swap(&mut input, &mut output);
                }
                let (best, max) =
                    input
                        .iter()
                        .enumerate()
                        .fold(
                            (0, f32::NEG_INFINITY),
                            |b, (i, &l)| if l > b.1 { (i, l) } else { b },
                        );
                let total: f32 = input.iter().map(|l| (l - max).exp()).sum();
                class.push(best as u8);
                // The winner's softmax probability, in percent.
                confidence.push((100.0 / total).round() as u8);
            }
        }
        (class, confidence)
    }

    /// Everything the page redraws after a step, as JSON; the loss history from step `since`.
    pub fn frame(&self, cells: usize, since: usize) -> Json {
        let cells = cells.clamp(2, MAX_GRID);
        let since = since.min(self.history.len());
        let (class, confidence) = self.surface(cells);
        let params = self.optimizer.parameters();
        let update = self.optimizer.last_update();
        let (m, v): (&[f64], &[f64]) = match &self.optimizer {
            Opt::AdamW(o) => (&o.state().m, &o.state().v),
            Opt::Sgd(o) => (o.velocity(), &[]),
        };
        let table: Vec<Json> = params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                json!([
                    p.label().unwrap_or_default(),
                    p.data(),
                    self.grads[i],
                    m.get(i).copied(),
                    v.get(i).map(|v| v.sqrt()),
                    update[i]
                ])
            })
            .collect();
        let first = &self.mlp.layers()[0];
        let lines: Vec<Json> = first
            .neurons()
            .iter()
            .map(|n| {
                let p: Vec<f64> = n.parameters().iter().map(|p| p.data()).collect();
                json!(p)
            })
            .collect();
        let last = self.history.last();
        json!({
            "step": self.history.len(),
            "train_loss": last.map(|l| l.0),
            "val_loss": last.map(|l| l.1).filter(|v| v.is_finite()),
            // Only the steps the page has not seen (it keeps the curve).
            "since": since,
            "history": self.history[since..]
                .iter()
                .map(|&(t, v)| json!([t, v.is_finite().then_some(v)]))
                .collect::<Vec<_>>(),
            "stopped": self.stopped.as_ref().map(Stopped::to_string),
            // The circuit's numbers then come from parameters that broke the loss.
            "diverged": matches!(self.stopped, Some(Stopped::Failed(_))),
            // Where the non-finite loss started: a training point, and a node of its circuit.
            "origin": self.origin.as_ref().filter(|_| self.stopped.is_some()).and_then(|o| {
                let [x, y] = self.train.points.get(o.point)?;
                Some(json!({
                    "point": [x, y, self.train.labels.get(o.point)?],
                    "node": o.node,
                    "message": o.message,
                }))
            }),
            "bounds": self.bounds,
            "classes": self.train.classes,
            "cells": cells,
            "surface": class,
            "confidence": confidence,
            "train": points(&self.train),
            "val": points(&self.val),
            "lines": lines,
            "table": table,
            "optimizer": match self.settings.optimizer { OptKind::AdamW => "AdamW", OptKind::Sgd => "SGD" },
            "lr": self.optimizer.lr(),
        })
    }

    /// The loss circuit of one datapoint: the model's logits, then micrograd's cross-entropy.
    /// It shares the model's parameters, so it is rebuilt to see new numbers after a step.
    ///
    /// # Errors
    /// A point that is not finite or a class the model does not have.
    pub fn datapoint_loss(&self, x: f64, y: f64, class: usize) -> Result<Value, String> {
        if !(x.is_finite() && y.is_finite()) {
            return Err(format!(
                "({x}, {y}) is not a point: both coordinates must be numbers"
            ));
        }
        let logits = self.mlp.call(&[x, y]).map_err(|e| e.to_string())?;
        Ok(cross_entropy_micrograd(&logits, class)
            .map_err(|e| e.to_string())?
            .labeled("loss"))
    }
}

/// Where a non-finite loss started (see `Trainer::origin`).
struct Origin {
    point: usize,
    node: usize,
    message: String,
}

/// Why training stopped: what makes it go on again differs.
enum Stopped {
    /// Nothing to train on; a new point lets training go on.
    NoData,
    /// The loss was not finite, or the step failed otherwise (the message); only a reset helps.
    Failed(String),
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::NoData => {
                f.write_str("the training set is empty: click the plane to add points")
            }
            Stopped::Failed(why) => f.write_str(why),
        }
    }
}

/// The two optimisers the page offers (an enum rather than `dyn Optimizer`: the table shows each
/// one's own state).
enum Opt {
    AdamW(AdamW),
    Sgd(Sgd),
}

impl std::ops::Deref for Opt {
    type Target = dyn Optimizer;
    fn deref(&self) -> &(dyn Optimizer + 'static) {
        match self {
            Opt::AdamW(o) => o,
            Opt::Sgd(o) => o,
        }
    }
}

impl std::ops::DerefMut for Opt {
    fn deref_mut(&mut self) -> &mut (dyn Optimizer + 'static) {
        match self {
            Opt::AdamW(o) => o,
            Opt::Sgd(o) => o,
        }
    }
}

/// Names every parameter by where it sits: `L1 N3 w0` is layer 1's neuron 3's first weight, `L1 N3
/// b` its bias (counted from 1 and 0 as micrograd's pictures do), so the table and the graph say
/// which number is which.
fn label_parameters(mlp: &Mlp) {
    for (l, layer) in mlp.layers().iter().enumerate() {
        for (n, neuron) in layer.neurons().iter().enumerate() {
            let params = neuron.parameters();
            let last = params.len() - 1;
            for (i, p) in params.iter().enumerate() {
                match i == last {
                    true => p.set_label(&format!("L{} N{n} b", l + 1)),
                    false => p.set_label(&format!("L{} N{n} w{i}", l + 1)),
                }
            }
        }
    }
}

/// The points of a set as [x, y, class] triples.
fn points(data: &Dataset) -> Vec<Json> {
    data.points
        .iter()
        .zip(&data.labels)
        .map(|(p, &c)| json!([p[0], p[1], c]))
        .collect()
}
