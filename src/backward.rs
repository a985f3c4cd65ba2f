//! The backward pass: order the circuit below a value, then run every node's backward closure from
//! the output down.
//!
//! The order is a depth-first post-order (every node after all of its inputs) built with an explicit
//! stack, so a million-deep chain needs no more call stack than a leaf. A node is visited once
//! however many paths lead to it (a `visited` mark in the node, cleared again by the same walk), so
//! 80 levels of `v = &v + &v` take 80 steps, not 2^80. The stack and the order are kept per thread
//! and reused, so a small backward pass allocates nothing.

use std::cell::Cell;

use crate::Value;

/// Buffers above this many entries are freed after use rather than kept for the next walk.
const KEEP_BUFFER: usize = 1 << 16;

thread_local! {
    static STACK: Cell<Vec<(Value, bool)>> = const { Cell::new(Vec::new()) };
    static ORDER: Cell<Vec<Value>> = const { Cell::new(Vec::new()) };
}

/// Calls `f` with every node below `root` (`root` included) in topological order: inputs first,
/// `root` last. Nodes are still marked visited during `f`; `f` must clear every mark (through
/// `unmark_all` or by hand). `zero` also sets each grad to 0 on the way.
fn with_order<R>(root: &Value, zero: bool, f: impl FnOnce(&[Value]) -> R) -> R {
    let mut stack = STACK.take();
    let mut order = ORDER.take();
    stack.push((root.clone(), false));
    while let Some((value, inputs_done)) = stack.pop() {
        if inputs_done {
            order.push(value);
            continue;
        }
        let mut node = value.0.borrow_mut();
        if node.visited {
            continue;
        }
        node.visited = true;
        if zero {
            node.grad = 0.0;
        }
        let inputs = node
            .inputs()
            .map(|input| input.filter(|i| !i.0.borrow().visited).cloned());
        drop(node);
        stack.push((value, true));
        // Reversed, so the first input is walked (and listed) first.
        stack.extend(
            inputs
                .into_iter()
                .rev()
                .flatten()
                .map(|input| (input, false)),
        );
    }
    let result = f(&order);
    order.clear();
    stack.clear();
    if order.capacity() > KEEP_BUFFER {
        order = Vec::new();
    }
    if stack.capacity() > KEEP_BUFFER {
        stack = Vec::new();
    }
    ORDER.set(order);
    STACK.set(stack);
    result
}

fn unmark_all(order: &[Value]) {
    for value in order {
        value.0.borrow_mut().visited = false;
    }
}

/// Every node below `root`, inputs first and `root` last, each once.
pub(crate) fn topological_order(root: &Value) -> Vec<Value> {
    with_order(root, false, |order| {
        unmark_all(order);
        order.to_vec()
    })
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
        with_order(self, true, |order| {
            self.0.borrow_mut().grad = 1.0;
            for value in order.iter().rev() {
                let mut node = value.0.borrow_mut();
                node.visited = false;
                let backward = node.backward;
                backward(&node);
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
        with_order(self, true, unmark_all);
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
        assert!(order.iter().all(|v| !v.0.borrow().visited));
    }

    #[test]
    fn small_walks_reuse_the_thread_buffers() {
        let x = Value::new(1.0);
        (&x * 2.0).backward();
        let capacity = ORDER.take().capacity();
        assert!(capacity > 0, "the order buffer is kept for the next walk");
    }
}
