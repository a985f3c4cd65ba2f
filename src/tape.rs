//! Record once, replay fast: a circuit compiled into flat arrays.
//!
//! A training loop rebuilds the same circuit at every step and pays each time for an allocation per
//! node, the topological walk and the drop. [`Value::compile`] records the circuit once, in
//! topological order, into parallel arrays of op tags, input indices, values and gradients; then
//! [`Tape::forward`] and [`Tape::backward`] replay it with plain loops over those arrays, no `Rc`
//! walked and nothing allocated. Only the leaves are read and written through their handles, so a
//! training loop keeps calling `p.set_data(..)` and `p.grad()` as before.
//!
//! # When replay pays
//!
//! Replay pays when the same circuit is evaluated many times with new leaf data: a training loop
//! over a fixed batch, an optimiser's inner loop, a parameter sweep. It does not pay for a circuit
//! used once (compiling costs about one dynamic build and backward), nor when the circuit's *shape*
//! changes from step to step: a different batch size, a loop whose length depends on the data.
//! Branches inside ops are fine: `relu`, `max` and every other op re-decide on the new data.
//!
//! # What a tape keeps and what it replays
//!
//! - It replays the circuit *as compiled*: the ops and the wiring below the output at compile time.
//!   New data enters only through the leaves. `set_data` on an inner node after compiling has no
//!   effect on the tape (the tape recomputes that node from its inputs); a node built later is not
//!   part of it.
//! - It keeps the compiled circuit alive through the output's handle, so that
//!   [`index_of`](Tape::index_of) can find any of its nodes; drop the tape to free them. Beside the
//!   circuit's 80 bytes a node, the tape takes 33 bytes a node in its arrays (16 more for each
//!   scalar operand, and up to 16 more where its values and grads are rounded up to a power of two)
//!   and about 20 to 40 in the index behind `index_of`.
//!
//! ```
//! use circuitgrad::Value;
//!
//! let w = Value::new(0.5);
//! let x = Value::new(2.0);
//! let loss = (&w * &x - 3.0).pow(2.0); // (wx - 3)^2
//! let mut tape = loss.compile();
//! for _ in 0..50 {
//!     tape.forward();
//!     tape.backward(); // writes d loss / dw into w's handle
//!     w.set_data(w.data() - 0.05 * w.grad());
//! }
//! assert!((w.data() - 1.5).abs() < 1e-6); // wx = 3
//! assert!(tape.forward() < 1e-10);
//! ```

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::Value;
use crate::engine::backward::Numbered;
use crate::engine::custom::Custom;
use crate::engine::node::Node;
use crate::engine::table::{Arity, Op};

/// A circuit compiled for fast replay; see the [module docs](crate::tape) and [`Value::compile`].
pub struct Tape {
    /// Op tag of each node, in topological order (the output last).
    op: Vec<Op>,
    /// Indices of each node's inputs. A scalar operand is stored as a constant slot after the nodes
    /// (`value[n..]`); unused positions point at the node itself.
    input: Vec<[usize; 2]>,
    /// Each node's value, then the scalar operands.
    value: Vec<f64>,
    /// Each node's gradient (and unused zeros for the scalar slots).
    grad: Vec<f64>,
    /// The leaves: their node index and their handle.
    leaves: Vec<(usize, Value)>,
    /// Where each compiled node is, by address (valid because `root` keeps every one alive).
    index: FxHashMap<*const RefCell<Node>, usize>,
    /// The rules of the custom ops' nodes, by position (their op alone does not say how to
    /// compute them).
    customs: FxHashMap<usize, Custom>,
    /// The output; holding it keeps the compiled circuit alive.
    root: Value,
}

