//! `Value`, the handle to one node of a circuit, and `Node`, what it points at.
//!
//! A node is 48 bytes, so a node plus `Rc`'s two counts and `RefCell`'s borrow flag (72 bytes) fits
//! the allocator's 80-byte chunk: one allocation per node, nothing else on the heap. To get there the
//! second input shares one word between "another value" and "a scalar operand" (see [`Rhs`]), and a
//! label lives in a side table (see [`crate::label`]) so that unlabelled nodes pay four bytes for it.

use std::cell::RefCell;
use std::collections::BinaryHeap;
use std::fmt;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use crate::label::{self, LabelId};
use crate::number::Number;
use crate::ops::{Inputs, Op};
use crate::pool;

/// A scalar in a circuit: its data, its gradient, and how it was made.
///
/// Every arithmetic operator and method on `Value` (`+ - * /`, [`pow`](Value::pow),
/// [`sigmoid`](Value::sigmoid), …) makes a new node that remembers its inputs, so writing an
/// expression builds its circuit. [`backward`](Value::backward) then fills in the gradient of every
/// node below it.
///
/// `Value` is a cheap handle (`Rc<RefCell<Node>>`): `clone()` gives another handle to the *same* node,
/// so using a handle twice in an expression uses the node twice, and its gradient accumulates.
///
/// ```
/// use circuitgrad::Value;
///
/// let x = Value::new(-2.0);
/// let y = Value::new(5.0);
/// let z = Value::new(-4.0);
/// let f = (&x + &y) * &z;
/// f.backward();
/// assert_eq!(f.data(), -12.0);
/// assert_eq!((x.grad(), y.grad(), z.grad()), (-4.0, -4.0, 3.0));
/// ```
pub struct Value(pub(crate) ManuallyDrop<Rc<RefCell<Node>>>);

/// How a node passes its gradient to its inputs: reads `node.grad`, adds to the inputs' grads.
///
/// Ops attach a closure that captures nothing (so it is a plain function pointer, 8 bytes, and no
/// allocation); everything it needs is in the node: the inputs, the scalar operand, the output.
pub(crate) type BackwardFn = fn(&Node);

/// One node of a circuit. Only reachable through a [`Value`].
pub(crate) struct Node {
    pub(crate) data: f64,
    pub(crate) grad: f64,
    /// The first input, if any.
    lhs: Option<Value>,
    /// The second input or the scalar operand, as `op.inputs()` says.
    rhs: Rhs,
    /// The backward closure.
    pub(crate) backward: BackwardFn,
    /// The op tag, for printing and for the tape. Private to this file: it says which field of
    /// `rhs` is live, so only `Node::new` and `detach` may write it.
    op: Op,
    /// Set only while a graph walk is in progress; every walk clears what it set.
    pub(crate) visited: bool,
    label: LabelId,
}

/// The second input of a node, in one word: a value (binary ops), a scalar operand (`x * 0.5`,
/// `x.pow(3.0)`), or nothing (leaves and unary ops). The node's `op` says which field is live;
/// only `Node`'s methods below touch it, and they check `op` first.
///
/// What the `unsafe` buys: an enum would need its own tag, 16 bytes instead of 8 (a unit test
/// below measures both), making a node 56 bytes instead of 48 and its allocation 96 bytes instead
/// of 80; benchmark W2 then takes 192 bytes a step instead of 160, 2.8 times the floor's memory
/// instead of 2.34 (the target is 2.5). A safe layout that keeps 48 bytes would have to drop the
/// node's backward closure, which the crate's design keeps, or the op tag that the union reuses.
union Rhs {
    value: ManuallyDrop<Value>,
    scalar: f64,
}

impl Node {
    fn new(data: f64, op: Op, lhs: Option<Value>, rhs: Rhs, backward: BackwardFn) -> Node {
        Node {
            data,
            grad: 0.0,
            lhs,
            rhs,
            backward,
            op,
            visited: false,
            label: LabelId::NONE,
        }
    }

    /// Writes a new node over a detached, unlinked one from the free list, field by field.
    #[inline(always)]
    fn reuse(&mut self, data: f64, op: Op, lhs: Option<Value>, rhs: Rhs, backward: BackwardFn) {
        debug_assert!(self.lhs.is_none() && self.op == Op::Leaf && self.label == LabelId::NONE);
        self.data = data;
        self.grad = 0.0;
        // The old first input is `None` (detached and unlinked): forgetting it leaks nothing, and
        // spares the check a drop would make.
        std::mem::forget(std::mem::replace(&mut self.lhs, lhs));
        // A union field: the assignment drops nothing (the old value was a scalar).
        self.rhs = rhs;
        self.backward = backward;
        self.op = op;
        self.visited = false;
    }

