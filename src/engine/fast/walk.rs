//! The one walk over a circuit: every node below a root, in topological order, without recursion.
//!
//! `backward()` runs it on every call, and everything else that needs a circuit in order (traces,
//! pictures, the tape, the walkthrough, `grad`) runs the same walk, so they all number a circuit's
//! nodes the same way, and in the order `backward()` sums its gradients.
//!
//! The order is the post-order of a depth-first search that takes a node's first input before its
//! second: what a recursive walk gives, and micrograd's. It is built with an explicit stack, so a
//! million-deep chain needs no more call stack than a leaf. A node is visited once however many
//! paths lead to it (a `visited` mark in the node, set when it is first reached and cleared again
//! by the same walk), so 80 levels of `v = &v + &v` take 80 steps, not 2^80. The stack and the
//! order are kept per thread and reused, so a small walk allocates nothing.
//!
//! What is fast about it, and what each thing buys (BENCHMARKS.md has the figures):
//! - It holds plain pointers to the nodes rather than `Rc` handles, which saves two reference count
//!   updates per node. That is sound because of one invariant: every node below `root` is owned,
//!   through its consumers' input handles, by `root`, which the caller borrows for the whole walk,
//!   and nothing in a walk drops a handle or changes a node's inputs (backward closures only add to
//!   grads). So every pointer stays valid until the walk returns. The pointers come from
//!   `Rc::as_ptr`, so they may touch the whole allocation, and `cargo +nightly miri test` (Stacked
//!   Borrows) accepts every walk the tests make.
//! - For `backward()`, leaves never enter the order: all a walk does with a leaf is zero its grad,
//!   which is done where a consumer meets it. A node's first input is walked straight away instead
//!   of going onto the stack and off again, and an input reached already is skipped where it is met.
//! - A walk that unwinds (a panic in the callback, caught by the caller) still clears its marks
//!   (see [`Walk`]).

use std::cell::RefCell;
use std::rc::Rc;

use crate::engine::node::Node;
use crate::engine::table::Op;
use crate::engine::value::Value;

/// A node's address, as the walk holds it.
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

/// The walk's two buffers, kept per thread between walks.
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

/// The nodes of a walk in progress, in order, still marked visited.
///
/// Only `with_order` makes one, and only for the length of its callback, which cannot keep it (the
/// callback's result cannot borrow from it): every pointer in it is valid all that time (module
/// docs), so reading the nodes through it is safe. The callback must clear the marks:
/// [`Order::unmark`], or node by node as it goes (`backward()` does, in the loop it runs anyway).
pub(crate) struct Order<'a> {
    ptrs: &'a [NodePtr],
}

impl Order<'_> {
    /// The nodes, inputs first, the root last.
    #[inline(always)]
    pub(crate) fn nodes(&self) -> impl DoubleEndedIterator<Item = &RefCell<Node>> {
        self.ptrs.iter().map(|&ptr| {
            // SAFETY: a pointer of this order, from `Rc::as_ptr` of a node below the walk's root,
            // valid while the order exists (module docs); the reference borrows the order.
            unsafe { node(ptr) }
        })
    }

    /// A new handle to each node, inputs first, the root last.
    pub(crate) fn handles(&self) -> impl Iterator<Item = Value> {
        self.ptrs.iter().map(|&ptr| {
            // SAFETY: `ptr` came from `Rc::as_ptr` of a live `Rc` (this order's invariant), which
            // is what `Rc::into_raw` gives too; incrementing the count first makes the `Rc` that
            // `from_raw` rebuilds a new, owned handle.
            let cell = unsafe {
                Rc::increment_strong_count(ptr);
                Rc::from_raw(ptr)
            };
            Value::from_cell(cell)
        })
    }

    /// Clears every node's visited mark.
    pub(crate) fn unmark(&self) {
        for node in self.nodes() {
            node.borrow_mut().visited = false;
        }
    }

    /// How many nodes there are.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.ptrs.len()
    }
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

