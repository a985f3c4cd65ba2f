//! The backward pass, as micrograd does it: put the circuit below the output in topological order,
//! set the output's gradient to 1, and run every node's backward closure from the output down.
//! Each closure is the chain rule for one node: `input.grad += local derivative × node.grad`.
//!
//! The order comes from the one walk of the crate ([`fast::walk`](crate::engine::fast::walk)),
//! which uses a stack of its own instead of recursion.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use crate::Value;
use crate::engine::fast::walk::{self, Visit};
use crate::engine::node::Node;
use crate::engine::table::Op;

/// The chain rule, once per shape of node: `input.grad += local derivative × out.grad`. The op
/// table builds every backward closure from these.
impl Node {
    /// For a one-input op with local derivative `dx(x, out)`.
    #[inline]
    pub(crate) fn chain_one(&self, dx: fn(f64, f64) -> f64) {
        if let Some(x) = self.lhs() {
            x.add_grad(dx(x.data(), self.data) * self.grad);
        }
    }

    /// For a one-input op with a scalar operand `c` and local derivative `dx(x, c)`.
    #[inline]
    pub(crate) fn chain_scalar(&self, dx: fn(f64, f64) -> f64) {
        if let Some(x) = self.lhs() {
            x.add_grad(dx(x.data(), self.scalar()) * self.grad);
        }
    }

    /// For a two-input op with partial derivatives `da(a, b)` and `db(a, b)`. Both are computed
    /// before either input is touched, so `a * a` reads `a` twice and then adds twice.
    #[inline]
    pub(crate) fn chain_two(&self, da: fn(f64, f64) -> f64, db: fn(f64, f64) -> f64) {
        if let [Some(a), Some(b)] = self.inputs() {
            let (x, y) = (a.data(), b.data());
            a.add_grad(da(x, y) * self.grad);
            b.add_grad(db(x, y) * self.grad);
        }
    }
}

impl Node {
    /// For a custom op: its local derivatives from the rules in its node.
    pub(crate) fn chain_custom(&self) {
        let Some(custom) = self.custom() else { return };
        let [a, b] = self.inputs();
        let Some(a) = a else { return };
        let y = b.map_or(f64::NAN, Value::data);
        let local = custom.local(a.data(), y);
        a.add_grad(local[0] * self.grad);
        if let Some(b) = b {
            b.add_grad(local[1] * self.grad);
        }
    }
}

impl Value {
    /// Backpropagates from this value: sets its gradient to 1 and fills in the gradient of every node
    /// below it, each the derivative of this value with respect to that node.
    ///
    /// It first sets every gradient below this value to 0, so calling it twice gives the same
    /// gradients, and a leaf shared by two circuits holds what the last `backward()` gave it. Within
    /// one circuit a node used several times collects the sum of its paths: for `a * a`, `2a`.
    ///
    /// No recursion: a chain of a million nodes backpropagates in a thread with a 2 MiB stack.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let a = Value::new(3.0);
    /// let b = &a * &a;
    /// let c = &b + &b; // c = 2a², dc/da = 4a = 12
    /// c.backward();
    /// c.backward(); // idempotent
    /// assert_eq!(a.grad(), 12.0);
    /// ```
    pub fn backward(&self) {
        walk::with_order(self, Visit::ZeroingGrads, |order| {
            self.0.borrow_mut().grad = 1.0;
            for node in order.nodes().rev() {
                let mut node = node.borrow_mut();
                node.visited = false;
                if node.op() != Op::Leaf {
                    (node.backward)(&node);
                }
            }
        });
    }

    /// Sets the gradient of this value and of every node below it to 0.
    ///
    /// [`backward`](Value::backward) already does this first; use it to clear gradients you do not
    /// mean to recompute, say before reading them in a training loop's bookkeeping.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// let y = &x * 3.0;
    /// y.backward();
    /// y.zero_grad();
    /// assert_eq!((x.grad(), y.grad()), (0.0, 0.0));
    /// ```
    pub fn zero_grad(&self) {
        walk::with_order(self, Visit::ZeroingGrads, |order| order.unmark());
    }
}

