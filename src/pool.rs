//! Recycled nodes: a per-thread free list of node allocations.
//!
//! Every op makes a node, and a training loop makes and drops tens of thousands of them a step.
//! Handing each one back to the system allocator and asking for it again costs more than all the
//! arithmetic (8–37 ns a node with glibc, measured in BENCHMARKS.md). So when the last handle to a
//! node goes away, its allocation (an `Rc<RefCell<Node>>` with no other handle) is kept on this
//! thread's free list, and the next node made on this thread is written into it in place.
//!
//! - Only allocations that nothing else points at are kept: an `Rc` whose strong count is 1 (the
//!   crate never makes a `Weak`), after its node's inputs were taken out. No handle in use is
//!   ever touched.
//! - The list is bounded: past [`CAPACITY`] nodes (about 10 MiB), freed nodes go back to the
//!   allocator, so memory stays flat however large the graphs. [`clear`] returns the whole list now;
//!   the list is returned when its thread ends.
//! - During thread teardown, once the list itself is gone, nodes are simply allocated and freed.
//!
//! This is all safe code: `Rc::get_mut` proves that a kept node has no other handle.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use crate::value::Node;

/// How many freed nodes a thread keeps for reuse, at most: 131,072, about 10 MiB of 80-byte
/// allocations (enough for a whole training step of micrograd's moons MLP, 65,412 nodes, twice).
pub const CAPACITY: usize = 1 << 17;

pub(crate) type Cell = Rc<RefCell<Node>>;

thread_local! {
    static FREE: RefCell<Vec<Cell>> = const { RefCell::new(Vec::new()) };
}

fn with_list<R>(f: impl FnOnce(RefMut<'_, Vec<Cell>>) -> R) -> Option<R> {
    FREE.try_with(|list| list.try_borrow_mut().ok().map(f))
        .ok()
        .flatten()
}

/// A node in an allocation from the free list, or in a new one.
#[inline]
pub(crate) fn alloc(node: Node) -> Cell {
    match with_list(|mut list| list.pop()).flatten() {
        Some(mut cell) => {
            match Rc::get_mut(&mut cell) {
                // The old node was detached (no inputs, no label): forgetting it leaks nothing.
                Some(slot) => std::mem::forget(std::mem::replace(slot.get_mut(), node)),
                None => unreachable!("a node on the free list has no other handle"),
            }
            cell
        }
        None => Rc::new(RefCell::new(node)),
    }
}

/// Keeps a detached node's allocation for reuse, or frees it if the list is full.
#[inline]
pub(crate) fn recycle(cell: Cell) {
    debug_assert_eq!(Rc::strong_count(&cell), 1);
    let rejected = with_list(|mut list| {
        if list.len() < CAPACITY {
            list.push(cell);
            None
        } else {
            Some(cell)
        }
    });
    // `None` from `with_list`: the list is gone (thread teardown); `cell` was dropped with the
    // closure. `Some(Some(cell))`: the list is full; it is dropped here.
    drop(rejected);
}

/// How many freed nodes this thread keeps for reuse right now.
///
/// ```
/// use circuitgrad::{Value, pool};
/// pool::clear();
/// drop(Value::new(1.0) * 2.0); // two nodes freed
/// assert_eq!(pool::cached(), 2);
/// let _x = Value::new(3.0);    // one taken back
/// assert_eq!(pool::cached(), 1);
/// ```
pub fn cached() -> usize {
    with_list(|list| list.len()).unwrap_or(0)
}

/// Returns every node this thread keeps for reuse to the allocator.
///
/// ```
/// use circuitgrad::{Value, pool};
/// drop(Value::new(1.0).tanh());
/// pool::clear();
/// assert_eq!(pool::cached(), 0);
/// ```
pub fn clear() {
    let list = with_list(|mut list| std::mem::take(&mut *list));
    drop(list);
}
