//! The backward pass: order the circuit below a value, then run every node's backward closure from
//! the output down.
//!
//! The order is a depth-first post-order (every node after all of its inputs) built with an explicit
//! stack, so a million-deep chain needs no more call stack than a leaf. A node is visited once
//! however many paths lead to it (a `visited` mark in the node, set when it is first reached and
//! cleared again by the same walk), so 80 levels of `v = &v + &v` take 80 steps, not 2^80. The stack
//! and the order are kept per thread and reused, so a small backward pass allocates nothing.
//!
//! The walk holds plain pointers to the nodes rather than `Rc` handles, which saves two reference
//! count updates per node. That is sound because of one invariant: every node below `root` is owned,
//! through its consumers' input handles, by `root`, which the caller borrows for the whole walk, and
//! nothing in a walk drops a handle or changes a node's inputs (backward closures only add to
//! grads). So every pointer stays valid until the walk returns.
//!
//! What the `unsafe` buys: about 5 ns a node in an isolated `backward()`, 5–10 % of benchmark W1
//! (measured from outside with a clone-per-node walk in its place; within noise on W2 and on
//! `compile`). The pointers come from `Rc::as_ptr`, so they may touch the whole allocation, and
//! `cargo +nightly miri test` (Stacked Borrows) accepts every walk the tests make. A walk that
//! unwinds still clears its marks (see `Walk`), and `topological_order`, which needs handles anyway,
//! is safe code.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::Value;
use crate::ops::Op;
use crate::value::Node;

type NodePtr = *const RefCell<Node>;

/// Buffers above this many entries are freed after use rather than kept for the next walk.
const KEEP_BUFFER: usize = 1 << 16;

/// An entry of the walk's stack: a node to reach (tag bit clear), or a node whose inputs are all
/// done and that goes into the order when it comes off the stack (tag bit set). Nodes are at least
/// 8-byte aligned, so the low bit of their address is free.
#[derive(Clone, Copy)]
struct Entry(NodePtr);

impl Entry {
    fn reach(ptr: NodePtr) -> Entry {
        Entry(ptr)
    }

    fn done(ptr: NodePtr) -> Entry {
        Entry(ptr.map_addr(|a| a | 1))
    }

    /// The node, and whether its inputs are done.
    fn get(self) -> (NodePtr, bool) {
        (self.0.map_addr(|a| a & !1), self.0.addr() & 1 == 1)
    }
}

/// The walk's two buffers, kept per thread between walks (one thread-local, taken and put back).
#[derive(Default)]
struct Buffers {
    stack: Vec<Entry>,
    order: Vec<NodePtr>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = const {
        RefCell::new(Buffers { stack: Vec::new(), order: Vec::new() })
    };
}

/// One walk in progress: its buffers (this thread's, borrowed in place), and whether the marks it
/// set are still to be cleared.
///
/// Dropping it empties the buffers for the next walk. If the walk did not finish (something
/// panicked and the caller caught the panic), dropping it first clears every mark it set, so the
/// next walk over the same nodes is right whatever happened to this one.
struct Walk<'a> {
    buffers: &'a mut Buffers,
    finished: bool,
}

impl Drop for Walk<'_> {
    fn drop(&mut self) {
        let Buffers { stack, order } = &mut *self.buffers;
        if !self.finished {
            // Every marked node is in `order` or on `stack` (with others, unmarked, which this
            // leaves as they are). `try_borrow_mut`: this runs during an unwind, and a node whose
            // borrow caused the panic must not cause a second one.
            let marked = order.iter().copied().chain(stack.iter().map(|e| e.get().0));
            for ptr in marked {
                // SAFETY: the walk's pointers stay valid until `with_order` returns (module docs),
                // and this guard is dropped inside `with_order`.
                if let Ok(mut node) = unsafe { node(ptr) }.try_borrow_mut() {
                    node.visited = false;
                }
            }
        }
        order.clear();
        stack.clear();
        if order.capacity() > KEEP_BUFFER {
            *order = Vec::new();
        }
        if stack.capacity() > KEEP_BUFFER {
            *stack = Vec::new();
        }
    }
}

