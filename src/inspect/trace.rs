//! The gradient trace: every node below a value, in order, with its op, label, data and gradient.
//!
//! It is what a person checks by hand while learning backprop, and what the snapshot tests record.

use std::fmt;

use itertools::Itertools;

use crate::Value;
use crate::engine::backward::Numbered;

/// One node of a [`Trace`].
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    /// The op that made the node: `leaf`, `+`, `*`, `* 0.5`, `tanh`, …
    pub op: String,
    /// The node's label, if it has one.
    pub label: Option<String>,
    /// Row numbers of the node's inputs (each smaller than this row's).
    pub inputs: Vec<usize>,
    /// The node's data.
    pub data: f64,
    /// The node's gradient.
    pub grad: f64,
}

/// Every node below a value, inputs before the nodes made from them, the value itself last.
///
/// `Display` prints it as an aligned table; numbers are printed as Rust prints `f64`.
///
/// ```
/// # use circuitgrad::Value;
/// let x = Value::new(-2.0).labeled("x");
/// let y = Value::new(5.0).labeled("y");
/// let q = (&x + &y).labeled("q");
/// q.backward();
/// let trace = q.trace();
/// assert_eq!(trace.rows().len(), 3);
/// let table = [
///     "# | node | op   | inputs | data | grad",
///     "0 | x    | leaf |        | -2   | 1",
///     "1 | y    | leaf |        | 5    | 1",
///     "2 | q    | +    | 0 1    | 3    | 1",
/// ];
/// assert_eq!(trace.to_string().lines().collect::<Vec<_>>(), table);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    rows: Vec<TraceRow>,
}

impl Trace {
    /// The rows, inputs before the nodes made from them.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let y = Value::new(2.0) * 3.0;
    /// assert_eq!(y.trace().rows()[1].data, 6.0);
    /// ```
    pub fn rows(&self) -> &[TraceRow] {
        &self.rows
    }
}

impl Value {
    /// The gradient trace of the circuit below this value (this value last). It reads the grads as
    /// they are: call [`backward`](Value::backward) first to see gradients.
    ///
    /// Walks the graph without recursion, so it works on a circuit of any depth.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(3.0).labeled("x");
    /// let y = x.pow(2.0);
    /// y.backward();
    /// let rows = y.trace().rows().to_vec();
    /// assert_eq!((rows[0].label.as_deref(), rows[0].grad), (Some("x"), 6.0));
    /// assert_eq!((rows[1].op.as_str(), rows[1].inputs.as_slice()), ("^2", &[0][..]));
    /// ```
    pub fn trace(&self) -> Trace {
        let numbered = Numbered::below(self);
        let rows = numbered
            .order
            .iter()
            .enumerate()
            .map(|(row, value)| {
                let node = value.0.borrow();
                TraceRow {
                    op: node.describe(),
                    label: value.label(),
                    inputs: numbered.input_positions(row),
                    data: node.data,
                    grad: node.grad,
                }
            })
            .collect();
        Trace { rows }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells: Vec<[String; 6]> = self
            .rows
            .iter()
            .enumerate()
            .map(|(row, r)| {
                [
                    row.to_string(),
                    r.label.clone().unwrap_or_default(),
                    r.op.clone(),
                    r.inputs.iter().join(" "),
                    crate::engine::number::format(r.data, f.precision()),
                    crate::engine::number::format(r.grad, f.precision()),
                ]
            })
            .collect();
        super::write_columns(f, ["#", "node", "op", "inputs", "data", "grad"], &cells)
    }
}
