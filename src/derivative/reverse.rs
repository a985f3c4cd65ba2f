//! Reverse mode, building circuits: [`grad`] and [`hessian`].

use crate::Value;
use crate::engine::backward::Numbered;
use crate::engine::table::{Dx, Op};

/// The gradient of `output` with respect to each value of `wrt`, as new circuits of ordinary
/// `Value`s.
///
/// Each result's [`data`](Value::data) is, bit for bit, what `output.backward()` would leave in
/// that value's [`grad`](Value::grad): the same local derivatives (each op's, written with the same
/// ops), multiplied and summed in the same order. A value of `wrt` that `output` does not depend on
/// (not in its circuit) gets 0; `output` with respect to itself gets 1; `wrt` may hold inner nodes
/// (their gradient holds their own inputs fixed, as `backward()`'s does).
///
/// The results are circuits like any other: differentiate them again for second derivatives,
/// trace or draw them, compile them. Nothing in the circuit of `output` changes, its `grad` fields
/// included. A result whose `output` and value of `wrt` both have labels is labelled `∂f/∂x`
/// (`∂²f/∂x∂y` when `output` is `∂f/∂x` already).
///
/// Cost: one reverse sweep over `output`'s circuit (see the [module docs](crate::derivative)).
/// No recursion: a million-node chain works in a 2 MiB stack, and so does `grad` of its gradient.
///
/// Ops whose derivative has a kink (`relu`, `abs`, `max`, `min`) give a gradient made of steps
/// (`step`, `sign`, `∂max/∂a`, `∂min/∂a`), whose own derivative is 0: so their second derivative
/// is 0 away from the kink, and 0 at the kink too (where the true one is not a number), as in
/// PyTorch and JAX.
///
/// ```
/// use circuitgrad::{Value, grad};
///
/// let x = Value::new(3.0).labeled("x");
/// let y = Value::new(2.0).labeled("y");
/// let f = (x.pow(3.0) * &y).labeled("f"); // f = x³y
///
/// let g = grad(&f, &[&x, &y]);
/// assert_eq!(g[0].data(), 54.0); // ∂f/∂x = 3x²y
/// assert_eq!(g[1].data(), 27.0); // ∂f/∂y = x³
/// assert_eq!(g[0].label().as_deref(), Some("∂f/∂x"));
///
/// // The gradient is a circuit: differentiate it again.
/// let gg = grad(&g[0], &[&x, &y]);
/// assert_eq!(gg[0].data(), 36.0); // ∂²f/∂x² = 6xy
/// assert_eq!(gg[1].data(), 27.0); // ∂²f/∂x∂y = 3x²
/// assert_eq!(gg[1].label().as_deref(), Some("∂²f/∂x∂y"));
///
/// // Bit for bit what backward() leaves in the grads.
/// f.backward();
/// assert_eq!((x.grad(), y.grad()), (g[0].data(), g[1].data()));
/// ```
pub fn grad(output: &Value, wrt: &[&Value]) -> Vec<Value> {
    let circuit = Numbered::below(output);
    let n = circuit.order.len();
    let targets: Vec<Option<usize>> = wrt.iter().map(|w| circuit.position(w)).collect();
    let inputs: Vec<[Option<usize>; 2]> = (0..n).map(|i| circuit.inputs_of(i)).collect();
    let mut is_target = vec![false; n];
    for &i in targets.iter().flatten() {
        is_target[i] = true;
    }

    // Which nodes lead to a value of `wrt`: only their gradients can reach a result.
    let mut leads = is_target.clone();
    for i in 0..n {
        if inputs[i].iter().flatten().any(|&j| leads[j]) {
            leads[i] = true;
        }
    }

    // The gradient of each node so far (`None` before the first contribution), as `backward()`
    // keeps it in `grad`: the output's is 1, and from the output down each node hands its inputs
    // `local derivative × its gradient`, inputs in the order the op lists them.
    let mut acc: Vec<Option<Dx>> = vec![None; n];
    acc[n - 1] = Some(Dx::Const(1.0));
    let mut results: Vec<Option<Dx>> = vec![None; n];
    for i in (0..n).rev() {
        let Some(g) = acc[i].take() else { continue };
        if is_target[i] {
            results[i] = Some(g.clone());
        }
        let node = &circuit.order[i];
        let op = node.op();
        if op == Op::Leaf || !leads[i] {
            continue;
        }
        let (x, y, c) = operands(node);
        for (k, j) in inputs[i].into_iter().enumerate() {
            let Some(j) = j.filter(|&j| leads[j]) else {
                continue;
            };
            let local = op.local_circuit(k, &x, &y, c, node);
            let contribution = times(&local, &g);
            acc[j] = Some(match acc[j].take() {
                None => contribution,
                Some(sum) => plus(sum, contribution),
            });
        }
    }

    let f = output.label();
    targets
        .iter()
        .zip(wrt)
        .map(|(&at, w)| {
            // `backward()` starts every grad at 0 and adds: `0 + sum`, which also makes a sum that
            // came out as -0 the 0 that `backward()` leaves.
            let value = match at.and_then(|i| results[i].clone()) {
                None => Value::new(0.0),
                Some(Dx::Const(c)) => Value::new(0.0 + c),
                Some(Dx::Node(v)) => v + 0.0,
            };
            match (&f, w.label()) {
                (Some(f), Some(x)) => value.labeled(&derivative_label(f, &x)),
                _ => value,
            }
        })
        .collect()
}

