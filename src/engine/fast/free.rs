//! Freeing a circuit: without recursion, and from the highest address down.
//!
//! When the last handle to a node goes, its inputs may go with it, and theirs: the default `Drop`
//! would do that by recursion, one stack frame per level, and a million-node chain would overflow
//! the stack. [`free`] does it with a loop over a queue of nodes waiting to be freed.
//!
//! The queue gives back the highest address first. A circuit is made inputs first, in a run of
//! allocations from the free list that ascend (see [`super::pool`]), so a free goes from its last
//! node to its first, and the free list, last in first out, hands the next circuit the same
//! allocations in the same ascending order. Walking a circuit then walks memory mostly in one
//! direction, which the processor's prefetcher follows. (Freeing in the order the graph gives, a
//! depth-first walk, does that only for trees: a node with several consumers is freed with the
//! last of them, and after some training steps of an MLP the allocations of one step's circuit
//! are scattered, and every pass over it is slower; BENCHMARKS.md has the figures.)

use std::collections::BinaryHeap;

use super::pool;
use crate::engine::node::NodeRc;
use crate::engine::value::Value;

/// Frees a node whose last handle `cell` is, and every input it owned alone, in a loop.
///
/// Not inlined into `Value::drop`, so that dropping one of several handles, the common case, is a
/// decrement and a compare rather than a call with the whole loop's prologue.
#[inline(never)]
pub(crate) fn free(mut cell: NodeRc) {
    let Some(node) = std::rc::Rc::get_mut(&mut cell) else {
        return; // shared after all: `cell` only loses this handle
    };
    let node = node.get_mut();
    // A leaf with no label is already what the free list keeps (no inputs, no side slot): the most common
    // free of all in small circuits is a check and a push.
    if node.is_bare_leaf() {
        pool::recycle(cell);
        return;
    }
    free_node(cell);
}

/// `free` for a node with inputs or a side slot: the node, the inputs it owned alone, and theirs, from
/// the highest address down.
#[inline(never)]
fn free_node(cell: NodeRc) {
    let mut waiting = Waiting::default();
    waiting.push(Some(cell));
    // How many nodes went to the free list, the address of the last one, and whether one had a
    // higher address than the one before it.
    let (mut kept, mut last, mut went_up) = (0, usize::MAX, false);
    while let Some(mut cell) = waiting.pop() {
        let Some(node) = std::rc::Rc::get_mut(&mut cell) else {
            continue; // shared after all: `cell` only loses this handle
        };
        let node = node.get_mut();
        let [lhs, rhs] = node.detach();
        waiting.push(owned(rhs));
        waiting.push(owned(lhs));
        let at = std::rc::Rc::as_ptr(&cell).addr();
        if pool::recycle(cell) {
            kept += 1;
            went_up |= at > last;
            last = at;
        }
    }
    if went_up {
        pool::sort_last(kept);
    }
    // Everything was popped, so the slots are empty, and the heap holds memory only if a third node
    // ever waited. Without that, dropping the empty queue is a call that checks all three for
    // nothing; forgetting it leaks nothing.
    if waiting.heap.capacity() == 0 {
        debug_assert!(waiting.is_empty());
        std::mem::forget(waiting);
    }
}

/// The nodes waiting to be freed, given back highest address first.
///
/// Up to two nodes sit in slots in front of a heap by address: a push that finds both slots taken
/// sends the lowest of the three to the heap, and a pop takes the first slot's node or the heap's
/// top, whichever is higher. Freeing a chain (a sum's earlier sum and its new term, both just below
/// it) then never touches the heap, while nodes that must wait long (an MLP's scores, below the
/// loss's own nodes) wait there. With the heap alone, every link of a chain would go in and out of
/// the heap.
#[derive(Default)]
struct Waiting {
    /// The highest and the second highest of the slots' nodes; `second` only if `first`.
    first: Option<ByAddress>,
    second: Option<ByAddress>,
    /// Everything else, allocated only once a third node waits.
    heap: BinaryHeap<ByAddress>,
}

