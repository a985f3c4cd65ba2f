//! Forward mode: [`jvp`].

use crate::Value;
use crate::engine::backward::Numbered;
use crate::engine::table::Op;

/// The derivative of `output` along a direction: how fast it changes when each value of
/// `tangents` moves at its given rate, `Σ ∂output/∂v · t` over the pairs `(v, t)`.
///
/// One forward-mode sweep over the existing circuit, inputs first: each node's tangent is its
/// local derivatives (the op table's numbers, at the data the circuit holds now) times its inputs'
/// tangents, plus its own rate if it is in `tangents`. No backward walk, no new node, no `grad`
/// field touched. A value given twice moves at the sum of its rates; a value `output` does not
/// depend on moves nothing that matters, and nodes that depend on no moving value keep a tangent of
/// exactly 0 (so a NaN elsewhere in the circuit does not leak in). Inner nodes may move too: their
/// rate adds to what their inputs give them.
///
/// Cost: one sweep per direction, whatever the number of inputs that move; reverse mode
/// ([`grad`](crate::grad), `backward()`) is one sweep per output, whatever the number of inputs.
/// So forward mode pays when few directions matter, reverse mode when many inputs do.
///
/// ```
/// use circuitgrad::{Value, jvp};
/// let (x, y) = (Value::new(3.0), Value::new(2.0));
/// let f = &x * &x * &y; // f = x²y: ∂f/∂x = 2xy = 12, ∂f/∂y = x² = 9
/// assert_eq!(jvp(&f, &[(&x, 1.0)]), 12.0);
/// assert_eq!(jvp(&f, &[(&x, 1.0), (&y, -2.0)]), 12.0 - 18.0);
/// assert_eq!(jvp(&f, &[]), 0.0);
/// ```
pub fn jvp(output: &Value, tangents: &[(&Value, f64)]) -> f64 {
    let circuit = Numbered::below(output);
    let n = circuit.order.len();
    let mut rate: Vec<Option<f64>> = vec![None; n];
    for &(v, t) in tangents {
        if let Some(i) = circuit.position(v) {
            rate[i] = Some(rate[i].unwrap_or(0.0) + t);
        }
    }
    // `None`: a tangent that is exactly 0 because nothing below the node moves.
    let mut tangent: Vec<Option<f64>> = vec![None; n];
    for i in 0..n {
        let inputs = circuit.input_positions(i);
        let mut t = None;
        if inputs.iter().any(|&j| tangent[j].is_some()) {
            let local = local_derivatives(&circuit.order[i]);
            for (k, &j) in inputs.iter().enumerate() {
                if let Some(tj) = tangent[j] {
                    t = Some(t.unwrap_or(0.0) + local[k] * tj);
                }
            }
        }
        if let Some(r) = rate[i] {
            t = Some(t.unwrap_or(0.0) + r);
        }
        tangent[i] = t;
    }
    tangent[n - 1].unwrap_or(0.0)
}

/// A node's local derivatives at the data its inputs hold now.
fn local_derivatives(node: &Value) -> [f64; 2] {
    let node = node.node();
    if node.op() == Op::Leaf {
        return [0.0, 0.0];
    }
    let [a, b] = node.inputs();
    let x = a.map_or(f64::NAN, Value::data);
    let y = b.map_or(f64::NAN, Value::data);
    node.rule().local(x, y, node.data)
}
