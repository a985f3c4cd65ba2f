//! Backprop one node at a time: the forward and backward passes of a circuit as a list of steps.
//!
//! [`Value::backward`] does the whole pass at once; a [`Walkthrough`] takes it apart so a person
//! can watch it (the playground page steps through it, a notebook can print it):
//!
//! - first a *forward* step per node, inputs before the nodes made from them (the numbering of
//!   [`Value::trace`] and [`Value::layout`]): the node's value is computed from its inputs';
//! - then a *backward* step per node, in reverse: the node's grad is now final (every consumer has
//!   added to it), and the node adds `local derivative × its grad` to each input's grad. Those
//!   additions are the chain rule happening; each is a [`Contribution`].
//!
//! The arithmetic is the engine's, in the engine's order, so after the last step every grad is
//! bit for bit what `backward()` leaves in the nodes.
//!
//! ```
//! use circuitgrad::Value;
//! use circuitgrad::walkthrough::Phase;
//!
//! let x = Value::new(-2.0).labeled("x");
//! let y = Value::new(5.0).labeled("y");
//! let z = Value::new(-4.0).labeled("z");
//! let f = ((&x + &y) * &z).labeled("f"); // f = (x + y) z
//! let walk = f.walkthrough();
//! assert_eq!(walk.len(), 10); // 5 nodes: 5 forward steps, then 5 backward steps
//!
//! // Forward: x, y, q = x + y, z, f = q z (inputs first).
//! let after_forward = walk.after(5);
//! assert_eq!(after_forward.data[4], Some(-12.0));
//! assert!(after_forward.grad.iter().all(Option::is_none)); // no grads yet
//!
//! // The first backward step is f's: it seeds df/df = 1 and hands it to q and z.
//! let step = walk.step(5).unwrap();
//! assert_eq!((step.phase, step.node), (Phase::Backward, 4));
//! let to_q = step.contributions[0]; // ∂f/∂q = z = -4, times f's grad 1
//! assert_eq!((to_q.local, to_q.upstream, to_q.product), (-4.0, 1.0, -4.0));
//!
//! // After every step the grads are backward()'s: ∂f/∂x = z = -4, ∂f/∂z = x + y = 3.
//! let done = walk.after(walk.len());
//! assert_eq!(done.grad[0], Some(-4.0));
//! assert_eq!(done.grad[3], Some(3.0));
//! ```

use std::fmt;

use crate::Value;
use crate::engine::backward::Numbered;
use crate::engine::number;
use crate::engine::rule::Rule;
use crate::engine::table::Op;

/// One node of a [`Walkthrough`]: what it is and its values at the end of the walk.
#[derive(Clone, Debug, PartialEq)]
pub struct WalkNode {
    /// The op that made the node, as traces print it: `leaf`, `+`, `* 0.5`, `tanh`, …
    pub op: String,
    /// The node's label, if it has one.
    pub label: Option<String>,
    /// Positions of the node's inputs (each smaller than the node's), in the order the op lists
    /// them; `a * a` lists `a` twice.
    pub inputs: Vec<usize>,
    /// The node's value, computed by the forward steps.
    pub data: f64,
    /// The node's grad after every backward step.
    pub grad: f64,
    /// The local derivative of the node with respect to each input (same order as `inputs`).
    pub local: Vec<f64>,
}

/// Which pass a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Computing a node's value from its inputs'.
    Forward,
    /// Handing a node's grad on to its inputs.
    Backward,
}

/// One addition of the chain rule: `input.grad += local × upstream`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contribution {
    /// The input that receives it (a position in [`Walkthrough::nodes`]).
    pub input: usize,
    /// ∂node/∂input at the node's inputs.
    pub local: f64,
    /// The node's own grad, final at this step.
    pub upstream: f64,
    /// `local × upstream`, what is added.
    pub product: f64,
    /// The input's grad after the addition.
    pub grad_after: f64,
}

/// One step of a [`Walkthrough`].
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Forward or backward.
    pub phase: Phase,
    /// The node it runs (a position in [`Walkthrough::nodes`]).
    pub node: usize,
    /// The node's value (forward) or grad (backward) once the step has run.
    pub value: f64,
    /// The grads this step added to its inputs (backward steps of non-leaves only).
    pub contributions: Vec<Contribution>,
}

/// What is known after some steps: a value per node once its forward step ran, a grad per node
/// once the backward pass started (the output's is 1, the others' start at 0 and grow).
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The last step taken, if any.
    pub last: Option<Step>,
    /// Each node's value, `None` before its forward step.
    pub data: Vec<Option<f64>>,
    /// Each node's grad, `None` before the backward pass starts.
    pub grad: Vec<Option<f64>>,
}