/// The node behind a pointer collected by a walk.
///
/// # Safety
/// `ptr` must come from `Rc::as_ptr` of a node below the walk's root, used before `with_order`
/// returns (see the module docs).
#[inline]
unsafe fn node<'a>(ptr: NodePtr) -> &'a RefCell<Node> {
    // SAFETY: the caller's promise; the node is kept alive by the root the walk borrows.
    unsafe { &*ptr }
}

/// What a walk collects and does on the way.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visit {
    /// Every node, leaves included; nothing changed.
    All,
    /// The nodes that are not leaves (and `root`, even if it is a leaf), each grad below `root`,
    /// the leaves' included, set to 0 on the way: what `backward()` needs.
    ZeroingGrads,
}

/// Calls `f` with every node below `root` (`root` included) in topological order: inputs first,
/// `root` last, each once, as `visit` says. The nodes are still marked visited during `f`, which
/// must clear every mark (see [`Order`]).
///
/// The search keeps its own stack: a node reached puts a "done" entry for itself and its second
/// input on it and goes on with its first input; when the done entry comes off, after everything
/// above it, the node goes into the order.
///
/// If anything panics on the way (in the walk or in `f`) and the panic is caught, the marks are
/// cleared anyway (see [`Walk`]).
pub(crate) fn with_order<R>(root: &Value, visit: Visit, f: impl FnOnce(Order<'_>) -> R) -> R {
    // This thread's buffers, borrowed where they are. They are busy only if a walk is already in
    // progress on this thread (a callback that walks another circuit: walks share the nodes'
    // marks, so walks over the same nodes must not nest), and gone during thread teardown (a walk
    // from another thread-local's destructor): then the walk gets fresh ones.
    let mut f = Some(f);
    let mut walk_with = |buffers: &mut Buffers| {
        let f = f.take()?;
        Some(walk(root, visit, buffers, f))
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
fn walk<R>(root: &Value, visit: Visit, buffers: &mut Buffers, f: impl FnOnce(Order<'_>) -> R) -> R {
    let mut walk = Walk {
        buffers,
        finished: false,
    };
    let zero = visit == Visit::ZeroingGrads;
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
        // `b` goes on the stack, and `a` is reached next, so `a` is walked first; nodes reached
        // already (and, when zeroing, leaves) go nowhere (see `enter`).
        let [a, b] = node.inputs();
        if let Some(b) = b.and_then(|b| enter(b, zero)) {
            stack.push(Entry::reach(b));
        }
        next = a.and_then(|a| enter(a, zero));
    }
    let result = f(Order { ptrs: order });
    walk.finished = true;
    result
}

/// An input to reach, or `None` for a node reached already or, when zeroing grads, a leaf.
///
/// When zeroing, all a walk does with a leaf is zero its grad, and that can be done here, once for
/// each consumer that reaches it, without marking it or putting it in the order. (Zeroing twice is
/// harmless: nothing is added to a grad until the walk is over.)
#[inline]
fn enter(input: &Value, zero: bool) -> Option<NodePtr> {
    let mut node = input.0.borrow_mut();
    if zero && node.op() == Op::Leaf {
        node.grad = 0.0;
        return None;
    }
    (!node.visited).then(|| Rc::as_ptr(&input.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_walks_reuse_the_thread_buffers() {
        let x = Value::new(1.0);
        (&x * 2.0).backward();
        let capacity = BUFFERS.with(|b| b.borrow().order.capacity());
        assert!(capacity > 0, "the order buffer is kept for the next walk");
    }

    #[test]
    fn a_walk_inside_a_walk_gets_buffers_of_its_own() {
        // Walks share the nodes' marks, so only walks over separate circuits can nest.
        let x = Value::new(1.0);
        let y = (&x * 2.0).tanh();
        let other = Value::new(3.0);
        let (outer, inner) = with_order(&y, Visit::All, |order| {
            let inner = with_order(&other, Visit::All, |inner| {
                inner.unmark();
                inner.len()
            });
            order.unmark();
            (order.len(), inner)
        });
        assert_eq!((outer, inner), (3, 1));
    }
}
