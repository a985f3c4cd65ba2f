//! `Value`, the handle to one node of a circuit: what a micrograd reader knows as `Value`.
//!
//! The handle API lives here: making a leaf, reading and setting data and grad, labels, the node's
//! op and inputs, printing. The ops are in `methods.rs` and `operators.rs`, the backward pass in
//! `backward.rs`; how nodes are allocated, freed and walked is in [`fast`](crate::engine::fast).

use std::fmt;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use crate::engine::fast::{free, pool};
use crate::engine::node::{Node, NodeRc, Rhs};
use crate::engine::number::Number;
use crate::engine::table::Op;

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
// `ManuallyDrop` so that the last handle's `Drop` can move the `Rc` out and hand its allocation to
// the node pool instead of the allocator (see `fast::free`).
pub struct Value(pub(crate) ManuallyDrop<NodeRc>);

impl Drop for Value {
    /// Gives up this handle. If it was the node's last, the node is freed, and so are the inputs
    /// it owned alone, and theirs, with a loop instead of recursion (see
    /// `src/engine/fast/free.rs`).
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `drop` runs once, and nothing reads `self.0` after it: the handle is taken here
        // and given up below. Safe code cannot move a field out of `&mut self`, and the last
        // handle's allocation must move to go to the node pool.
        let cell = unsafe { ManuallyDrop::take(&mut self.0) };
        if Rc::strong_count(&cell) > 1 {
            return; // another handle remains: dropping `cell` only decrements the count
        }
        free::free(cell);
    }
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
        Value::make(data, Op::Leaf, None, Rhs::none())
    }

    /// A new node, in an allocation from this thread's node pool if it has one.
    #[inline(always)]
    pub(crate) fn make(data: f64, op: Op, lhs: Option<Value>, rhs: Rhs) -> Value {
        Value::from_cell(pool::make(data, op, lhs, rhs))
    }

    /// The handle around a cell (one of its strong counts).
    #[inline(always)]
    pub(crate) fn from_cell(cell: NodeRc) -> Value {
        Value(ManuallyDrop::new(cell))
    }

    /// The cell inside the handle, without running `Value::drop`.
    #[inline(always)]
    pub(crate) fn into_cell(value: Value) -> NodeRc {
        let mut value = ManuallyDrop::new(value);
        // SAFETY: `value` is never dropped (it is in a `ManuallyDrop`), so its field is taken once.
        unsafe { ManuallyDrop::take(&mut value.0) }
    }

    /// The node, borrowed (crate code never holds it while user code runs).
    #[inline(always)]
    pub(crate) fn node(&self) -> std::cell::Ref<'_, Node> {
        self.0.borrow()
    }

    /// The op that made this node.
    ///
    /// ```
    /// use circuitgrad::{Op, Value};
    /// let x = Value::new(2.0);
    /// assert_eq!(x.op(), Op::Leaf);
    /// assert_eq!(x.tanh().op(), Op::Tanh);
    /// assert_eq!((&x * 3.0).op(), Op::MulScalar);
    /// ```
    pub fn op(&self) -> Op {
        self.node().op()
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
        self.0.borrow_mut().set_label(label);
    }

    /// This node's name, if it has one.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// assert_eq!(Value::new(1.0).label(), None);
    /// ```
    pub fn label(&self) -> Option<String> {
        self.0.borrow().label().map(String::from)
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
        node.describe()
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

    /// The same number as a new leaf: a circuit built from it does not reach this node, so
    /// gradients stop there (PyTorch's `detach`, JAX's `stop_gradient`).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(3.0);
    /// let y = &x * &x.detach(); // x times a constant 3
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (9.0, 3.0)); // not 2x = 6
    /// ```
    pub fn detach(&self) -> Value {
        Value::new(self.data())
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
            let op = node.describe();
            let label = node.label().map(String::from);
            (node.data, node.grad, op, label, inputs)
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