/// The node behind a pointer collected by `with_order`.
///
/// # Safety
/// `ptr` must come from `Rc::as_ptr` of a node below the walk's root, used before `with_order`
/// returns (see the module docs).
#[inline]
unsafe fn node<'a>(ptr: NodePtr) -> &'a RefCell<Node> {
    // SAFETY: the caller's promise; the node is kept alive by the root the walk borrows.
    unsafe { &*ptr }
}

/// Calls `f` with every node below `root` (`root` included) that is not a leaf, in topological
/// order: inputs first, `root` last, each once (`root` is there even if it is a leaf). The nodes
/// are still marked visited during `f`, which must clear every mark (`unmark_all`, or by hand).
/// With `zero`, each grad below `root`, the leaves' included, is also set to 0 on the way.
///
/// The order is the post-order of a depth-first search that takes a node's first input before its
/// second: what a recursive walk gives, and micrograd's. (Gradients that meet at a node are summed
/// in this order, so it decides the last bits of every result.) The search keeps its own stack: a
/// node reached puts a "done" entry for itself and its second input on it and goes on with its
/// first input; when the done entry comes off, after everything above it, the node goes into the
/// order.
///
/// If anything panics on the way (in the walk or in `f`) and the panic is caught, the marks are
/// cleared anyway (see [`Walk`]).
fn with_order<R>(root: &Value, zero: bool, f: impl FnOnce(&[NodePtr]) -> R) -> R {
    // This thread's buffers, borrowed where they are. They are busy only if a walk is already in
    // progress on this thread, which nothing in the crate does, and gone during thread teardown (a
    // `backward()` from another thread-local's destructor): then the walk gets fresh ones.
    let mut f = Some(f);
    let mut walk_with = |buffers: &mut Buffers| {
        let f = f.take()?;
        Some(walk(root, zero, buffers, f))
    };
    let done = BUFFERS
        .try_with(|b| b.try_borrow_mut().ok().and_then(|mut b| walk_with(&mut b)))
        .ok()
        .flatten();
    match done {
        Some(result) => result,
        None => match walk_with(&mut Buffers::default()) {
            Some(result) => result,
            None => unreachable!("`f` is taken only by a walk that returned"),
        },
    }
}

/// `with_order`, with the buffers to use.
fn walk<R>(root: &Value, zero: bool, buffers: &mut Buffers, f: impl FnOnce(&[NodePtr]) -> R) -> R {
    let mut walk = Walk {
        buffers,
        finished: false,
    };
    let Buffers { stack, order } = &mut *walk.buffers;
    // The node to reach next: a node's first input is reached right after it, so it goes here
    // instead of onto the stack and straight off again.
    let mut next = Some(Rc::as_ptr(&root.0));
    loop {
        let ptr = match next.take() {
            Some(ptr) => ptr,
            None => match stack.pop() {
                None => break,
                Some(entry) => match entry.get() {
                    (ptr, true) => {
                        order.push(ptr);
                        continue;
                    }
                    (ptr, false) => ptr,
                },
            },
        };
        // SAFETY: the root's pointer or an input's, from `Rc::as_ptr`, of a node reached in this
        // walk: owned by `root`, which is borrowed for the whole walk.
        let mut node = unsafe { node(ptr) }.borrow_mut();
        if node.visited {
            continue; // reached already, by another path, since it went on the stack
        }
        node.visited = true;
        if zero {
            node.grad = 0.0;
        }
        stack.push(Entry::done(ptr));
        // `b` goes on the stack, and `a` is reached next, so `a` is walked first; leaves and nodes
        // reached already do not go anywhere (see `enter`).
        let [a, b] = node.inputs();
        if let Some(b) = b.and_then(|b| enter(b, zero)) {
            stack.push(Entry::reach(b));
        }
        next = a.and_then(|a| enter(a, zero));
    }
    let result = f(order);
    walk.finished = true;
    result
}

/// An input to reach, or `None` for a leaf or a node reached already.
///
/// A leaf has no inputs and no backward closure: all a walk does with it is zero its grad, and
/// that can be done here, once for each consumer that reaches it, without marking it or putting it
/// in the order. (Zeroing twice is harmless: nothing is added to a grad until the walk is over.)
/// In W1, three of a round's five nodes are leaves. A node reached already (W4's ReLU outputs have
/// sixteen consumers) would be skipped when it came off the stack; it is skipped here instead.
#[inline]
fn enter(input: &Value, zero: bool) -> Option<NodePtr> {
    let mut node = input.0.borrow_mut();
    if node.op() == Op::Leaf {
        if zero {
            node.grad = 0.0;
        }
        return None;
    }
    (!node.visited).then(|| Rc::as_ptr(&input.0))
}