/// Every node below `root`, inputs first and `root` last, each once: the order `backward()` runs
/// the closures in, reversed, with the leaves in their places.
pub(crate) fn topological_order(root: &Value) -> Vec<Value> {
    walk::with_order(root, Visit::All, |order| {
        order.unmark();
        order.handles().collect()
    })
}

/// A circuit in topological order, with each node's position findable by handle: what traces,
/// pictures, the tape, `grad` and the REPL all number their rows by.
pub(crate) struct Numbered {
    /// Every node, inputs first.
    pub(crate) order: Vec<Value>,
    /// Each node's position in `order`, by address (valid while `order` holds the nodes).
    pub(crate) index: FxHashMap<*const RefCell<Node>, usize>,
}

impl Numbered {
    /// The circuit below `root`, numbered.
    pub(crate) fn below(root: &Value) -> Numbered {
        Numbered::new(topological_order(root))
    }

    /// Numbers a topological order (as [`topological_order`] gives it).
    pub(crate) fn new(order: Vec<Value>) -> Numbered {
        // Fx hashing: keys are addresses, and SipHash's resistance to chosen keys buys nothing here.
        let index = order
            .iter()
            .enumerate()
            .map(|(i, v)| (std::rc::Rc::as_ptr(&v.0), i))
            .collect();
        Numbered { order, index }
    }

    /// Where `node` is in the order, if it is there.
    pub(crate) fn position(&self, node: &Value) -> Option<usize> {
        self.index.get(&std::rc::Rc::as_ptr(&node.0)).copied()
    }

    /// The positions of the inputs of the node at `i`, in the order its op lists them.
    pub(crate) fn input_positions(&self, i: usize) -> Vec<usize> {
        self.inputs_of(i).into_iter().flatten().collect()
    }

    /// The positions of the node at `i`'s first and second input, where it has them.
    pub(crate) fn inputs_of(&self, i: usize) -> [Option<usize>; 2] {
        let node = self.order[i].node();
        node.inputs().map(|v| v.and_then(|v| self.position(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_walk_clears_its_marks() {
        let x = Value::new(1.0);
        let y = (&x + &x) * &x;
        y.backward();
        y.zero_grad();
        let order = topological_order(&y);
        assert_eq!(order.len(), 3);
        assert!(order.iter().all(|v| !v.node().visited));
    }

    #[test]
    fn the_order_lists_inputs_first_and_each_node_once() {
        let a = Value::new(1.0);
        let b = &a * 2.0;
        let c = &b * 3.0 + &b * 4.0;
        let order = topological_order(&c);
        assert_eq!(order.len(), 5); // a, b, b*3, b*4, c
        assert!(order[0].same_node(&a) && order[1].same_node(&b) && order[4].same_node(&c));
    }

    #[test]
    fn a_walk_that_panics_leaves_no_marks_behind() {
        // The public API gives no way to hold a node's borrow during a walk; here the test does,
        // so that the walk panics half-way, with some nodes marked.
        let x = Value::new(2.0);
        let y = &x * 3.0;
        let z = &y + &x;
        let held = y.0.borrow_mut();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| z.backward()));
        assert!(caught.is_err());
        drop(held);
        assert!(topological_order(&z).iter().all(|v| !v.node().visited));
        z.backward(); // dz/dx = 3 + 1
        assert_eq!(x.grad(), 4.0);
    }

    #[test]
    fn the_order_holds_handles_that_outlive_the_root() {
        let x = Value::new(2.0);
        let order = topological_order(&(x.tanh() * 2.0));
        // The root is gone; the handles keep every node alive.
        assert_eq!(order.len(), 3);
        assert_eq!(order[2].data(), 2.0 * 2f64.tanh());
        assert!(order[0].same_node(&x));
    }
}
