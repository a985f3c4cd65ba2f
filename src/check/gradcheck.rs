//! The guide's check of an analytic gradient against a numerical one: [`gradcheck`].

use std::fmt;

use crate::Value;
use crate::engine::backward::Numbered;
use crate::engine::number;
use crate::engine::rule::Rule;
use crate::engine::table::Op;

/// How [`gradcheck_with`] nudges and compares: the central difference's step, and the absolute and
/// relative tolerance of `|analytic − numeric| ≤ atol + rtol·|numeric|`.
///
/// The defaults are PyTorch's `gradcheck`'s for doubles: step 1e-6, atol 1e-5, rtol 1e-3.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    /// How far each value is nudged, both ways (a finite number above 0).
    pub step: f64,
    /// The absolute tolerance (finite, at least 0).
    pub atol: f64,
    /// The relative tolerance (finite, at least 0).
    pub rtol: f64,
}

impl Default for Tolerances {
    fn default() -> Tolerances {
        Tolerances {
            step: 1e-6,
            atol: 1e-5,
            rtol: 1e-3,
        }
    }
}

/// A [`Tolerances`] field outside what it allows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BadTolerance {
    /// The field: `step`, `atol` or `rtol`.
    pub name: &'static str,
    /// The value given.
    pub value: f64,
    /// What is allowed.
    pub allowed: &'static str,
}

impl fmt::Display for BadTolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gradcheck's {} = {} is not allowed: it must be {}",
            self.name, self.value, self.allowed
        )
    }
}

impl std::error::Error for BadTolerance {}

impl Tolerances {
    fn validate(&self) -> Result<(), BadTolerance> {
        let bad = |name, value, allowed| {
            Err(BadTolerance {
                name,
                value,
                allowed,
            })
        };
        if !(self.step.is_finite() && self.step > 0.0) {
            return bad("step", self.step, "a finite number above 0");
        }
        for (name, value) in [("atol", self.atol), ("rtol", self.rtol)] {
            if !(value.is_finite() && value >= 0.0) {
                return bad(name, value, "a finite number at least 0");
            }
        }
        Ok(())
    }
}

/// What [`gradcheck`] concluded about one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The two agree within the tolerances.
    Pass,
    /// They do not: the analytic gradient is wrong (or the step too coarse for this function).
    Fail,
    /// The slopes on either side of the value differ (a `relu` at 0, a tie of `max`): the
    /// function has a kink within the step, where a numerical derivative means nothing. Not a
    /// failure.
    Kink,
    /// The analytic or the numerical gradient is NaN or infinite (`Value::anomaly` says where it
    /// starts).
    NotFinite,
}

/// One value's row of a [`GradCheck`].
#[derive(Clone, Debug, PartialEq)]
pub struct InputCheck {
    /// The value's label, if it has one.
    pub label: Option<String>,
    /// Its number in the output's trace, or `None` if the output does not depend on it.
    pub node: Option<usize>,
    /// The gradient `backward()` gives it.
    pub analytic: f64,
    /// The central difference: `(f(v + h) − f(v − h)) / 2h`.
    pub numeric: f64,
    /// `|analytic − numeric|`.
    pub abs_error: f64,
    /// `|analytic − numeric| / max(|analytic|, |numeric|)` (0 when both are 0).
    pub rel_error: f64,
    /// The conclusion.
    pub verdict: Verdict,
}

/// The result of [`gradcheck`]: a row per value, and whether they all passed.
///
/// `Display` prints it as a table, both gradients side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheck {
    rows: Vec<InputCheck>,
    tolerances: Tolerances,
}

impl GradCheck {
    /// Every value checked is right: each passed, or sits at a kink.
    pub fn passed(&self) -> bool {
        self.rows
            .iter()
            .all(|r| matches!(r.verdict, Verdict::Pass | Verdict::Kink))
    }

    /// A row per value, in the order they were given.
    pub fn rows(&self) -> &[InputCheck] {
        &self.rows
    }

    /// The tolerances it used.
    pub fn tolerances(&self) -> Tolerances {
        self.tolerances
    }
}

