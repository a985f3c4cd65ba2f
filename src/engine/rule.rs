//! A node's rule on plain numbers: its op with its scalar operand or its custom rules, for
//! everything that recomputes a circuit from its inputs' numbers (the tape, the walkthrough,
//! forward mode, the checks).

use crate::engine::custom::Custom;
use crate::engine::node::Node;
use crate::engine::table::{Arity, Op};

/// How a node computes its value and its local derivatives from its inputs' values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rule {
    op: Op,
    /// The scalar operand, for ops that take one; NaN otherwise.
    scalar: f64,
    custom: Option<Custom>,
}

impl Rule {
    /// The rule of `node`.
    pub(crate) fn of(node: &Node) -> Rule {
        Rule {
            op: node.op(),
            scalar: node.scalar(),
            custom: node.custom(),
        }
    }

    /// The op.
    pub(crate) fn op(&self) -> Op {
        self.op
    }

    /// The second operand the table's functions take: the second input's value `y`, the scalar
    /// operand, or NaN.
    fn second(&self, y: f64) -> f64 {
        match self.op.arity() {
            Arity::Two => y,
            Arity::OneAndScalar => self.scalar,
            _ => f64::NAN,
        }
    }

    /// The value from the inputs' values `x` and `y` (`y` ignored by ops with one input).
    pub(crate) fn eval(&self, x: f64, y: f64) -> f64 {
        match &self.custom {
            Some(c) => c.eval(x, y),
            None => self.op.eval(x, self.second(y)),
        }
    }

    /// The local derivatives with respect to each input, at inputs `x`, `y` and output `out`.
    pub(crate) fn local(&self, x: f64, y: f64, out: f64) -> [f64; 2] {
        match &self.custom {
            Some(c) => c.local(x, y),
            None => self.op.local(x, self.second(y), out),
        }
    }

    /// How traces print it: `+`, `* 0.5`, `tanh`, or a custom op's name.
    pub(crate) fn name(&self) -> String {
        match &self.custom {
            Some(c) => c.name(),
            None => self.op.describe(self.scalar),
        }
    }
}
