//! Losses: micrograd's margin loss for two classes, cross-entropy over logits for any number, the
//! mean of a loss over a data set, and accuracies.

use super::error::check;
use super::{Mlp, NnError, SizeMismatch};
use crate::Value;
use crate::data::{Dataset, Points};

/// Cross-entropy of logits for the class `target`: `-ln softmax(logits)[target]`, computed as
/// `ln Σᵢ e^(lᵢ - m) - (l_target - m)` with `m` the largest logit (a constant, not a node).
///
/// This is safe for any finite logits: the largest exponent is `e^0`, so nothing overflows, and
/// nothing is divided or has its logarithm taken near 0 (the sum is at least 1). A logit of 1000
/// gives a loss of 0 or about 1000 and gradients in [-1, 1]. The gradient is the usual
/// `softmax - onehot(target)`; `m` is treated as a constant, which is exact, because a softmax does
/// not change when every logit moves by the same amount.
///
/// In exact arithmetic it equals [`cross_entropy_micrograd`], micrograd's second edition's formula
/// (`e^l`, their sum, a probability, `-ln p`); in floating point the two round differently in the
/// last bits, and that one overflows to NaN once a logit passes about 709.
///
/// # Errors
/// [`NnError::ClassOutOfRange`] if `target` is not below `logits.len()` (no logits at all
/// included).
///
/// ```
/// use circuitgrad::{Value, nn::cross_entropy};
/// // Three equal logits: p = 1/3 for each class, loss = ln 3, d loss/d l_i = 1/3 - [i = target].
/// let logits = [Value::new(0.5), Value::new(0.5), Value::new(0.5)];
/// let loss = cross_entropy(&logits, 1)?;
/// loss.backward();
/// assert!((loss.data() - 3f64.ln()).abs() < 1e-15);
/// assert!((logits[1].grad() + 2.0 / 3.0).abs() < 1e-15);
/// // Huge logits stay finite.
/// let big = [Value::new(1000.0), Value::new(0.0)];
/// let loss = cross_entropy(&big, 1)?;
/// loss.backward();
/// assert_eq!(loss.data(), 1000.0);
/// assert!(big.iter().all(|l| l.grad().is_finite()));
/// # Ok::<(), circuitgrad::nn::NnError>(())
/// ```
pub fn cross_entropy(logits: &[Value], target: usize) -> Result<Value, NnError> {
    check_target(logits, target)?;
    let m = logits
        .iter()
        .map(Value::data)
        .fold(f64::NEG_INFINITY, f64::max);
    // An infinite or NaN largest logit has nothing to subtract: let IEEE-754 say what follows.
    let m = if m.is_finite() { m } else { 0.0 };
    let shifted: Vec<Value> = logits.iter().map(|l| l - m).collect();
    let sum: Value = shifted.iter().map(Value::exp).sum();
    Ok(sum.ln() - &shifted[target])
}

/// Cross-entropy as micrograd's second edition computes it, op for op: `eᵢ = e^lᵢ`, `s = Σ eᵢ`,
/// `p = e_target · s^-1`, loss `= -ln p`. It reproduces that program's numbers to the last digit.
///
/// It is not safe for large logits: past about 709, `e^l` is inf and the loss NaN. Prefer
/// [`cross_entropy`] unless the point is to match micrograd bit for bit.
///
/// # Errors
/// [`NnError::ClassOutOfRange`] if `target` is not below `logits.len()`.
///
/// ```
/// use circuitgrad::{Value, nn::cross_entropy_micrograd};
/// let logits = [Value::new(0.0), Value::new(0.0)];
/// let loss = cross_entropy_micrograd(&logits, 0)?; // -ln(1/2)
/// assert_eq!(loss.data(), 2f64.ln());
/// let big = [Value::new(1000.0), Value::new(0.0)];
/// assert!(cross_entropy_micrograd(&big, 0)?.data().is_nan()); // e^1000 · (e^1000)^-1 = inf · 0
/// assert_eq!(cross_entropy_micrograd(&big, 1)?.data(), f64::INFINITY); // -ln(1 · inf^-1)
/// # Ok::<(), circuitgrad::nn::NnError>(())
/// ```
pub fn cross_entropy_micrograd(logits: &[Value], target: usize) -> Result<Value, NnError> {
    check_target(logits, target)?;
    let ex: Vec<Value> = logits.iter().map(Value::exp).collect();
    let denom: Value = ex.iter().sum();
    let p = &ex[target] * &denom.pow(-1.0);
    Ok(-p.ln())
}

fn check_target(logits: &[Value], target: usize) -> Result<(), NnError> {
    if target < logits.len() {
        Ok(())
    } else {
        Err(NnError::ClassOutOfRange {
            class: target,
            classes: logits.len(),
        })
    }
}