/// Checks `output`'s gradient with respect to each value of `wrt`, as the guide teaches: the
/// analytic gradient (`output.backward()`) beside a numerical one, the central difference of
/// `output` when that value alone is nudged by ± the step. The circuit is re-evaluated as it
/// stands, with the table's rules (or a custom op's own), from the data its leaves hold now:
/// nothing is rebuilt, and an inner node of `wrt` is nudged with its inputs held where they are.
///
/// With PyTorch's defaults (see [`Tolerances`]); [`gradcheck_with`] takes others. It runs
/// [`forward`](Value::forward) and then `backward()` from `output`, so the values below it are
/// brought up to date with the leaves' data and the grads are filled in as `backward()` fills them.
///
/// ```
/// use circuitgrad::{Value, gradcheck};
/// fn sq(x: f64) -> f64 { x * x }
/// fn wrong(x: f64) -> f64 { 3.0 * x } // should be 2x
///
/// let x = Value::new(1.5).labeled("x");
/// let good = gradcheck(&x.custom("sq", sq, |x| 2.0 * x), &[&x]);
/// assert!(good.passed());
/// let bad = gradcheck(&x.custom("sq", sq, wrong), &[&x]);
/// assert!(!bad.passed());
/// println!("{bad}"); // a table: x, analytic 4.5, numeric 3, the errors, FAIL
/// ```
pub fn gradcheck(output: &Value, wrt: &[&Value]) -> GradCheck {
    check(output, wrt, Tolerances::default())
}

/// [`gradcheck`] with the given step and tolerances.
///
/// # Errors
/// [`BadTolerance`] if the step is not a finite number above 0, or a tolerance not a finite number
/// at least 0; nothing is run then.
///
/// ```
/// use circuitgrad::{Value, check::{Tolerances, gradcheck_with}};
/// let x = Value::new(0.5);
/// let y = x.tanh();
/// let strict = Tolerances { atol: 1e-9, rtol: 1e-9, ..Tolerances::default() };
/// assert!(gradcheck_with(&y, &[&x], strict)?.passed());
/// let wrong = Tolerances { step: -1.0, ..Tolerances::default() };
/// assert!(gradcheck_with(&y, &[&x], wrong).is_err());
/// # Ok::<(), circuitgrad::check::BadTolerance>(())
/// ```
pub fn gradcheck_with(
    output: &Value,
    wrt: &[&Value],
    tolerances: Tolerances,
) -> Result<GradCheck, BadTolerance> {
    tolerances.validate()?;
    Ok(check(output, wrt, tolerances))
}

fn check(output: &Value, wrt: &[&Value], tolerances: Tolerances) -> GradCheck {
    // Values current with the leaves (one set since the circuit was built counts), then grads.
    output.forward();
    output.backward();
    let circuit = Replay::new(output);
    let h = tolerances.step;
    let rows = wrt
        .iter()
        .map(|v| {
            let node = circuit.numbered.position(v);
            let Some(at) = node else {
                // Not in the circuit: nothing moves the output, and backward() does not reach it.
                return row(v.label(), None, 0.0, 0.0, Verdict::Pass);
            };
            let analytic = v.grad();
            let [below, mid, above] = [-h, 0.0, h].map(|d| circuit.output_with(at, d));
            let numeric = (above - below) / (2.0 * h);
            let (left, right) = ((mid - below) / h, (above - mid) / h);
            let within =
                |a: f64, b: f64| (a - b).abs() <= tolerances.atol + tolerances.rtol * b.abs();
            let verdict = if !(analytic.is_finite() && numeric.is_finite() && mid.is_finite()) {
                Verdict::NotFinite
            } else if within(analytic, numeric) {
                Verdict::Pass
            } else if !within(left, right) && !within(right, left) {
                Verdict::Kink
            } else {
                Verdict::Fail
            };
            row(v.label(), node, analytic, numeric, verdict)
        })
        .collect();
    GradCheck { rows, tolerances }
}