/// The second derivatives of `output` with respect to the values of `wrt`: `h[i][j]` is
/// ∂²output/∂wrtᵢ∂wrtⱼ, from [`grad`] of [`grad`].
///
/// Row `i` is the gradient of the `i`-th first derivative; the matrix is made exactly symmetric by
/// taking each entry above the diagonal from its row and mirroring it below (the two mixed partials
/// are the same number mathematically, and may differ in their last bits as computed).
///
/// Cost: `wrt.len() + 1` reverse sweeps. The circuit of `output` is left as it was.
///
/// ```
/// use circuitgrad::{Value, hessian};
/// let (x, y) = (Value::new(1.0), Value::new(2.0));
/// let f = x.pow(2.0) * &y + y.pow(3.0); // f = x²y + y³
/// let h = hessian(&f, &[&x, &y]);
/// assert_eq!(h, [[4.0, 2.0], [2.0, 12.0]]); // [[2y, 2x], [2x, 6y]]
/// ```
pub fn hessian(output: &Value, wrt: &[&Value]) -> Vec<Vec<f64>> {
    let first = grad(output, wrt);
    let k = wrt.len();
    let mut h = vec![vec![0.0; k]; k];
    for (i, g) in first.iter().enumerate() {
        let row = grad(g, &wrt[i..]);
        for (j, v) in (i..k).zip(&row) {
            h[i][j] = v.data();
            h[j][i] = v.data();
        }
    }
    h
}

/// The label of ∂f/∂x: `∂f/∂x`, or for an `f` that is a derivative already, one order more
/// (`∂s/∂a` and `x` give `∂²s/∂a∂x`).
fn derivative_label(f: &str, x: &str) -> String {
    const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let Some((top, bottom)) = f.strip_prefix('∂').and_then(|rest| rest.split_once('/')) else {
        return format!("∂{f}/∂{x}");
    };
    let digits: String = top
        .chars()
        .take_while(|c| SUPERSCRIPTS.contains(c))
        .collect();
    let name = &top[digits.len()..];
    let order: usize = if digits.is_empty() {
        1
    } else {
        digits
            .chars()
            .filter_map(|c| SUPERSCRIPTS.iter().position(|&s| s == c))
            .fold(0, |n, d| 10 * n + d)
    };
    let superscript: String = (order + 1)
        .to_string()
        .chars()
        .filter_map(|d| d.to_digit(10).map(|d| SUPERSCRIPTS[d as usize]))
        .collect();
    format!("∂{superscript}{name}/{bottom}∂{x}")
}

/// A node's operands as the table's `local_circuit` takes them: the first input, the second (or the
/// first again), and the scalar operand (NaN where there is none).
fn operands(node: &Value) -> (Value, Value, f64) {
    let node = node.node();
    let [a, b] = node.inputs();
    let x = a.cloned().unwrap_or_else(|| Value::new(f64::NAN));
    let y = b.cloned().unwrap_or_else(|| x.clone());
    (x, y, node.scalar())
}

/// `local × upstream`, as `backward()` computes `local * grad`: a node only where a number will not
/// do (`1 × g` is `g` itself, bit for bit).
fn times(local: &Dx, upstream: &Dx) -> Dx {
    use Dx::{Const, Node};
    match (local, upstream) {
        (Const(l), Const(g)) => Const(l * g),
        (Const(c), Node(v)) | (Node(v), Const(c)) if *c == 1.0 => Node(v.clone()),
        (Const(c), Node(v)) | (Node(v), Const(c)) if *c == -1.0 => Node(-v),
        (Const(c), Node(v)) | (Node(v), Const(c)) => Node(v * *c),
        (Node(l), Node(g)) => Node(l * g),
    }
}

/// `sum + contribution`, in that order, as `backward()` adds to a grad.
fn plus(sum: Dx, contribution: Dx) -> Dx {
    use Dx::{Const, Node};
    match (sum, contribution) {
        (Const(a), Const(b)) => Const(a + b),
        (Const(c), Node(v)) | (Node(v), Const(c)) => Node(v + c),
        (Node(a), Node(b)) => Node(a + b),
    }
}

#[cfg(test)]
mod tests {
    use super::derivative_label;

    #[test]
    fn labels_count_the_order() {
        assert_eq!(derivative_label("f", "x"), "∂f/∂x");
        assert_eq!(derivative_label("∂f/∂x", "y"), "∂²f/∂x∂y");
        assert_eq!(derivative_label("∂²f/∂x∂y", "y"), "∂³f/∂x∂y∂y");
        assert_eq!(derivative_label("∂⁹f/∂x", "x"), "∂¹⁰f/∂x∂x");
        assert_eq!(derivative_label("∂¹⁰f/∂x", "x"), "∂¹¹f/∂x∂x");
        assert_eq!(derivative_label("∂oops", "x"), "∂∂oops/∂x"); // not a derivative's label
    }
}
