//! Where a NaN or an infinity starts: [`Value::anomaly`] and [`Value::backward_checked`].

use std::fmt;

use crate::Value;
use crate::engine::backward::Numbered;
use crate::engine::number::Number;
use crate::engine::table::Op;

/// Which pass a non-finite number started in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pass {
    /// Computing a node's value from its inputs'.
    Forward,
    /// Handing a node's grad on to its inputs.
    Backward,
}

/// Where the first non-finite number of a circuit comes from: a node whose inputs are finite and
/// whose value is not (forward), or, where every value is finite, a node whose finite grad its
/// backward rule turned into a non-finite one for an input (backward).
///
/// Its `Display` says it in a sentence a person can act on:
///
/// ```
/// use circuitgrad::Value;
/// let x = Value::new(0.0).labeled("x");
/// let r = x.sqrt().labeled("r");
/// let f = &r * 2.0;
/// let anomaly = f.backward_checked().unwrap_err();
/// assert_eq!(
///     anomaly.to_string(),
///     "backward: sqrt(0) (node 1, r) has the local derivative inf; times its grad 2, it makes \
///      the grad of its input x (node 0) inf (sqrt's derivative 1/(2√x) is inf at 0)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Anomaly {
    /// The pass it started in.
    pub pass: Pass,
    /// The node's op, as traces print it (`sqrt`, `* 0.5`, a custom op's name, `leaf`).
    pub op: String,
    /// The node's number in the circuit's trace (`Value::trace`), inputs first.
    pub node: usize,
    /// The node's label, if it has one.
    pub label: Option<String>,
    /// Its inputs' values, in the order the op takes them.
    pub inputs: Vec<f64>,
    /// Its local derivatives with respect to each input, at those values.
    pub local: Vec<f64>,
    /// Forward: the node's value, the first that is not finite. Backward: its grad, still finite.
    pub value: f64,
    /// Backward only: the input whose grad became non-finite, by its number in the trace and its
    /// label, and that grad before and after this node added to it.
    pub input: Option<InputGrad>,
    /// What the op does at the edge of its domain, where that explains it.
    pub note: Option<&'static str>,
}

/// The input of a backward [`Anomaly`] whose grad became non-finite.
#[derive(Clone, Debug, PartialEq)]
pub struct InputGrad {
    /// Which of the node's inputs (0 or 1).
    pub which: usize,
    /// Its number in the trace.
    pub node: usize,
    /// Its label, if it has one.
    pub label: Option<String>,
    /// Its grad before this node's contribution (finite).
    pub before: f64,
    /// `local × the node's grad`, what was added.
    pub contribution: f64,
    /// Its grad after (not finite).
    pub after: f64,
}

impl Value {
    /// Where the first NaN or infinity below this value starts, if there is one: the first node,
    /// inputs first, whose value is not finite while its inputs' are (forward); or, if every value
    /// is finite, the first node of a backward pass from here whose backward rule hands an input a
    /// non-finite grad from a finite one of its own (backward). The backward pass is computed aside
    /// (as `backward()` would compute it, bit for bit): no `grad` field changes.
    ///
    /// Shared nodes are seen once, with every path's contribution, as `backward()` sees them.
    ///
    /// ```
    /// use circuitgrad::Value;
    /// let x = Value::new(-1.0).labeled("x");
    /// let y = (x.ln() * 3.0).exp();
    /// let anomaly = y.anomaly().unwrap();
    /// assert_eq!(
    ///     anomaly.to_string(),
    ///     "forward: ln(-1) (node 1) is NaN, from finite inputs (ln is -inf at 0 and NaN below 0)"
    /// );
    /// assert!(Value::new(2.0).sqrt().anomaly().is_none());
    /// ```
    pub fn anomaly(&self) -> Option<Anomaly> {
        let circuit = Numbered::below(self);
        forward_origin(&circuit).or_else(|| backward_origin(&circuit))
    }