/// The forward and backward passes of a circuit, node by node; see the [module docs](self).
///
/// Two walkthroughs are equal when their nodes are: the same ops by name, wiring and numbers.
#[derive(Clone, Debug)]
pub struct Walkthrough {
    nodes: Vec<WalkNode>,
    /// Each node's rule, for replaying steps.
    rules: Vec<Rule>,
}

impl PartialEq for Walkthrough {
    fn eq(&self, other: &Walkthrough) -> bool {
        self.nodes == other.nodes
    }
}

impl Value {
    /// The forward and backward passes of the circuit below this value, one node at a time (see
    /// [`walkthrough`](crate::walkthrough)). Nodes are numbered as in [`trace`](Value::trace) and
    /// [`layout`](Value::layout). It reads the leaves' data as they are now and changes nothing
    /// in the circuit (grads included). No recursion: any depth works.
    pub fn walkthrough(&self) -> Walkthrough {
        let numbered = Numbered::below(self);
        let mut rules = Vec::with_capacity(numbered.order.len());
        let mut nodes = Vec::with_capacity(numbered.order.len());
        for (i, value) in numbered.order.iter().enumerate() {
            let node = value.0.borrow();
            rules.push(node.rule());
            nodes.push(WalkNode {
                op: node.describe(),
                label: value.label(),
                inputs: numbered.input_positions(i),
                data: node.data,
                grad: 0.0,
                local: Vec::new(),
            });
        }
        let mut walk = Walkthrough { nodes, rules };
        // One pass: a forward step gives a node's value, a backward step its final grad and, in
        // its contributions, its local derivatives.
        let n = walk.nodes.len();
        let (mut data, mut grad, mut local) = (vec![0.0; n], vec![0.0; n], vec![Vec::new(); n]);
        for step in walk.steps() {
            match step.phase {
                Phase::Forward => data[step.node] = step.value,
                Phase::Backward => {
                    grad[step.node] = step.value;
                    local[step.node] = step.contributions.iter().map(|c| c.local).collect();
                }
            }
        }
        for (node, ((data, grad), local)) in walk
            .nodes
            .iter_mut()
            .zip(data.into_iter().zip(grad).zip(local))
        {
            (node.data, node.grad, node.local) = (data, grad, local);
        }
        walk
    }
}

impl Walkthrough {
    /// The nodes, inputs first, the output last.
    pub fn nodes(&self) -> &[WalkNode] {
        &self.nodes
    }

    /// The number of steps: one forward and one backward step per node.
    pub fn len(&self) -> usize {
        2 * self.nodes.len()
    }

    /// Never true: a circuit has at least its output.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Step `k` (from 0), or `None` past the last.
    ///
    /// ```
    /// # use circuitgrad::{Value, walkthrough::Phase};
    /// let y = Value::new(3.0).tanh();
    /// let walk = y.walkthrough();
    /// assert_eq!(walk.step(1).unwrap().phase, Phase::Forward); // tanh computed
    /// assert_eq!(walk.step(3).unwrap().node, 0); // the last backward step is the leaf's
    /// assert!(walk.step(4).is_none());
    /// ```
    pub fn step(&self, k: usize) -> Option<Step> {
        if k < self.len() {
            self.after(k + 1).last
        } else {
            None
        }
    }

    /// What is known after the first `k` steps (past [`len`](Walkthrough::len), after all).
    /// Each call replays the steps, so it costs one pass over the circuit.
    pub fn after(&self, k: usize) -> Snapshot {
        let mut replay = Replay::new(self);
        let mut last = None;
        for _ in 0..k.min(self.len()) {
            last = replay.advance();
        }
        Snapshot {
            last,
            data: replay.data,
            grad: replay.grad,
        }
    }

    /// Every step in order, computed as it goes (one pass over the circuit for all of them).
    ///
    /// ```
    /// # use circuitgrad::{Value, walkthrough::Phase};
    /// let y = Value::new(2.0).exp();
    /// let phases: Vec<Phase> = y.walkthrough().steps().map(|s| s.phase).collect();
    /// assert_eq!(phases, [Phase::Forward, Phase::Forward, Phase::Backward, Phase::Backward]);
    /// ```
    pub fn steps(&self) -> impl Iterator<Item = Step> + '_ {
        let mut replay = Replay::new(self);
        std::iter::from_fn(move || replay.advance())
    }

    /// Node `i`'s value from its inputs' values (a leaf's is its data).
    fn eval(&self, i: usize, data: &[Option<f64>]) -> f64 {
        let rule = &self.rules[i];
        if rule.op() == Op::Leaf {
            return self.nodes[i].data;
        }
        let [x, y] = self.input_values(i, data);
        rule.eval(x, y)
    }

    /// Node `i`'s local derivatives, one per input, from the values in `data`.
    fn local(&self, i: usize, data: &[Option<f64>]) -> Vec<f64> {
        let [x, y] = self.input_values(i, data);
        let out = data[i].unwrap_or(f64::NAN);
        let local = self.rules[i].local(x, y, out);
        local[..self.nodes[i].inputs.len()].to_vec()
    }

    /// The values of node `i`'s first and second input (NaN where it has none, or where one is not
    /// known yet).
    fn input_values(&self, i: usize, data: &[Option<f64>]) -> [f64; 2] {
        let input = |j: usize| {
            self.nodes[i]
                .inputs
                .get(j)
                .and_then(|&p| data[p])
                .unwrap_or(f64::NAN)
        };
        [input(0), input(1)]
    }
}