/// The mean of `loss(mlp(point), label)` over a data set: `(l₀ + l₁ + …) · (1/n)`, summed in order,
/// as micrograd's `loss_fun`.
///
/// # Errors
/// [`NnError::EmptyData`] for no points; [`NnError::Size`] if the MLP does not take 2 inputs or
/// does not give one logit per class; what `loss` returns.
///
/// ```
/// use circuitgrad::{XorshiftStar, data::YinYang, nn::{Activation::*, Mlp, cross_entropy, dataset_loss}};
/// let mut rng = XorshiftStar::new(42);
/// let splits = YinYang { n: 20, ..YinYang::default() }.generate(&mut rng)?; // 16 to train on
/// let mlp = Mlp::builder(2).layer(8, Tanh).layer(3, Linear).build(&mut rng)?;
/// let loss = dataset_loss(&mlp, &splits.train, cross_entropy)?;
/// loss.backward();
/// assert!(loss.data() > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dataset_loss(
    mlp: &Mlp,
    data: &Dataset,
    loss: impl Fn(&[Value], usize) -> Result<Value, NnError>,
) -> Result<Value, NnError> {
    let losses = point_losses(mlp, data, loss)?;
    // `Sum` chains `+` from the first loss: ((l₀ + l₁) + l₂) + …, micrograd's order.
    let total: Value = losses.into_iter().sum();
    Ok(total * (1.0 / data.len() as f64))
}

/// Each point's loss, `loss(mlp(point), label)`, as a circuit of its own, in the data's order:
/// what [`dataset_loss`] sums, for looking at one point (where a NaN started, say, with
/// [`NonFiniteLoss::locate`](super::NonFiniteLoss::locate)).
///
/// # Errors
/// As [`dataset_loss`].
///
/// ```
/// use circuitgrad::{XorshiftStar, data::YinYang, nn::{Activation::*, Mlp, cross_entropy, dataset_loss, point_losses}};
/// let mut rng = XorshiftStar::new(42);
/// let splits = YinYang { n: 20, ..YinYang::default() }.generate(&mut rng)?;
/// let mlp = Mlp::builder(2).layer(8, Tanh).layer(3, Linear).build(&mut rng)?;
/// let each = point_losses(&mlp, &splits.train, cross_entropy)?;
/// let mean = dataset_loss(&mlp, &splits.train, cross_entropy)?;
/// let sum: f64 = each.iter().map(|l| l.data()).sum();
/// assert!((mean.data() - sum / each.len() as f64).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn point_losses(
    mlp: &Mlp,
    data: &Dataset,
    loss: impl Fn(&[Value], usize) -> Result<Value, NnError>,
) -> Result<Vec<Value>, NnError> {
    check_data(mlp, data)?;
    data.points
        .iter()
        .zip(&data.labels)
        .map(|(point, &label)| loss(&mlp.call(point)?, label))
        .collect()
}

/// What [`dataset_loss`] and [`class_accuracy`] need of their arguments: some points, and one
/// output of the MLP per class.
fn check_data(mlp: &Mlp, data: &Dataset) -> Result<(), NnError> {
    if data.is_empty() {
        return Err(NnError::EmptyData);
    }
    check("outputs", data.classes, mlp.outputs())?;
    Ok(())
}

/// The index of the largest number (the first, on a tie), ignoring NaNs; `None` if there is none.
///
/// ```
/// use circuitgrad::nn::argmax;
/// assert_eq!(argmax(&[0.1, 2.0, -1.0, 2.0]), Some(1));
/// assert_eq!(argmax(&[f64::NAN, 1.0]), Some(1));
/// assert_eq!(argmax(&[]), None);
/// ```
pub fn argmax(xs: &[f64]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, &x) in xs.iter().enumerate() {
        if !x.is_nan() && best.is_none_or(|b| x > xs[b]) {
            best = Some(i);
        }
    }
    best
}

/// The fraction of points whose largest logit is their class (computed on plain numbers, with
/// [`Mlp::eval`]: no circuit is built).
///
/// # Errors
/// As [`dataset_loss`]: no points, or an MLP of the wrong shape.
///
/// ```
/// use circuitgrad::{Rng, data::moons, nn::{Mlp, class_accuracy}};
/// let data = moons().to_dataset();
/// let acc = class_accuracy(&Mlp::new(2, &[8, 2], 1), &data)?;
/// assert!((0.0..=1.0).contains(&acc));
/// # Ok::<(), circuitgrad::nn::NnError>(())
/// ```
pub fn class_accuracy(mlp: &Mlp, data: &Dataset) -> Result<f64, NnError> {
    check_data(mlp, data)?;
    let mut hits = 0;
    for (point, &label) in data.points.iter().zip(&data.labels) {
        if argmax(&mlp.eval(point)?) == Some(label) {
            hits += 1;
        }
    }
    Ok(hits as f64 / data.len() as f64)
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
/// let moons = data::moons();
/// let points = data::Points { xy: moons.xy[..10].to_vec(), labels: moons.labels[..10].to_vec() };
/// let (loss, scores) = margin_loss(&mlp, &points, 1e-4)?;
/// loss.backward();
/// assert_eq!(scores.len(), 10);
/// let acc = accuracy(scores.iter().map(|s| s.data()), &points.labels);
/// assert!((0.0..=1.0).contains(&acc));
/// # Ok::<(), circuitgrad::nn::SizeMismatch>(())
/// ```
pub fn margin_loss(
    mlp: &Mlp,
    points: &Points,
    alpha: f64,
) -> Result<(Value, Vec<Value>), SizeMismatch> {
    let outputs = mlp.outputs();
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