    /// Runs [`backward`](Value::backward) and checks every value and grad below this one: `Ok` if
    /// they are all finite, else the [`Anomaly`] that says where the first non-finite number
    /// started (see [`anomaly`](Value::anomaly)). The grads are filled in either way.
    ///
    /// # Errors
    /// An [`Anomaly`] when a value or a grad below is NaN or infinite.
    ///
    /// ```
    /// use circuitgrad::{Value, check::Pass};
    /// let x = Value::new(1000.0).labeled("x");
    /// let y = (x.exp() * 0.0).labeled("y"); // inf · 0 = NaN
    /// let anomaly = y.backward_checked().unwrap_err();
    /// assert_eq!((anomaly.pass, anomaly.op.as_str()), (Pass::Forward, "exp"));
    /// assert!(Value::new(2.0).tanh().backward_checked().is_ok());
    /// ```
    #[allow(
        clippy::result_large_err,
        reason = "the anomaly is the point of the call, and the path that makes one is cold \
                  (allow, not expect: how large is large depends on the target's pointer size)"
    )]
    pub fn backward_checked(&self) -> Result<(), Anomaly> {
        self.backward();
        let circuit = Numbered::below(self);
        let finite = circuit.order.iter().all(|v| {
            let node = v.node();
            node.data.is_finite() && node.grad.is_finite()
        });
        if finite {
            return Ok(());
        }
        match forward_origin(&circuit).or_else(|| backward_origin(&circuit)) {
            Some(anomaly) => Err(anomaly),
            // A grad field left non-finite by something other than this pass's arithmetic
            // (`set_grad`) cannot be, as backward() just wrote every one.
            None => Ok(()),
        }
    }
}

/// The first node, inputs first, whose value is not finite while its inputs' are.
fn forward_origin(circuit: &Numbered) -> Option<Anomaly> {
    let data: Vec<f64> = circuit.order.iter().map(Value::data).collect();
    (0..data.len()).find_map(|i| {
        let inputs = circuit.input_positions(i);
        let starts = !data[i].is_finite() && inputs.iter().all(|&j| data[j].is_finite());
        starts.then(|| {
            let values: Vec<f64> = inputs.iter().map(|&j| data[j]).collect();
            Anomaly {
                pass: Pass::Forward,
                local: local(circuit, i, &values, data[i]),
                op: circuit.order[i].op_name(),
                node: i,
                label: circuit.order[i].label(),
                inputs: values,
                value: data[i],
                input: None,
                note: note(&circuit.order[i], Pass::Forward),
            }
        })
    })
}

/// The first node of a backward pass (replayed aside, in `backward()`'s order and arithmetic)
/// whose finite grad its rule turns into a non-finite grad for an input.
fn backward_origin(circuit: &Numbered) -> Option<Anomaly> {
    let n = circuit.order.len();
    let data: Vec<f64> = circuit.order.iter().map(Value::data).collect();
    let mut grad = vec![0.0; n];
    grad[n - 1] = 1.0;
    for i in (0..n).rev() {
        if circuit.order[i].op() == Op::Leaf {
            continue;
        }
        let inputs = circuit.input_positions(i);
        let values: Vec<f64> = inputs.iter().map(|&j| data[j]).collect();
        let local = local(circuit, i, &values, data[i]);
        let g = grad[i];
        // Every local derivative first, then the additions in input order, as backward() does.
        for (which, (&j, &l)) in inputs.iter().zip(&local).enumerate() {
            let before = grad[j];
            let contribution = l * g;
            grad[j] = before + contribution;
            if g.is_finite() && before.is_finite() && !grad[j].is_finite() {
                return Some(Anomaly {
                    pass: Pass::Backward,
                    op: circuit.order[i].op_name(),
                    node: i,
                    label: circuit.order[i].label(),
                    inputs: values,
                    local,
                    value: g,
                    input: Some(InputGrad {
                        which,
                        node: j,
                        label: circuit.order[j].label(),
                        before,
                        contribution,
                        after: grad[j],
                    }),
                    note: note(&circuit.order[i], Pass::Backward),
                });
            }
        }
    }
    None
}