    /// The op that made this node.
    #[inline]
    pub(crate) fn op(&self) -> Op {
        self.op
    }

    /// The first input (every op but a leaf has one).
    #[inline]
    pub(crate) fn lhs(&self) -> Option<&Value> {
        self.lhs.as_ref()
    }

    /// The second input, for binary ops.
    #[inline]
    pub(crate) fn rhs(&self) -> Option<&Value> {
        match self.op.inputs() {
            // SAFETY: `op` says `value` is the live field: it was written by `Value::binary`, and
            // `detach` changes `op` to `Leaf` when it moves the value out.
            Inputs::Two => Some(unsafe { &self.rhs.value }),
            _ => None,
        }
    }

    /// The scalar operand, for `Value ⊕ f64` ops; NaN for the others.
    #[inline]
    pub(crate) fn scalar(&self) -> f64 {
        match self.op.inputs() {
            // SAFETY: `op` says `scalar` is the live field (written by `Value::with_scalar`).
            Inputs::OneAndScalar => unsafe { self.rhs.scalar },
            _ => f64::NAN,
        }
    }

    /// Both inputs (`None` where there is none), in the order ops list them.
    #[inline]
    pub(crate) fn inputs(&self) -> [Option<&Value>; 2] {
        [self.lhs(), self.rhs()]
    }

    /// Links a detached node into the free list: its first-input field holds the next kept node.
    pub(crate) fn link(&mut self, next: Option<pool::Cell>) {
        debug_assert!(self.lhs.is_none() && self.op == Op::Leaf);
        self.lhs = next.map(|cell| Value(ManuallyDrop::new(cell)));
    }

    /// Takes the free list's link out of a kept node (see [`Node::link`]).
    pub(crate) fn unlink(&mut self) -> Option<pool::Cell> {
        self.lhs.take().map(into_cell)
    }

    /// Moves the inputs out and turns the node into a leaf (used by `Drop`).
    fn detach(&mut self) -> [Option<Value>; 2] {
        let rhs = match self.op.inputs() {
            // SAFETY: `value` is live (see `rhs`); `op` becomes `Leaf` below, so it is never read or
            // taken again, and `ManuallyDrop` keeps the union from dropping it a second time.
            Inputs::Two => Some(unsafe { ManuallyDrop::take(&mut self.rhs.value) }),
            _ => None,
        };
        self.op = Op::Leaf;
        self.rhs = Rhs { scalar: 0.0 };
        [self.lhs.take(), rhs]
    }
}

impl Drop for Node {
    /// Frees the label. The inputs are normally gone already (the last handle's `Drop` takes them
    /// out, see `Value::drop`); any still here are dropped as handles, and `Value::drop` frees them
    /// with its loop.
    fn drop(&mut self) {
        label::release(self.label);
        drop(self.detach());
    }
}

impl Drop for Value {
    /// Gives up this handle. If it was the node's last, the node's inputs are given up too, and
    /// theirs, with a loop instead of recursion (the default drop of a million-node chain would
    /// recurse a million times and overflow the stack), and each freed node's allocation goes to
    /// this thread's free list ([`crate::pool`]). Only nodes that are really being freed are
    /// walked; a shared input just loses one handle.
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `drop` runs once, and nothing reads `self.0` after it: the handle is taken here
        // and given up below. What it buys: the last handle's allocation can go to the node pool
        // instead of the allocator, about 17 % of W4 and 18 % of W1 (BENCHMARKS.md, "The node
        // pool"); safe code cannot move a field out of `&mut self`.
        let cell = unsafe { ManuallyDrop::take(&mut self.0) };
        if Rc::strong_count(&cell) > 1 {
            return; // another handle remains: dropping `cell` only decrements the count
        }
        free(cell);
    }
}

/// The handle inside a `Value`, without running `Value::drop`.
fn into_cell(value: Value) -> Rc<RefCell<Node>> {
    let mut value = ManuallyDrop::new(value);
    // SAFETY: `value` is never dropped (it is in a `ManuallyDrop`), so its field is taken once.
    unsafe { ManuallyDrop::take(&mut value.0) }
}

