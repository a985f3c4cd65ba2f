//! Recycled nodes: a per-thread free list of node allocations.
//!
//! Every op makes a node, and a training loop makes and drops tens of thousands of them a step.
//! Handing each one back to the system allocator and asking for it again costs more than all the
//! arithmetic (BENCHMARKS.md measures both). So when the last handle to a node goes away, its
//! allocation (an `Rc<RefCell<Node>>` with no other handle) is kept on this thread's free list, and
//! the next node made on this thread is written into it in place, field by field (building the
//! node on the stack and moving it in stalls on store forwarding).
//!
//! - Only allocations that nothing else points at are kept: an `Rc` whose strong count is 1 (the
//!   crate never makes a `Weak`), after its node's inputs were taken out. No handle in use is
//!   ever touched.
//! - The list is threaded through the freed nodes themselves: a kept node's first-input field holds
//!   the next kept node. Keeping or taking a node touches only that node, which was just written
//!   or is about to be, so the list costs no memory and no cache line of its own.
//! - It is last in, first out, and a circuit is freed from its highest address down (see
//!   `free.rs`): so a circuit built again is written into the previous one's allocations in
//!   ascending order, the order its nodes are made in, and the walks over it (`backward`'s, the
//!   next free) go through memory mostly in one direction, which the processor's prefetcher
//!   follows. A free that had to
//!   go up (an input above a consumer, as the allocator may first place them) sorts what it kept
//!   (`sort_last`), so a scattered layout is put right once, not carried from step to step.
//! - The list is bounded: past [`CAPACITY`] nodes (about 10 MiB), freed nodes go back to the
//!   allocator, so memory stays flat however large the graphs. [`clear`] returns the whole list now;
//!   the list is returned when its thread ends.
//! - During thread teardown, once the list itself is gone, nodes are simply allocated and freed.
//!
//! This is all safe code: `Rc::get_mut` proves that a kept node has no other handle.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::engine::node::{Node, NodeRc, Rhs};
use crate::engine::table::Op;
use crate::engine::value::Value;

/// How many freed nodes a thread keeps for reuse, at most: 131,072, about 10 MiB of 80-byte
/// allocations (enough for a whole training step of micrograd's moons MLP, 65,412 nodes, twice).
pub const CAPACITY: usize = 1 << 17;

/// The kept nodes, linked through their first-input fields, and how many there are.
struct FreeList {
    head: Cell<Option<NodeRc>>,
    len: Cell<usize>,
}

impl Drop for FreeList {
    /// Frees the kept nodes one by one (dropping the head would free the chain by recursion).
    fn drop(&mut self) {
        take_all(self);
    }
}

thread_local! {
    static FREE: FreeList = const {
        FreeList { head: Cell::new(None), len: Cell::new(0) }
    };
}

/// Empties `list`, returning each node to the allocator.
fn take_all(list: &FreeList) {
    let mut next = list.head.take();
    list.len.set(0);
    while let Some(mut cell) = next {
        next = Rc::get_mut(&mut cell).and_then(|node| node.get_mut().unlink());
        drop(cell);
    }
}

/// A new node, written into the most recently kept allocation if there is one, else allocated.
#[inline(always)]
pub(crate) fn make(data: f64, op: Op, lhs: Option<Value>, rhs: Rhs) -> NodeRc {
    match take() {
        Some(mut cell) => {
            match Rc::get_mut(&mut cell) {
                Some(node) => node.get_mut().reuse(data, op, lhs, rhs),
                None => unreachable!("a node on the free list has no other handle"),
            }
            cell
        }
        None => Rc::new(RefCell::new(Node::new(data, op, lhs, rhs))),
    }
}

/// The most recently kept node's allocation, if there is one: its node is detached (a leaf with no
/// label) and unlinked, and nothing else points at it. The caller writes the new node into it.
#[inline(always)]
fn take() -> Option<NodeRc> {
    FREE.try_with(take_from).ok().flatten()
}

#[inline(always)]
fn take_from(list: &FreeList) -> Option<NodeRc> {
    let mut cell = list.head.take()?;
    let next = match Rc::get_mut(&mut cell) {
        Some(node) => node.get_mut().unlink(),
        None => unreachable!("a node on the free list has no other handle"),
    };
    list.head.set(next);
    list.len.set(list.len.get() - 1);
    Some(cell)
}

/// Keeps a detached node's allocation for reuse, or frees it if the list is full. Returns whether
/// it was kept.
#[inline]
pub(crate) fn recycle(cell: NodeRc) -> bool {
    let mut cell = Some(cell);
    let kept = FREE.try_with(|list| push(list, &mut cell)).unwrap_or(false);
    // Not kept (the list is full, or gone during thread teardown): it goes back to the allocator,
    // out of line, so that the hot path holds no drop of a node.
    if let Some(cell) = cell {
        release(cell);
    }
    kept
}

#[cold]
#[inline(never)]
fn release(cell: NodeRc) {
    drop(cell);
}

/// Moves the node out of `cell` onto the list if there is room; otherwise leaves it there.
#[inline(always)]
fn push(list: &FreeList, cell: &mut Option<NodeRc>) -> bool {
    let len = list.len.get();
    if len >= CAPACITY {
        return false;
    }
    let Some(node) = cell.as_mut().and_then(Rc::get_mut) else {
        return false; // never: a node being freed has no other handle
    };
    node.get_mut().link(list.head.take());
    // The head was taken just above: what `replace` hands back is `None`, and forgetting it spares
    // the check a drop would make.
    std::mem::forget(list.head.replace(cell.take()));
    list.len.set(len + 1);
    true
}