/// The steps being taken: what is known so far, and how many steps have run.
struct Replay<'a> {
    walk: &'a Walkthrough,
    data: Vec<Option<f64>>,
    grad: Vec<Option<f64>>,
    taken: usize,
}

impl<'a> Replay<'a> {
    fn new(walk: &'a Walkthrough) -> Replay<'a> {
        let n = walk.nodes.len();
        Replay {
            walk,
            data: vec![None; n],
            grad: vec![None; n],
            taken: 0,
        }
    }

    /// Runs the next step; `None` after the last.
    fn advance(&mut self) -> Option<Step> {
        let walk = self.walk;
        let n = walk.nodes.len();
        let k = self.taken;
        if k >= 2 * n {
            return None;
        }
        self.taken += 1;
        if k < n {
            let value = walk.eval(k, &self.data);
            self.data[k] = Some(value);
            return Some(Step {
                phase: Phase::Forward,
                node: k,
                value,
                contributions: Vec::new(),
            });
        }
        if k == n {
            // The backward pass starts: every grad 0, the output's 1.
            self.grad.fill(Some(0.0));
            self.grad[n - 1] = Some(1.0);
        }
        let i = 2 * n - 1 - k;
        let upstream = self.grad[i].unwrap_or(0.0);
        let local = walk.local(i, &self.data);
        // As the engine does: every local derivative first, then the additions in input order.
        let contributions = walk.nodes[i]
            .inputs
            .iter()
            .zip(local)
            .map(|(&input, local)| {
                let product = local * upstream;
                let grad_after = self.grad[input].unwrap_or(0.0) + product;
                self.grad[input] = Some(grad_after);
                Contribution {
                    input,
                    local,
                    upstream,
                    product,
                    grad_after,
                }
            })
            .collect();
        Some(Step {
            phase: Phase::Backward,
            node: i,
            value: upstream,
            contributions,
        })
    }
}

impl Walkthrough {
    /// A node's name in the printout: its label, or `#i`.
    fn name(&self, i: usize) -> String {
        self.nodes[i]
            .label
            .clone()
            .unwrap_or_else(|| format!("#{i}"))
    }
}

impl fmt::Display for Walkthrough {
    /// Every step, a line each, and a line per chain-rule addition; numbers as the crate prints
    /// them (with `{:.4}`, four decimals).
    ///
    /// ```
    /// use circuitgrad::Value;
    /// let x = Value::new(3.0).labeled("x");
    /// let y = (&x * &x).labeled("y");
    /// let lines = [
    ///     "forward  x = 3",
    ///     "forward  y = x * x = 9",
    ///     "backward y: grad 1",
    ///     "           x.grad += 3 * 1 = 3 (now 3)",
    ///     "           x.grad += 3 * 1 = 3 (now 6)",
    ///     "backward x: grad 6",
    /// ];
    /// assert_eq!(y.walkthrough().to_string().lines().collect::<Vec<_>>(), lines);
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = f.precision();
        let num = |x: f64| number::format(x, precision);
        for step in self.steps() {
            let node = &self.nodes[step.node];
            let name = self.name(step.node);
            match step.phase {
                Phase::Forward if node.inputs.is_empty() => {
                    writeln!(f, "forward  {name} = {}", num(step.value))?
                }
                Phase::Forward => {
                    let inputs: Vec<String> = node.inputs.iter().map(|&i| self.name(i)).collect();
                    let expr = super::expression(&node.op, &inputs);
                    writeln!(f, "forward  {name} = {expr} = {}", num(step.value))?
                }
                Phase::Backward => {
                    writeln!(f, "backward {name}: grad {}", num(step.value))?;
                    for c in &step.contributions {
                        writeln!(
                            f,
                            "           {}.grad += {} * {} = {} (now {})",
                            self.name(c.input),
                            num(c.local),
                            num(c.upstream),
                            num(c.product),
                            num(c.grad_after)
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}
