//! `Node`, what a [`Value`] points at: data, grad, the inputs, the backward closure, the op.
//!
//! A node is 48 bytes, so a node plus `Rc`'s two counts and `RefCell`'s borrow flag (72 bytes) fits
//! the allocator's 80-byte chunk: one allocation per node, nothing else on the heap. To get there
//! the second input shares one word between "another value" and "a scalar operand" (see [`Rhs`]),
//! and a label or a custom op's rules live in a side table (see `extra.rs`) so that the other
//! nodes pay four bytes for them.

use std::mem::ManuallyDrop;
use std::rc::Rc;

use crate::engine::custom::Custom;
use crate::engine::extra::{self, ExtraId};
use crate::engine::rule::Rule;
use crate::engine::table::{Arity, Op};
use crate::engine::value::Value;

/// The handle inside a [`Value`]: one node, shared.
pub(crate) type NodeRc = Rc<std::cell::RefCell<Node>>;

/// How a node passes its gradient to its inputs: reads `node.grad`, adds to the inputs' grads.
///
/// Every op's closure comes from the op table and captures nothing, so it is a plain function
/// pointer (8 bytes, no allocation); everything it needs is in the node.
pub(crate) type BackwardFn = fn(&Node);

/// One node of a circuit. Only reachable through a [`Value`].
pub(crate) struct Node {
    pub(crate) data: f64,
    pub(crate) grad: f64,
    /// The first input, if any.
    lhs: Option<Value>,
    /// The second input or the scalar operand, as `op.arity()` says.
    rhs: Rhs,
    /// The backward closure.
    pub(crate) backward: BackwardFn,
    /// The op. Private to this file: it says which field of `rhs` is live, so only `Node::new`,
    /// `reuse` and `detach` may write it.
    op: Op,
    /// Set only while a graph walk is in progress; every walk clears what it set.
    pub(crate) visited: bool,
    /// The node's label and custom rules, if it has either (see `extra.rs`).
    pub(crate) extra: ExtraId,
}

/// The second input of a node, in one word: a value (two-input ops), a scalar operand (`x * 0.5`,
/// `x.pow(3.0)`), or nothing (leaves and one-input ops). The node's `op` says which field is live;
/// only `Node`'s methods below touch it, and they check `op` first.
///
/// Why a union: an enum would need its own tag, 16 bytes instead of 8 (a unit test below measures
/// both), and the node would no longer fit the 80-byte chunk (BENCHMARKS.md gives the memory this
/// saves). A safe layout of 48 bytes would have to drop the node's backward closure, which the
/// crate's design keeps, or the op tag that the union reuses.
pub(crate) union Rhs {
    value: ManuallyDrop<Value>,
    scalar: f64,
}

impl Rhs {
    /// No second input (leaves and one-input ops).
    pub(crate) fn none() -> Rhs {
        Rhs { scalar: 0.0 }
    }

    /// A scalar operand.
    pub(crate) fn scalar(c: f64) -> Rhs {
        Rhs { scalar: c }
    }

    /// A second input.
    pub(crate) fn value(v: Value) -> Rhs {
        Rhs {
            value: ManuallyDrop::new(v),
        }
    }
}

impl Node {
    /// A node; `rhs` must be what `op.arity()` says (checked by the constructors in `methods.rs`).
    pub(crate) fn new(data: f64, op: Op, lhs: Option<Value>, rhs: Rhs) -> Node {
        Node {
            data,
            grad: 0.0,
            lhs,
            rhs,
            backward: op.backward(),
            op,
            visited: false,
            extra: ExtraId::NONE,
        }
    }

    /// Writes a new node over a detached, unlinked one from the free list, field by field.
    #[inline(always)]
    pub(crate) fn reuse(&mut self, data: f64, op: Op, lhs: Option<Value>, rhs: Rhs) {
        debug_assert!(self.lhs.is_none() && self.op == Op::Leaf && self.extra == ExtraId::NONE);
        self.data = data;
        self.grad = 0.0;
        // The old first input is `None` (detached and unlinked): forgetting it leaks nothing, and
        // spares the check a drop would make.
        std::mem::forget(std::mem::replace(&mut self.lhs, lhs));
        // A union field: the assignment drops nothing (the old value was a scalar).
        self.rhs = rhs;
        self.backward = op.backward();
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

    /// The second input, for two-input ops.
    #[inline]
    pub(crate) fn rhs(&self) -> Option<&Value> {
        match self.op.arity() {
            // SAFETY: `op` says `value` is the live field: it was written by `Value::binary`, and
            // `detach` changes `op` to `Leaf` when it moves the value out.
            Arity::Two => Some(unsafe { &self.rhs.value }),
            _ => None,
        }
    }

    /// The scalar operand, for `Value ⊕ f64` ops; NaN for the others.
    #[inline]
    pub(crate) fn scalar(&self) -> f64 {
        match self.op.arity() {
            // SAFETY: `op` says `scalar` is the live field (written by `Value::with_scalar`).
            Arity::OneAndScalar => unsafe { self.rhs.scalar },
            _ => f64::NAN,
        }
    }

    /// Both inputs (`None` where there is none), in the order ops list them.
    #[inline]
    pub(crate) fn inputs(&self) -> [Option<&Value>; 2] {
        [self.lhs(), self.rhs()]
    }

    /// How traces print this node's op: `leaf`, `+`, `* 0.5`, `tanh`, a custom op's name…
    pub(crate) fn describe(&self) -> String {
        self.rule().name()
    }

    /// The rules of a custom op's node (`None` for the ops of the table).
    pub(crate) fn custom(&self) -> Option<Custom> {
        match self.op {
            Op::Custom | Op::Custom2 => extra::custom(self.extra),
            _ => None,
        }
    }

    /// How this node computes its value and local derivatives from its inputs' values.
    pub(crate) fn rule(&self) -> Rule {
        Rule::of(self)
    }

    /// Links a detached node into the free list: its first-input field holds the next kept node.
    pub(crate) fn link(&mut self, next: Option<NodeRc>) {
        debug_assert!(self.lhs.is_none() && self.op == Op::Leaf);
        self.lhs = next.map(Value::from_cell);
    }

    /// Takes the free list's link out of a kept node (see [`Node::link`]).
    pub(crate) fn unlink(&mut self) -> Option<NodeRc> {
        self.lhs.take().map(Value::into_cell)
    }

    /// Moves the inputs out and turns the node into a leaf (what freeing does first).
    pub(crate) fn detach(&mut self) -> [Option<Value>; 2] {
        let rhs = match self.op.arity() {
            // SAFETY: `value` is live (see `rhs`); `op` becomes `Leaf` below, so it is never read or
            // taken again, and `ManuallyDrop` keeps the union from dropping it a second time.
            Arity::Two => Some(unsafe { ManuallyDrop::take(&mut self.rhs.value) }),
            _ => None,
        };
        self.op = Op::Leaf;
        self.rhs = Rhs::none();
        [self.lhs.take(), rhs]
    }
}

impl Drop for Node {
    /// Frees the side slot. The inputs are normally gone already (the last handle's `Drop` takes them
    /// out, see `Value::drop`); any still here are dropped as handles, and `Value::drop` frees them
    /// with its loop.
    fn drop(&mut self) {
        extra::release(self.extra);
        drop(self.detach());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

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
}