impl Value {
    /// Records the circuit below this value into a [`Tape`] for fast replay.
    ///
    /// The walk is the one `backward()` uses (no recursion: a million-node circuit compiles in a
    /// 2 MiB stack), and the tape visits nodes in the same order with the same local functions, so
    /// its replayed values and gradients are bit-identical to the dynamic engine's on the same leaf
    /// data. (A NaN is a NaN: Rust leaves its sign and payload unspecified.)
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(3.0);
    /// let y = &x * &x + 1.0;
    /// let mut tape = y.compile();
    /// x.set_data(4.0);
    /// assert_eq!(tape.forward(), 17.0);
    /// tape.backward();
    /// assert_eq!(x.grad(), 8.0); // d(x² + 1)/dx = 2x
    /// ```
    pub fn compile(&self) -> Tape {
        let numbered = Numbered::below(self);
        let n = numbered.order.len();
        // Every input is on the order; an absent one (a leaf's, a unary op's second) points home.
        let position =
            |v: Option<&Value>, own: usize| v.and_then(|v| numbered.position(v)).unwrap_or(own);
        let mut op = Vec::with_capacity(n);
        let mut input = Vec::with_capacity(n);
        let mut value = Vec::with_capacity(n);
        let mut scalars = Vec::new();
        let mut leaves = Vec::new();
        let mut customs = FxHashMap::default();
        for (i, v) in numbered.order.iter().enumerate() {
            let node = v.0.borrow();
            let [a, b] = node.inputs();
            let second = match node.op().arity() {
                Arity::OneAndScalar => {
                    scalars.push(node.scalar());
                    n + scalars.len() - 1
                }
                _ => position(b, i),
            };
            if node.op() == Op::Leaf {
                leaves.push((i, v.clone()));
            }
            if let Some(custom) = node.custom() {
                customs.insert(i, custom);
            }
            op.push(node.op());
            input.push([position(a, i), second]);
            value.push(node.data);
        }
        value.extend(scalars);
        // Padded to a power of two, so the sweeps index with `& mask` and the compiler drops every
        // bounds check, in safe code.
        value.resize(value.len().next_power_of_two(), 0.0);
        Tape {
            op,
            input,
            grad: vec![0.0; value.len()],
            value,
            leaves,
            index: numbered.index,
            customs,
            root: self.clone(),
        }
    }
}

impl Tape {
    /// Recomputes every node from the leaves' current data (read through their handles) and returns
    /// the output's value.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(1.0);
    /// let mut tape = x.tanh().compile();
    /// x.set_data(0.0);
    /// assert_eq!(tape.forward(), 0.0);
    /// ```
    pub fn forward(&mut self) -> f64 {
        for (i, leaf) in &self.leaves {
            self.value[*i] = leaf.data();
        }
        let (value, customs) = (&mut self.value[..], &self.customs);
        assert!(!value.is_empty());
        let mask = value.len() - 1;
        for (i, (&op, &[a, b])) in self.op.iter().zip(&self.input).enumerate() {
            let (x, y) = (value[a & mask], value[b & mask]);
            value[i & mask] = match op {
                Op::Leaf => continue,
                Op::Custom | Op::Custom2 => customs.get(&i).map_or(f64::NAN, |c| c.eval(x, y)),
                op => op.eval(x, y),
            };
        }
        self.value[self.op.len() - 1]
    }

    /// Computes the gradient of the output with respect to every node (as of the last
    /// [`forward`](Tape::forward), or of compiling) and writes each leaf's into its handle, so
    /// `leaf.grad()` reads what `Value::backward()` would have left there.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let (a, b) = (Value::new(2.0), Value::new(-3.0));
    /// let mut tape = (&a * &b).compile();
    /// tape.backward();
    /// assert_eq!((a.grad(), b.grad()), (-3.0, 2.0));
    /// ```
    pub fn backward(&mut self) {
        let n = self.op.len();
        self.grad[..n].fill(0.0); // the scalar slots and the padding never receive a grad
        self.grad[n - 1] = 1.0;
        let (value, grad, customs) = (&self.value[..], &mut self.grad[..], &self.customs);
        assert!(!value.is_empty() && grad.len() == value.len());
        let mask = value.len() - 1;
        for (i, (&op, &[a, b])) in self.op.iter().zip(&self.input).enumerate().rev() {
            let g = grad[i & mask];
            let (x, y) = (value[a & mask], value[b & mask]);
            let [da, db] = match op {
                Op::Leaf => continue,
                Op::Custom | Op::Custom2 => {
                    customs.get(&i).map_or([f64::NAN; 2], |c| c.local(x, y))
                }
                op => op.local(x, y, value[i & mask]),
            };
            grad[a & mask] += da * g;
            if op.arity() == Arity::Two {
                grad[b & mask] += db * g;
            }
        }
        for (i, leaf) in &self.leaves {
            leaf.set_grad(self.grad[*i]);
        }
    }