fn row(
    label: Option<String>,
    node: Option<usize>,
    analytic: f64,
    numeric: f64,
    verdict: Verdict,
) -> InputCheck {
    let abs_error = (analytic - numeric).abs();
    let scale = analytic.abs().max(numeric.abs());
    InputCheck {
        label,
        node,
        analytic,
        numeric,
        abs_error,
        rel_error: if scale == 0.0 { 0.0 } else { abs_error / scale },
        verdict,
    }
}

/// A circuit to re-evaluate from its leaves' data, with one node nudged.
struct Replay {
    numbered: Numbered,
    rules: Vec<Rule>,
    inputs: Vec<[Option<usize>; 2]>,
    leaves: Vec<f64>,
}

impl Replay {
    fn new(output: &Value) -> Replay {
        let numbered = Numbered::below(output);
        let n = numbered.order.len();
        let rules = numbered.order.iter().map(|v| v.node().rule()).collect();
        let inputs = (0..n).map(|i| numbered.inputs_of(i)).collect();
        let leaves = numbered.order.iter().map(Value::data).collect();
        Replay {
            numbered,
            rules,
            inputs,
            leaves,
        }
    }

    /// The output, every node recomputed from the leaves, with node `at`'s value moved by `delta`.
    fn output_with(&self, at: usize, delta: f64) -> f64 {
        let mut value = vec![0.0; self.rules.len()];
        for (i, rule) in self.rules.iter().enumerate() {
            value[i] = if rule.op() == Op::Leaf {
                self.leaves[i]
            } else {
                let [a, b] = self.inputs[i].map(|j| j.map_or(f64::NAN, |j| value[j]));
                rule.eval(a, b)
            };
            if i == at {
                value[i] += delta;
            }
        }
        value.last().copied().unwrap_or(f64::NAN)
    }
}

impl GradCheck {
    /// The table's columns, as the text and a notebook print them.
    pub(crate) const COLUMNS: [&'static str; 6] = [
        "value",
        "analytic",
        "numeric",
        "abs error",
        "rel error",
        "verdict",
    ];

    /// The table's rows, one an input, under [`COLUMNS`](Self::COLUMNS): an input is named by its
    /// label, else by its node's number (`#3`), else by its place in the list (`(0)`).
    pub(crate) fn cells(&self) -> Vec<[String; 6]> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let name = match (&r.label, r.node) {
                    (Some(label), _) => label.clone(),
                    (None, Some(node)) => format!("#{node}"),
                    (None, None) => format!("({i})"),
                };
                let verdict = match (r.verdict, r.node) {
                    (_, None) => "ok (not in the circuit)",
                    (Verdict::Pass, _) => "ok",
                    (Verdict::Fail, _) => "FAIL",
                    (Verdict::Kink, _) => "kink within the step",
                    (Verdict::NotFinite, _) => "not finite",
                };
                let short = |x: f64| number::format(x, Some(2));
                [
                    name,
                    number::format(r.analytic, None),
                    number::format(r.numeric, None),
                    short(r.abs_error),
                    short(r.rel_error),
                    verdict.to_string(),
                ]
            })
            .collect()
    }
}

impl fmt::Display for GradCheck {
    /// A line saying how it went, then the table.
    ///
    /// ```
    /// use circuitgrad::{Value, gradcheck};
    /// let x = Value::new(2.0).labeled("x");
    /// let check = gradcheck(&(&x * &x), &[&x]);
    /// let text = check.to_string();
    /// assert!(text.starts_with("gradcheck: 1 of 1 values pass"));
    /// assert!(text.lines().nth(2).unwrap().starts_with("x     | 4        | 4"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.tolerances;
        let passed = self
            .rows
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Pass | Verdict::Kink))
            .count();
        writeln!(
            f,
            "gradcheck: {passed} of {} values pass (step {}, |analytic - numeric| <= {} + {}·|numeric|)",
            self.rows.len(),
            number::format(t.step, None),
            number::format(t.atol, None),
            number::format(t.rtol, None)
        )?;
        crate::inspect::write_columns(f, Self::COLUMNS, &self.cells())
    }
}