/// Frees a node whose last handle this is, and every input it owned alone, in a loop.
///
/// The nodes go from the highest address down. A circuit is made inputs first, in a run of
/// allocations from the free list that ascend (see [`crate::pool`]), so this frees it from its last
/// node to its first, and the free list, last in first out, hands the next circuit the same
/// allocations in the same ascending order. Walking a circuit then walks memory mostly in one
/// direction. (Freeing in the order the graph gives, a depth-first walk, does that only for trees:
/// a node with several consumers is freed with the last of them, and after a hundred training
/// steps of W4 the allocations of one step's circuit were scattered, which made every pass over it
/// twice as slow.) Nodes not yet freed wait by address ([`Waiting`]).
///
/// Not inlined into `Value::drop`, so that dropping one of several handles, the common case, is a
/// decrement and a compare rather than a call with the whole loop's prologue.
#[inline(never)]
fn free(mut cell: Rc<RefCell<Node>>) {
    let Some(node) = Rc::get_mut(&mut cell) else {
        return; // shared after all: `cell` only loses this handle
    };
    let node = node.get_mut();
    // An unlabelled leaf is already what the free list keeps (no inputs, no label): the most common
    // free of all (three of W1's five a round) is a check and a push.
    if node.op() == Op::Leaf && node.label == LabelId::NONE {
        pool::recycle(cell);
        return;
    }
    free_node(cell);
}