impl Waiting {
    #[inline(always)]
    fn push(&mut self, cell: Option<NodeRc>) {
        let Some(cell) = cell else { return };
        let new = ByAddress(cell);
        let Some(first) = self.first.take() else {
            self.first = Some(new);
            return;
        };
        let (high, low) = if new > first {
            (new, first)
        } else {
            (first, new)
        };
        self.first = Some(high);
        match self.second.take() {
            None => self.second = Some(low),
            Some(second) => {
                let (high, low) = if low > second {
                    (low, second)
                } else {
                    (second, low)
                };
                self.second = Some(high);
                self.heap.push(low);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.first.is_none() && self.second.is_none() && self.heap.is_empty()
    }

    /// The highest-placed node waiting: the first slot's, or the heap's top if that is higher.
    #[inline(always)]
    fn pop(&mut self) -> Option<NodeRc> {
        let heap_first = match (&self.first, self.heap.peek()) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(first), Some(top)) => top > first,
        };
        let next = if heap_first {
            self.heap.pop()
        } else {
            let first = self.first.take();
            self.first = self.second.take();
            first
        };
        next.map(|ByAddress(cell)| cell)
    }
}

/// A node waiting to be freed, ordered by address.
struct ByAddress(NodeRc);

impl ByAddress {
    fn addr(&self) -> usize {
        std::rc::Rc::as_ptr(&self.0).addr()
    }
}

impl PartialEq for ByAddress {
    fn eq(&self, other: &Self) -> bool {
        self.addr() == other.addr()
    }
}

impl Eq for ByAddress {}

impl PartialOrd for ByAddress {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByAddress {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.addr().cmp(&other.addr())
    }
}

/// `free`'s handle to an input of a freed node, if it is the last one (the input is to be freed
/// too); otherwise the handle is given up here.
#[inline(always)]
fn owned(input: Option<Value>) -> Option<NodeRc> {
    let input = Value::into_cell(input?);
    // Otherwise dropping `input` only decrements the count.
    (std::rc::Rc::strong_count(&input) == 1).then_some(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// Whatever the order of pushes and pops, `Waiting` gives back the highest address it holds,
    /// as a sorted list would (the two slots in front of its heap must not change that).
    #[test]
    fn waiting_nodes_come_back_highest_address_first() {
        let mut cells: Vec<NodeRc> = (0..40)
            .map(|i| Value::into_cell(Value::new(f64::from(i))))
            .collect();
        // Pushed in a scrambled order (by 17 i mod 40), not the order of their addresses.
        cells.sort_by_key(|cell| (cell.borrow().data as usize * 17) % 40);
        let mut waiting = Waiting::default();
        let mut reference: Vec<usize> = Vec::new(); // the addresses held, kept sorted
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut cells = cells.into_iter();
        let (mut popped, mut returned) = (0, 0);
        loop {
            // xorshift: a fixed mix of pushes (two in three) and pops
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let push = state % 3 != 0;
            match if push { cells.next() } else { None } {
                Some(cell) => {
                    let at = Rc::as_ptr(&cell).addr();
                    let place = reference.partition_point(|&a| a < at);
                    reference.insert(place, at);
                    waiting.push(Some(cell));
                }
                None => {
                    let got = waiting.pop().map(|cell| Rc::as_ptr(&cell).addr());
                    assert_eq!(got, reference.pop(), "after {popped} pops");
                    popped += 1;
                    returned += usize::from(got.is_some());
                    if got.is_none() && cells.len() == 0 {
                        break;
                    }
                }
            }
        }
        assert_eq!(returned, 40, "every node pushed came back");
    }

    #[test]
    fn building_and_dropping_big_graphs_in_a_loop_leaves_no_handle_behind() {
        // No cycles: each round's nodes hold handles to the leaves, and once the output is dropped
        // the leaves are held by these two handles alone again.
        let steps = if cfg!(miri) { 25 } else { 250_000 }; // Miri runs ~1000x slower
        let x = Value::new(0.5);
        let y = Value::new(2.0);
        for _ in 0..4 {
            let mut v = x.clone();
            for _ in 0..steps {
                v = (&v * &y).tanh() + &x;
            }
            v.backward();
            assert!(Rc::strong_count(&x.0) > steps);
            drop(v);
            assert_eq!(Rc::strong_count(&x.0), 1);
            assert_eq!(Rc::strong_count(&y.0), 1);
        }
    }
}
