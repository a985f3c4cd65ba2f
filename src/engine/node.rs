//! `Node`, what a [`Value`] points at: data, grad, the inputs, the backward closure, the op.
//!
//! A node is 48 bytes, so a node plus `Rc`'s two counts and `RefCell`'s borrow flag (72 bytes) fits
//! the allocator's 80-byte chunk: one allocation per node, nothing else on the heap. To get there
//! the second input shares one word between "another value", "a scalar operand" and "what only
//! some nodes have" (see [`Rhs`]): a label, or a custom op's rules, live in a box of their own
//! ([`Extra`]), which takes the second input with it.

use std::mem::ManuallyDrop;
use std::rc::Rc;

use crate::engine::custom::Custom;
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
    /// The second input or the scalar operand, as `op.arity()` says, or the node's [`Extra`].
    rhs: Rhs,
    /// The backward closure.
    pub(crate) backward: BackwardFn,
    /// The op.
    op: Op,
    /// Which field of `rhs` is live. Private to this file: only the constructors, `extra_mut` and
    /// `detach` write it, each with the field.
    live: Live,
    /// Set only while a graph walk is in progress; every walk clears what it set.
    pub(crate) visited: bool,
}

/// Which field of a node's [`Rhs`] is live: the union's tag, one byte beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Live {
    /// Nothing (leaves and one-input ops): the word holds a meaningless 0.
    Nothing,
    /// `value`: the second input.
    Value,
    /// `scalar`: the scalar operand.
    Scalar,
    /// `extra`: the node's [`Extra`], which holds its second input or scalar operand.
    Extra,
}

impl Live {
    /// What a new node of `op` holds.
    #[inline(always)]
    fn of(op: Op) -> Live {
        match op.arity() {
            Arity::Two => Live::Value,
            Arity::OneAndScalar => Live::Scalar,
            _ => Live::Nothing,
        }
    }
}

/// What only some nodes have: a label, a custom op's rules. It lives in a box the node points at,
/// in place of the second input, which moves into it.
///
/// Why not a table beside the nodes, keyed by a number in the node: a notebook kernel (evcxr) loads
/// each cell as a library of its own with its own copy of this crate, and of every table it keeps;
/// a circuit built in one cell and read in the next would find its labels in the wrong table.
/// What a node points at is the same from every copy.
struct Extra {
    label: Option<Box<str>>,
    custom: Option<Custom>,
    /// The node's second input or scalar operand, moved out of `rhs`.
    second: Second,
}

/// A second input or scalar operand, where [`Extra`] keeps it.
enum Second {
    None,
    Value(Value),
    Scalar(f64),
}