fn unmark_all(order: &[NodePtr]) {
    for &ptr in order {
        // SAFETY: called only as (or from) a `with_order` callback.
        unsafe { node(ptr) }.borrow_mut().visited = false;
    }
}

/// Every node below `root`, inputs first and `root` last, each once.
///
/// Safe code throughout: it holds handles, not pointers, and keeps its visited set outside the
/// nodes, so nothing is left behind if it is interrupted. (Its callers, traces, pictures and the
/// tape, are not on the hot path; `backward` is.)
pub(crate) fn topological_order(root: &Value) -> Vec<Value> {
    // Fx hashing: keys are addresses, and SipHash's resistance to chosen keys buys nothing here
    // (it was a fifth of `compile` on benchmark W5).
    let mut seen: FxHashSet<NodePtr> = FxHashSet::default();
    let mut order = Vec::new();
    // (node, inputs, how many of them are done)
    let mut stack: Vec<(Value, [Option<Value>; 2], usize)> = Vec::new();
    let frame = |v: &Value| {
        let inputs = {
            let node = v.0.borrow();
            let [a, b] = node.inputs();
            [a.cloned(), b.cloned()]
        };
        (v.clone(), inputs, 0)
    };
    seen.insert(Rc::as_ptr(&root.0));
    stack.push(frame(root));
    while let Some((_, inputs, next)) = stack.last_mut() {
        let mut child = None;
        while *next < 2 && child.is_none() {
            if let Some(input) = inputs[*next].take() {
                if seen.insert(Rc::as_ptr(&input.0)) {
                    child = Some(input);
                }
            }
            *next += 1;
        }
        match child {
            Some(child) => stack.push(frame(&child)),
            None => {
                if let Some((v, _, _)) = stack.pop() {
                    order.push(v);
                }
            }
        }
    }
    order
}

/// A circuit in topological order, with each node's position findable by handle: what traces,
/// pictures, the tape and the REPL all number their rows by.
pub(crate) struct Numbered {
    /// Every node, inputs first.
    pub(crate) order: Vec<Value>,
    /// Each node's position in `order`, by address (valid while `order` holds the nodes).
    pub(crate) index: FxHashMap<NodePtr, usize>,
}

impl Numbered {
    /// Numbers a topological order (as `topological_order` gives it).
    pub(crate) fn new(order: Vec<Value>) -> Numbered {
        let index = order
            .iter()
            .enumerate()
            .map(|(i, v)| (Rc::as_ptr(&v.0), i))
            .collect();
        Numbered { order, index }
    }

    /// Where `node` is in the order, if it is there.
    pub(crate) fn position(&self, node: &Value) -> Option<usize> {
        self.index.get(&Rc::as_ptr(&node.0)).copied()
    }

    /// The positions of the inputs of the node at `i`, in the order its op lists them.
    pub(crate) fn input_positions(&self, i: usize) -> Vec<usize> {
        let node = self.order[i].0.borrow();
        node.inputs()
            .into_iter()
            .flatten()
            .filter_map(|v| self.position(v))
            .collect()
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
        with_order(self, true, |order| {
            self.0.borrow_mut().grad = 1.0;
            for &ptr in order.iter().rev() {
                // SAFETY: a `with_order` callback.
                let mut node = unsafe { node(ptr) }.borrow_mut();
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
        assert!(topological_order(&z).iter().all(|v| !v.0.borrow().visited));
        z.backward(); // dz/dx = 3 + 1
        assert_eq!(x.grad(), 4.0);
    }

    #[test]
    fn small_walks_reuse_the_thread_buffers() {
        let x = Value::new(1.0);
        (&x * 2.0).backward();
        let capacity = BUFFERS.with(|b| b.borrow().order.capacity());
        assert!(capacity > 0, "the order buffer is kept for the next walk");
    }
}