/// `free` for a node with inputs or a label: the node, the inputs it owned alone, and theirs, from
/// the highest address down.
#[inline(never)]
fn free_node(cell: Rc<RefCell<Node>>) {
    let mut waiting = Waiting::default();
    waiting.push(Some(cell));
    // How many nodes went to the free list, the address of the last one, and whether one had a
    // higher address than the one before it.
    let (mut kept, mut last, mut went_up) = (0, usize::MAX, false);
    while let Some(mut cell) = waiting.pop() {
        let Some(node) = Rc::get_mut(&mut cell) else {
            continue; // shared after all: `cell` only loses this handle
        };
        let node = node.get_mut();
        label::release(node.label);
        node.label = LabelId::NONE;
        let [lhs, rhs] = node.detach();
        waiting.push(owned(rhs));
        waiting.push(owned(lhs));
        let at = Rc::as_ptr(&cell).addr();
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
    // nothing (3 % of W1); forgetting it leaks nothing.
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
/// it) then never touches the heap, while nodes that must wait long (W4's 100 scores, below the
/// loss's own nodes) wait there. With the heap alone, every link of a chain went in and out of a
/// heap of about a hundred: a third of the time of a free.
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
    fn push(&mut self, cell: Option<Rc<RefCell<Node>>>) {
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
    fn pop(&mut self) -> Option<Rc<RefCell<Node>>> {
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
struct ByAddress(Rc<RefCell<Node>>);

impl ByAddress {
    fn addr(&self) -> usize {
        Rc::as_ptr(&self.0).addr()
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
fn owned(input: Option<Value>) -> Option<Rc<RefCell<Node>>> {
    let input = into_cell(input?);
    // Otherwise dropping `input` only decrements the count.
    (Rc::strong_count(&input) == 1).then_some(input)
}

impl Value {
    /// A leaf: an input of a circuit, with gradient 0.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(3.0);
    /// assert_eq!((x.data(), x.grad()), (3.0, 0.0));
    /// ```
    pub fn new(data: f64) -> Value {
        Value::make(data, Op::Leaf, None, Rhs { scalar: 0.0 }, |_| {})
    }

    /// A new node, in an allocation from this thread's free list ([`crate::pool`]) if it has one.
    ///
    /// The fields are written one by one into the kept allocation. (Building the node first and
    /// moving it in, the obvious way, went through the stack and stalled on store forwarding: 40 %
    /// of the time spent making a node in W1 and W4.)
    #[inline(always)]
    fn make(data: f64, op: Op, lhs: Option<Value>, rhs: Rhs, backward: BackwardFn) -> Value {
        let cell = match pool::take() {
            Some(mut cell) => {
                match Rc::get_mut(&mut cell) {
                    Some(node) => node.get_mut().reuse(data, op, lhs, rhs, backward),
                    None => unreachable!("a node on the free list has no other handle"),
                }
                cell
            }
            None => Rc::new(RefCell::new(Node::new(data, op, lhs, rhs, backward))),
        };
        Value(ManuallyDrop::new(cell))
    }

    /// A node with one input. `op.inputs()` must be `Inputs::One`: `Node::rhs` relies on it.
    /// (`op` is a constant at every call site, so these checks compile away.)
    ///
    /// These three are inlined into each op, so that making a node is one call (the op's) and not
    /// two: 2–3 % of the instructions of W1 and W4.
    #[inline(always)]
    pub(crate) fn unary(op: Op, x: &Value, data: f64, backward: BackwardFn) -> Value {
        assert_eq!(op.inputs(), Inputs::One, "{op:?} is not a one-input op");
        Value::make(data, op, Some(x.clone()), Rhs { scalar: 0.0 }, backward)
    }

    /// A node with two inputs. `op.inputs()` must be `Inputs::Two`: `Node::rhs` relies on it.
    #[inline(always)]
    pub(crate) fn binary(op: Op, a: &Value, b: &Value, data: f64, backward: BackwardFn) -> Value {
        assert_eq!(op.inputs(), Inputs::Two, "{op:?} is not a binary op");
        let rhs = Rhs {
            value: ManuallyDrop::new(b.clone()),
        };
        Value::make(data, op, Some(a.clone()), rhs, backward)
    }

    /// A node with one input and a scalar operand. `op.inputs()` must be `Inputs::OneAndScalar`.
    #[inline(always)]
    pub(crate) fn with_scalar(
        op: Op,
        x: &Value,
        scalar: f64,
        data: f64,
        backward: BackwardFn,
    ) -> Value {
        assert_eq!(op.inputs(), Inputs::OneAndScalar, "{op:?} takes no scalar");
        Value::make(data, op, Some(x.clone()), Rhs { scalar }, backward)
    }

    /// The value computed when this node was made (or last set with [`set_data`](Value::set_data)).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// assert_eq!((Value::new(2.0) * 3.0).data(), 6.0);
    /// ```
    #[inline]
    pub fn data(&self) -> f64 {
        self.0.borrow().data
    }

    /// The gradient left here by the last [`backward`](Value::backward) that reached this node
    /// (0 for a node no backward pass has reached yet).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(3.0);
    /// let y = &x * &x; // dy/dx = 2x
    /// y.backward();
    /// assert_eq!(x.grad(), 6.0);
    /// ```
    #[inline]
    pub fn grad(&self) -> f64 {
        self.0.borrow().grad
    }

    /// Overwrites this node's data, typically a parameter between training steps.
    ///
    /// Nodes already built from it keep the data they computed: a circuit is evaluated when it is
    /// written, so rebuild the expression (or replay a compiled tape) to see the change.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let w = Value::new(1.0);
    /// w.set_data(w.data() - 0.1 * 2.0);
    /// assert_eq!(w.data(), 0.8);
    /// ```
    pub fn set_data(&self, data: f64) {
        self.0.borrow_mut().data = data;
    }

    /// Overwrites this node's gradient (for optimisers that clip or scale it by hand).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let w = Value::new(1.0);
    /// w.set_grad(0.5);
    /// assert_eq!(w.grad(), 0.5);
    /// ```
    pub fn set_grad(&self, grad: f64) {
        self.0.borrow_mut().grad = grad;
    }

    /// Gives this node a name for traces and pictures, and returns the handle (builder style).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(-2.0).labeled("x");
    /// assert_eq!(x.label().as_deref(), Some("x"));
    /// ```
    pub fn labeled(self, label: &str) -> Value {
        self.set_label(label);
        self
    }

    /// Names (or renames) this node for traces and pictures.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let q = Value::new(-2.0) + 5.0;
    /// q.set_label("q");
    /// assert_eq!(q.label().as_deref(), Some("q"));
    /// ```
    pub fn set_label(&self, label: &str) {
        let mut node = self.0.borrow_mut();
        node.label = label::replace(node.label, label);
    }

    /// This node's name, if it has one.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// assert_eq!(Value::new(1.0).label(), None);
    /// ```
    pub fn label(&self) -> Option<String> {
        label::get(self.0.borrow().label)
    }

    /// A short name for the op that made this node: `leaf`, `+`, `*`, `tanh`, `* 0.5`, `^2`, …
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// assert_eq!(x.op_name(), "leaf");
    /// assert_eq!((&x * &x).op_name(), "*");
    /// assert_eq!(x.pow(2.0).op_name(), "^2");
    /// ```
    pub fn op_name(&self) -> String {
        let node = self.0.borrow();
        node.op.describe(node.scalar())
    }

    /// The node's inputs (0, 1 or 2 handles), as the op that made it lists them.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// let y = &x + 1.0;
    /// assert_eq!(y.inputs().len(), 1);
    /// assert!(y.inputs()[0].same_node(&x));
    /// ```
    pub fn inputs(&self) -> Vec<Value> {
        self.0
            .borrow()
            .inputs()
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }

    /// Whether two handles point at the same node (not whether their data are equal).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(1.0);
    /// assert!(x.same_node(&x.clone()));
    /// assert!(!x.same_node(&Value::new(1.0)));
    /// ```
    pub fn same_node(&self, other: &Value) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Adds `delta` to this node's gradient: the one step every backward closure takes per input.
    #[inline]
    pub(crate) fn add_grad(&self, delta: f64) {
        self.0.borrow_mut().grad += delta;
    }
}

impl Clone for Value {
    /// Another handle to the same node (not a copy of the node).
    fn clone(&self) -> Value {
        Value(ManuallyDrop::new(Rc::clone(&self.0)))
    }
}

impl From<f64> for Value {
    /// A leaf, as [`Value::new`].
    fn from(data: f64) -> Value {
        Value::new(data)
    }
}

impl fmt::Display for Value {
    /// `Value(data=-12, grad=1)`: shortest round-trip digits, scientific notation below 1e-4 and
    /// from 1e16, and a precision, if given, for both numbers.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let f = Value::new(-2.0) * 6.0;
    /// f.backward();
    /// assert_eq!(f.to_string(), "Value(data=-12, grad=1)");
    /// assert_eq!(format!("{f:.2}"), "Value(data=-12.00, grad=1.00)");
    /// assert_eq!(Value::new(1e-20).to_string(), "Value(data=1e-20, grad=0)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Copy out first: the writer is the caller's code, and may use this very node.
        let (data, grad) = (Number(self.data()), Number(self.grad()));
        match f.precision() {
            Some(p) => write!(f, "Value(data={data:.p$}, grad={grad:.p$})"),
            None => write!(f, "Value(data={data}, grad={grad})"),
        }
    }
}

impl fmt::Debug for Value {
    /// This node only (data, grad, op, label, number of inputs): it never walks the graph, so it is
    /// as cheap on a million-node circuit as on a leaf. Use [`Value::trace`] to see the circuit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Copy out first: the writer is the caller's code, and may use this very node.
        let (data, grad, op, label, inputs) = {
            let node = self.0.borrow();
            let inputs = node.inputs().iter().flatten().count();
            let op = node.op.describe(node.scalar());
            (node.data, node.grad, op, label::get(node.label), inputs)
        };
        f.debug_struct("Value")
            .field("data", &Number(data))
            .field("grad", &Number(grad))
            .field("op", &op)
            .field("label", &label)
            .field("inputs", &inputs)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the order of pushes and pops, `Waiting` gives back the highest address it holds,
    /// as a sorted list would (the two slots in front of its heap must not change that).
    #[test]
    fn waiting_nodes_come_back_highest_address_first() {
        let mut cells: Vec<Rc<RefCell<Node>>> = (0..40)
            .map(|i| into_cell(Value::new(f64::from(i))))
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
    fn the_union_saves_the_8_bytes_an_enum_would_spend_on_its_tag() {
        #[allow(dead_code)] // only measured
        enum RhsAsEnum {
            Nothing,
            Value(Value),
            Scalar(f64),
        }
        assert_eq!(std::mem::size_of::<Rhs>(), 8);
        assert_eq!(std::mem::size_of::<RhsAsEnum>(), 16);
    }

    #[test]
    fn node_fits_the_80_byte_allocator_chunk() {
        // 48 bytes of node + 16 of Rc counts + 8 of RefCell flag = 72: malloc's 80-byte chunk.
        assert_eq!(std::mem::size_of::<Node>(), 48);
        assert_eq!(std::mem::size_of::<RefCell<Node>>(), 56);
    }

    #[test]
    fn building_and_dropping_big_graphs_in_a_loop_leaves_no_handle_behind() {
        // No cycles: each round's 750,000 nodes hold ~500,000 handles to the leaves, and once the
        // output is dropped the leaves are held by these two handles alone again.
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