/// The second word of a node: a value (two-input ops), a scalar operand (`x * 0.5`,
/// `x.pow(3.0)`), nothing (leaves and one-input ops), or the node's [`Extra`]. The node's `live`
/// says which field is live; only `Node`'s methods below touch it, and they check it first.
///
/// Why a union: an enum would need its own tag, 16 bytes instead of 8 (a unit test below measures
/// both), and the node would no longer fit the 80-byte chunk (BENCHMARKS.md gives the memory this
/// saves). A safe layout of 48 bytes would have to drop the node's backward closure, which the
/// crate's design keeps, or the op tag that the union reuses.
pub(crate) union Rhs {
    value: ManuallyDrop<Value>,
    scalar: f64,
    extra: ManuallyDrop<Box<Extra>>,
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
            live: Live::of(op),
            visited: false,
        }
    }

    /// Writes a new node over a detached, unlinked one from the free list, field by field.
    #[inline(always)]
    pub(crate) fn reuse(&mut self, data: f64, op: Op, lhs: Option<Value>, rhs: Rhs) {
        debug_assert!(self.lhs.is_none() && self.op == Op::Leaf && self.live == Live::Nothing);
        self.data = data;
        self.grad = 0.0;
        // The old first input is `None` (detached and unlinked): forgetting it leaks nothing, and
        // spares the check a drop would make.
        std::mem::forget(std::mem::replace(&mut self.lhs, lhs));
        // A union field: the assignment drops nothing (the old value was a scalar).
        self.rhs = rhs;
        self.backward = op.backward();
        self.op = op;
        self.live = Live::of(op);
        self.visited = false;
    }

    /// The op that made this node.
    #[inline]
    pub(crate) fn op(&self) -> Op {
        self.op
    }

    /// Whether this node is a leaf with nothing in a box: what the free list keeps as it is.
    #[inline]
    pub(crate) fn is_bare_leaf(&self) -> bool {
        self.op == Op::Leaf && self.live == Live::Nothing
    }

    /// The node's [`Extra`], if it has one.
    #[inline]
    fn extra(&self) -> Option<&Extra> {
        // SAFETY: `live` says `extra` is the live field: only `extra_mut` sets it, with the field,
        // and `unbox` changes it when it takes the box out.
        (self.live == Live::Extra).then(|| unsafe { &**self.rhs.extra })
    }

    /// The first input (every op but a leaf has one).
    #[inline]
    pub(crate) fn lhs(&self) -> Option<&Value> {
        self.lhs.as_ref()
    }

    /// The second input, for two-input ops.
    #[inline]
    pub(crate) fn rhs(&self) -> Option<&Value> {
        match self.live {
            // SAFETY: `live` says `value` is the live field (written with it by `new` or `reuse`
            // for a two-input op; `detach` changes `live` when it moves the value out).
            Live::Value => Some(unsafe { &self.rhs.value }),
            Live::Extra => self.boxed_rhs(),
            _ => None,
        }
    }

    /// [`rhs`](Node::rhs) of a node with a box: out of the hot path, as few nodes have one.
    #[cold]
    #[inline(never)]
    fn boxed_rhs(&self) -> Option<&Value> {
        match &self.extra()?.second {
            Second::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The scalar operand, for `Value ⊕ f64` ops; NaN for the others.
    #[inline]
    pub(crate) fn scalar(&self) -> f64 {
        match self.live {
            // SAFETY: `live` says `scalar` is the live field (written with it by `new` or `reuse`
            // for an op with a scalar operand).
            Live::Scalar => unsafe { self.rhs.scalar },
            Live::Extra => self.boxed_scalar(),
            _ => f64::NAN,
        }
    }

    /// [`scalar`](Node::scalar) of a node with a box.
    #[cold]
    #[inline(never)]
    fn boxed_scalar(&self) -> f64 {
        match self.extra().map(|e| &e.second) {
            Some(Second::Scalar(c)) => *c,
            _ => f64::NAN,
        }
    }

    /// Both inputs (`None` where there is none), in the order ops list them.
    #[inline]
    pub(crate) fn inputs(&self) -> [Option<&Value>; 2] {
        [self.lhs(), self.rhs()]
    }

    /// The node's label, if it has one.
    pub(crate) fn label(&self) -> Option<&str> {
        self.extra().and_then(|e| e.label.as_deref())
    }

    /// Names (or renames) the node.
    pub(crate) fn set_label(&mut self, label: &str) {
        self.extra_mut().label = Some(label.into());
    }

    /// The rules of a custom op's node (`None` for the ops of the table).
    pub(crate) fn custom(&self) -> Option<Custom> {
        match self.op {
            Op::Custom | Op::Custom2 => self.extra().and_then(|e| e.custom),
            _ => None,
        }
    }

    /// Gives a custom op's node its rules.
    pub(crate) fn set_custom(&mut self, custom: Custom) {
        self.extra_mut().custom = Some(custom);
    }

    /// The node's [`Extra`], made (with the second word moved into it) if it has none.
    fn extra_mut(&mut self) -> &mut Extra {
        if self.live != Live::Extra {
            let second = match self.live {
                // SAFETY: `live` says `value` is live; it is moved into the box, and the union's
                // field is overwritten just below, so it is taken once.
                Live::Value => Second::Value(unsafe { ManuallyDrop::take(&mut self.rhs.value) }),
                // SAFETY: `live` says `scalar` is live.
                Live::Scalar => Second::Scalar(unsafe { self.rhs.scalar }),
                _ => Second::None,
            };
            let extra = Box::new(Extra {
                label: None,
                custom: None,
                second,
            });
            self.rhs = Rhs {
                extra: ManuallyDrop::new(extra),
            };
            self.live = Live::Extra;
        }
        // SAFETY: `live` says `extra` is the live field (just written, or before).
        unsafe { &mut self.rhs.extra }
    }

    /// How traces print this node's op: `leaf`, `+`, `* 0.5`, `tanh`, a custom op's name…
    pub(crate) fn describe(&self) -> String {
        self.rule().name()
    }

    /// How this node computes its value and local derivatives from its inputs' values.
    pub(crate) fn rule(&self) -> Rule {
        Rule::of(self)
    }

    /// Links a detached node into the free list: its first-input field holds the next kept node.
    pub(crate) fn link(&mut self, next: Option<NodeRc>) {
        debug_assert!(self.lhs.is_none() && self.is_bare_leaf());
        self.lhs = next.map(Value::from_cell);
    }

    /// Takes the free list's link out of a kept node (see [`Node::link`]).
    pub(crate) fn unlink(&mut self) -> Option<NodeRc> {
        self.lhs.take().map(Value::into_cell)
    }

    /// Moves the inputs out, drops the label and rules, and turns the node into a bare leaf (what
    /// freeing does first).
    #[inline]
    pub(crate) fn detach(&mut self) -> [Option<Value>; 2] {
        let rhs = match self.live {
            // SAFETY: `live` says `value` is live; `live` becomes `Nothing` below, so it is never
            // read or taken again, and `ManuallyDrop` keeps the union from dropping it twice.
            Live::Value => Some(unsafe { ManuallyDrop::take(&mut self.rhs.value) }),
            Live::Extra => self.unbox(),
            _ => None,
        };
        self.op = Op::Leaf;
        self.live = Live::Nothing;
        self.rhs = Rhs::none();
        [self.lhs.take(), rhs]
    }
}

impl Node {
    /// Takes the box out (for `detach`), and gives back the second input it held.
    #[cold]
    #[inline(never)]
    fn unbox(&mut self) -> Option<Value> {
        // SAFETY: `live` says `extra` is live (`detach` checked); `live` changes here and `detach`
        // overwrites the field, so the box is taken once and never read again.
        let extra = unsafe { ManuallyDrop::take(&mut self.rhs.extra) };
        self.live = Live::Nothing;
        match extra.second {
            Second::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl Drop for Node {
    /// Frees the box and drops the inputs. They are normally gone already (the last handle's
    /// `Drop` takes them out, see `Value::drop`); any still here are dropped as handles, and
    /// `Value::drop` frees them with its loop.
    fn drop(&mut self) {
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
            Extra(Box<Extra>),
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
    fn a_label_keeps_the_second_input_and_the_scalar_where_the_node_can_read_them() {
        let (a, b) = (Value::new(2.0), Value::new(3.0));
        let product = (&a * &b).labeled("p");
        let scaled = (&a * 0.5).labeled("s");
        let leaf = Value::new(1.0).labeled("x");
        assert!(product.node().rhs().unwrap().same_node(&b));
        assert_eq!(scaled.node().scalar(), 0.5);
        assert_eq!(
            [product.label(), scaled.label(), leaf.label()],
            [Some("p".into()), Some("s".into()), Some("x".into())]
        );
        product.set_label("q"); // renaming keeps the box
        assert_eq!(product.label().as_deref(), Some("q"));
        product.backward();
        assert_eq!((a.grad(), b.grad()), (3.0, 2.0));
    }
}
