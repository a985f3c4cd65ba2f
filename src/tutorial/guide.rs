//! The classifiers of Karpathy's guide, on its six points: a linear SVM and a 2-layer ReLU net,
//! trained with the guide's "pull" and backprop through [`Value`].
//!
//! The guide trains by asking each point for a *pull* on the score: +1 if a positive point scores
//! under 1, -1 if a negative point scores over -1, 0 otherwise (the hinge loss, seen from its
//! gradient). Backprop turns the pull into a gradient on every parameter; a regularisation pull
//! `-reg·w` draws each multiplicative parameter towards 0; every parameter then takes a step of 0.01
//! along its total pull.
//!
//! ```
//! use circuitgrad::guide::{Classifier, POINTS, Svm};
//!
//! let mut svm = Svm::new(1.0, -2.0, -1.0);
//! assert_eq!(svm.accuracy(&POINTS), 0.6666666666666666); // 4 of 6 right before any step
//! for iteration in 0..400 {
//!     let (x, y, label) = POINTS[iteration % POINTS.len()];
//!     svm.learn_from(x, y, label, 0.01, 1.0);
//! }
//! assert_eq!(svm.accuracy(&POINTS), 0.8333333333333334);
//! ```

use crate::{Rng, Value};

/// The guide's data: `(x, y, label)`.
pub const POINTS: [(f64, f64, f64); 6] = [
    (1.2, 0.7, 1.0),
    (-0.3, -0.5, -1.0),
    (3.0, 0.1, 1.0),
    (-0.1, -1.0, -1.0),
    (-1.0, 1.1, -1.0),
    (2.1, -3.0, 1.0),
];

/// The guide's pull on a score: +1 for a positive point under 1, -1 for a negative point over -1.
///
/// ```
/// use circuitgrad::guide::pull;
/// assert_eq!((pull(0.5, 1.0), pull(1.5, 1.0), pull(-0.5, -1.0), pull(-2.0, -1.0)), (1.0, 0.0, -1.0, 0.0));
/// ```
pub fn pull(score: f64, label: f64) -> f64 {
    if label > 0.0 && score < 1.0 {
        1.0
    } else if label < 0.0 && score > -1.0 {
        -1.0
    } else {
        0.0
    }
}

/// A classifier of the guide: a circuit from `(x, y)` to a score, and which parameters are
/// regularised.
pub trait Classifier {
    /// The score of a point, as a circuit over the parameters.
    fn score(&self, x: f64, y: f64) -> Value;
    /// Every parameter, and whether the regularisation pull applies to it.
    fn parameters(&self) -> Vec<(Value, bool)>;

    /// One step of the guide's training on one point: backprop the pull through the score, add the
    /// regularisation pull `-reg·w` on the multiplicative parameters, move every parameter by
    /// `step` times its total pull. Returns the pull.
    fn learn_from(&mut self, x: f64, y: f64, label: f64, step: f64, reg: f64) -> f64 {
        let score = self.score(x, y);
        let pull = pull(score.data(), label);
        // Backprop with the pull as the output's gradient: d(pull·score)/dp = pull·dscore/dp.
        (&score * pull).backward();
        for (p, regularised) in self.parameters() {
            let total = p.grad() - if regularised { reg * p.data() } else { 0.0 };
            p.set_data(p.data() + step * total);
        }
        pull
    }

    /// The fraction of points whose score has the sign of their label.
    fn accuracy(&self, points: &[(f64, f64, f64)]) -> f64 {
        let right = points
            .iter()
            .filter(|&&(x, y, label)| (self.score(x, y).data() > 0.0) == (label > 0.0))
            .count();
        right as f64 / points.len().max(1) as f64
    }

    /// The mean hinge loss `max(0, 1 - label·score)` over `points`, what the pulls push down.
    fn hinge_loss(&self, points: &[(f64, f64, f64)]) -> f64 {
        let total: f64 = points
            .iter()
            .map(|&(x, y, label)| (1.0 - label * self.score(x, y).data()).max(0.0))
            .sum();
        total / points.len().max(1) as f64
    }
}

/// The linear SVM `a·x + b·y + c`; `a` and `b` are regularised.
#[derive(Clone, Debug)]
pub struct Svm {
    /// The weight of x.
    pub a: Value,
    /// The weight of y.
    pub b: Value,
    /// The bias.
    pub c: Value,
}

impl Svm {
    /// An SVM with the given parameters (the guide starts at `1, -2, -1`).
    ///
    /// ```
    /// use circuitgrad::guide::{Classifier, Svm};
    /// assert_eq!(Svm::new(1.0, -2.0, -1.0).score(1.2, 0.7).data(), -1.2); // 1.2 - 1.4 - 1
    /// ```
    pub fn new(a: f64, b: f64, c: f64) -> Svm {
        Svm {
            a: Value::new(a).labeled("a"),
            b: Value::new(b).labeled("b"),
            c: Value::new(c).labeled("c"),
        }
    }
}

impl Classifier for Svm {
    fn score(&self, x: f64, y: f64) -> Value {
        &self.a * x + &self.b * y + &self.c
    }

    fn parameters(&self) -> Vec<(Value, bool)> {
        vec![
            (self.a.clone(), true),
            (self.b.clone(), true),
            (self.c.clone(), false),
        ]
    }
}

/// The guide's 2-layer net: three ReLU neurons `nᵢ = max(0, aᵢx + bᵢy + cᵢ)` and a linear output
/// `a₄n₁ + b₄n₂ + c₄n₃ + d₄`. Every weight is regularised; the biases `c₁…c₃` and `d₄` are not.
#[derive(Clone, Debug)]
pub struct TwoLayerNet {
    /// `[aᵢ, bᵢ, cᵢ]` of each hidden neuron.
    pub hidden: [[Value; 3]; 3],
    /// `[a₄, b₄, c₄, d₄]`.
    pub output: [Value; 4],
}

impl TwoLayerNet {
    /// A net with every parameter uniform in [-0.5, 0.5) (the guide's `Math.random() - 0.5`),
    /// drawn from `Rng::new(seed)`.
    ///
    /// ```
    /// use circuitgrad::guide::{Classifier, TwoLayerNet};
    /// assert_eq!(TwoLayerNet::new(7).parameters().len(), 13);
    /// ```
    pub fn new(seed: u64) -> TwoLayerNet {
        let mut rng = Rng::new(seed);
        let mut draw = || Value::new(rng.uniform(-0.5, 0.5));
        TwoLayerNet {
            hidden: std::array::from_fn(|_| std::array::from_fn(|_| draw())),
            output: std::array::from_fn(|_| draw()),
        }
    }
}

impl Classifier for TwoLayerNet {
    fn score(&self, x: f64, y: f64) -> Value {
        let [a4, b4, c4, d4] = &self.output;
        let n = self
            .hidden
            .each_ref()
            .map(|[a, b, c]| (a * x + b * y + c).relu());
        a4 * &n[0] + b4 * &n[1] + c4 * &n[2] + d4
    }

    fn parameters(&self) -> Vec<(Value, bool)> {
        let hidden = self
            .hidden
            .iter()
            .flat_map(|[a, b, c]| [(a.clone(), true), (b.clone(), true), (c.clone(), false)]);
        let [a4, b4, c4, d4] = &self.output;
        let output = [
            (a4.clone(), true),
            (b4.clone(), true),
            (c4.clone(), true),
            (d4.clone(), false),
        ];
        hidden.chain(output).collect()
    }
}