/// Node `i`'s local derivatives at its inputs' values `values` and its value `out`.
fn local(circuit: &Numbered, i: usize, values: &[f64], out: f64) -> Vec<f64> {
    let rule = circuit.order[i].node().rule();
    let x = values.first().copied().unwrap_or(f64::NAN);
    let y = values.get(1).copied().unwrap_or(f64::NAN);
    rule.local(x, y, out)[..values.len()].to_vec()
}

/// What `node`'s op does at the edge of its domain, in a pass.
fn note(node: &Value, pass: Pass) -> Option<&'static str> {
    use Op::*;
    let missing = node.node().custom().is_some_and(|c| !c.given());
    Some(match (node.op(), pass) {
        (Custom | Custom2, Pass::Forward) if missing => {
            "a custom op's derivative that was not given is NaN"
        }
        (Ln, Pass::Forward) => "ln is -inf at 0 and NaN below 0",
        (Ln, Pass::Backward) => "ln's derivative 1/x is inf at 0",
        (Sqrt, Pass::Forward) => "sqrt is NaN below 0",
        (Sqrt, Pass::Backward) => "sqrt's derivative 1/(2√x) is inf at 0",
        (Exp, _) => "exp overflows to inf above about 709.78",
        (Div | ScalarDiv, _) => "a division by 0 is ±inf, and 0/0 is NaN",
        (Pow | PowValue, _) => {
            "a power of 0 with a negative exponent is inf, a negative base with a fractional one NaN"
        }
        (Custom | Custom2, Pass::Backward) => "a custom op's derivative past the ones given is NaN",
        _ => return None,
    })
}

/// `node 3, y` or `node 3`.
fn place(node: usize, label: &Option<String>) -> String {
    match label {
        Some(label) => format!("node {node}, {label}"),
        None => format!("node {node}"),
    }
}

/// `x (node 0)` or `node 0`.
fn name(node: usize, label: &Option<String>) -> String {
    match label {
        Some(label) => format!("{label} (node {node})"),
        None => format!("node {node}"),
    }
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_origin(f)?;
        match self.note {
            Some(note) => write!(f, " ({note})"),
            None => Ok(()),
        }
    }
}

impl Anomaly {
    /// The sentence without the note.
    fn fmt_origin(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inputs: Vec<String> = self.inputs.iter().map(|&x| Number(x).to_string()).collect();
        let what = if self.inputs.is_empty() {
            format!("the leaf {}", name(self.node, &self.label))
        } else {
            let expression = crate::inspect::expression(&self.op, &inputs);
            format!("{expression} ({})", place(self.node, &self.label))
        };
        match (self.pass, &self.input) {
            (Pass::Forward, _) if self.inputs.is_empty() => {
                write!(f, "forward: {what} is {}", Number(self.value))
            }
            (Pass::Forward, _) => write!(
                f,
                "forward: {what} is {}, from finite inputs",
                Number(self.value)
            ),
            (Pass::Backward, None) => write!(f, "backward: {what}"),
            (Pass::Backward, Some(input)) => {
                let l = self.local[input.which];
                let target = name(input.node, &input.label);
                let grad = Number(self.value);
                if !l.is_finite() {
                    write!(
                        f,
                        "backward: {what} has the local derivative {}; times its grad {grad}, it \
                         makes the grad of its input {target} {}",
                        Number(l),
                        Number(input.after)
                    )
                } else if !input.contribution.is_finite() {
                    write!(
                        f,
                        "backward: {what} has the local derivative {}; times its grad {grad}, \
                         that overflows to {} for its input {target}",
                        Number(l),
                        Number(input.contribution)
                    )
                } else {
                    write!(
                        f,
                        "backward: {what} adds {} to the grad {} of its input {target}, which \
                         overflows to {}",
                        Number(input.contribution),
                        Number(input.before),
                        Number(input.after)
                    )
                }
            }
        }
    }
}

impl std::error::Error for Anomaly {}