/// Puts the last `count` nodes kept back in address order, the lowest to be taken first.
///
/// `Value::drop` frees a circuit from its highest address down, so that the next circuit is
/// written into ascending allocations; a node's inputs must still go after it, and where the
/// allocator once gave an input a higher address than a consumer, that order would stay, step
/// after step. When a free had to go up in address, it calls this, and the next circuit starts
/// from sorted allocations; from then on frees go down and this is not needed.
#[cold]
pub(crate) fn sort_last(count: usize) {
    let _ = FREE.try_with(|list| {
        let mut cells = Vec::with_capacity(count.min(list.len.get()));
        while cells.len() < count {
            match take_from(list) {
                Some(cell) => cells.push(cell),
                None => break,
            }
        }
        cells.sort_unstable_by_key(|cell| std::cmp::Reverse(Rc::as_ptr(cell).addr()));
        for cell in cells {
            // The list has room: these nodes were on it a moment ago.
            let mut cell = Some(cell);
            push(list, &mut cell);
        }
    });
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
    FREE.try_with(|list| list.len.get()).unwrap_or(0)
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
    let _ = FREE.try_with(take_all);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    /// The allocation behind each node of `v`'s circuit, in the order the nodes were made.
    fn addresses(made: &[Value]) -> Vec<*const RefCell<Node>> {
        made.iter().map(|v| Rc::as_ptr(&v.0)).collect()
    }

    /// A sum of products, as a neuron builds it: every node, in the order it was made.
    fn neuron(xs: &[Value]) -> Vec<Value> {
        let mut made = Vec::new();
        let mut sum = Value::new(0.5);
        made.push(sum.clone());
        for (i, x) in xs.iter().enumerate() {
            let wx = x * (i as f64);
            sum = &sum + &wx;
            made.push(wx);
            made.push(sum.clone());
        }
        made.push(sum.tanh());
        made
    }

    fn ascending(addresses: &[*const RefCell<Node>]) -> bool {
        addresses.is_sorted()
    }

    #[test]
    fn a_circuit_built_again_gets_the_freed_allocations_in_ascending_order() {
        clear();
        let xs: Vec<Value> = (0..20).map(|i| Value::new(i as f64)).collect();
        // From the allocator, in whatever order it has them (after other tests on this thread, or
        // the `Vec` growing in `neuron` freeing blocks that later nodes land in).
        let mut before = addresses(&neuron(&xs));
        before.sort();
        assert_eq!(cached(), before.len());
        // A tree is freed from its last node to its first, so the next build takes the same
        // allocations in ascending order, and keeps them.
        for _ in 0..3 {
            let again = neuron(&xs);
            assert_eq!(cached(), 0);
            assert_eq!(addresses(&again), before);
        }
    }

    /// A small two-layer net over shared hidden nodes: every node, in the order it was made.
    fn layered(x: &Value) -> Vec<Value> {
        let mut made = Vec::new();
        let mut hidden = Vec::new();
        for i in 0..4 {
            let wx = x * i as f64;
            let h = wx.tanh();
            made.extend([wx, h.clone()]);
            hidden.push(h);
        }
        let mut out = Value::new(0.0);
        made.push(out.clone());
        for j in 0..3 {
            let mut sum = Value::new(j as f64);
            made.push(sum.clone());
            for h in &hidden {
                let wh = h * 2.0;
                sum = &sum + &wh;
                made.extend([wh, sum.clone()]);
            }
            let r = sum.relu();
            out = &out + &r;
            made.extend([r, out.clone()]);
        }
        made
    }

    #[test]
    fn shared_nodes_do_not_scatter_the_layout() {
        // Each hidden node has three consumers and is freed with the last of them, long after it
        // was made. Freeing by address still settles the circuit in ascending allocations, in
        // the order its nodes are made, and there it stays. (Freeing in graph order, depth first,
        // moved the hidden nodes' allocations among the others' at every build.) This thread's
        // allocator may hand the first build anything: other tests ran on it before.
        clear();
        let x = Value::new(0.5);
        // Leaves freed one by one in the order they were made: the list hands them back newest
        // first, so (from an allocator that gave them out ascending) the first build below gets
        // descending allocations, every input above its consumers.
        drop((0..64).map(|i| Value::new(i as f64)).collect::<Vec<_>>());
        let mut layouts = Vec::new();
        let mut spare = Vec::new();
        for _ in 0..8 {
            let made = layered(&x);
            spare.push(cached());
            layouts.push(addresses(&made));
        }
        // After the first build, every node came from the list, and went back to it.
        assert!(spare.iter().all(|&n| n == spare[0]), "{spare:?}");
        // However scattered the allocator's first addresses were (the free after the first build
        // sorts them if it had to go up), every later build is ascending, and in the same place.
        for layout in &layouts[1..] {
            assert!(ascending(layout), "{layout:?}");
            assert_eq!(layout, &layouts[1]);
        }
    }

    #[test]
    fn the_list_keeps_at_most_capacity_nodes_and_clear_returns_them() {
        clear();
        let n = if cfg!(miri) { 300 } else { CAPACITY + 1000 };
        let x = Value::new(1.0);
        let mut v = x.clone();
        for _ in 0..n {
            v = &v * 1.0;
        }
        drop(v);
        assert_eq!(cached(), n.min(CAPACITY));
        clear();
        assert_eq!(cached(), 0);
        // The list still works after a clear.
        drop(&x + 1.0);
        assert_eq!(cached(), 1);
    }

    #[test]
    fn a_threads_list_is_its_own_and_goes_with_it() {
        clear();
        drop(Value::new(1.0) * 2.0);
        let other = std::thread::spawn(|| {
            drop(Value::new(1.0).tanh().exp());
            cached()
        })
        .join()
        .expect("the thread ran");
        assert_eq!(other, 3);
        assert_eq!(cached(), 2);
    }
}