    /// The number of nodes (the output included; scalar operands are not nodes).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(1.0);
    /// assert_eq!((&x * 2.0 + &x).compile().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.op.len()
    }

    /// Always false: a tape holds at least its output.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// assert!(!Value::new(1.0).compile().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.op.is_empty()
    }

    /// Where `node` sits on the tape, if it is part of the compiled circuit. Look positions up once
    /// and read [`value`](Tape::value) and [`grad`](Tape::grad) by position in a hot loop.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(1.0);
    /// let score = &x * 3.0;
    /// let tape = (score.relu() + 1.0).compile();
    /// assert_eq!(tape.index_of(&score), Some(1));
    /// assert_eq!(tape.index_of(&Value::new(1.0)), None);
    /// ```
    pub fn index_of(&self, node: &Value) -> Option<usize> {
        self.index.get(&Rc::as_ptr(&node.0)).copied()
    }

    /// The replayed value of the node at `position` (`None` past the end).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// let mut tape = (&x * 3.0).compile();
    /// x.set_data(5.0);
    /// tape.forward();
    /// assert_eq!((tape.value(0), tape.value(1), tape.value(2)), (Some(5.0), Some(15.0), None));
    /// ```
    pub fn value(&self, position: usize) -> Option<f64> {
        self.value[..self.op.len()].get(position).copied()
    }

    /// The replayed gradient of the node at `position` (`None` past the end).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// let mut tape = (&x * 3.0).compile();
    /// tape.backward();
    /// assert_eq!(tape.grad(0), Some(3.0));
    /// ```
    pub fn grad(&self, position: usize) -> Option<f64> {
        self.grad[..self.op.len()].get(position).copied()
    }

    /// The replayed value of a compiled node, found by handle (`None` if it is not on the tape).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// let hidden = x.tanh();
    /// let mut tape = (&hidden * 2.0).compile();
    /// x.set_data(0.0);
    /// tape.forward();
    /// assert_eq!(tape.value_of(&hidden), Some(0.0)); // replayed; `hidden.data()` still says tanh(2)
    /// ```
    pub fn value_of(&self, node: &Value) -> Option<f64> {
        self.index_of(node).and_then(|i| self.value(i))
    }

    /// The replayed gradient of a compiled node, found by handle (`None` if it is not on the tape).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// let hidden = &x * 4.0;
    /// let mut tape = (&hidden * 2.0).compile();
    /// tape.backward();
    /// assert_eq!(tape.grad_of(&hidden), Some(2.0));
    /// ```
    pub fn grad_of(&self, node: &Value) -> Option<f64> {
        self.index_of(node).and_then(|i| self.grad(i))
    }

    /// The output the tape was compiled from.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let y = Value::new(1.0) + 1.0;
    /// assert!(y.compile().output().same_node(&y));
    /// ```
    pub fn output(&self) -> &Value {
        &self.root
    }
}

impl fmt::Debug for Tape {
    /// Sizes only: a tape can hold millions of nodes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tape")
            .field("nodes", &self.op.len())
            .field("leaves", &self.leaves.len())
            .field("output", &self.value[self.op.len() - 1])
            .finish()
    }
}
