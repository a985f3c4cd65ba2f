//! The op table: every op of the engine, once.
//!
//! A row says what a node of the op takes as inputs, how traces print it, which functions of
//! [`local`](crate::local) are its forward rule and its local derivatives, and the same
//! derivatives written as circuits of the same ops (from the inputs and the output `out`), whose
//! values are those functions' bit for bit. Everything else about an op is derived from its row
//! (see `table_macro.rs`): the [`Op`] variant, the node's backward closure, the numbers the tape,
//! the walkthrough and forward mode use, the name in a trace, and the gradient circuits of
//! [`grad`](crate::grad). The methods of
//! [`Value`](crate::Value) that a user calls (`x.tanh()`, `&a * &b`) are one line each
//! (`methods.rs`, `operators.rs`).
//!
//! A scalar operand (`x * 0.5`, `x.pow(3)`) stays a number in the node instead of becoming a
//! constant leaf, so those ops have rows of their own.

use crate::Value;

op_table! {
    // value ⊕ value
    /// `a + b`.
    Add(a, b) "+" = add, [add_da, add_db], |_out| [1.0, 1.0];
    /// `a - b`.
    Sub(a, b) "-" = sub, [sub_da, sub_db], |_out| [1.0, -1.0];
    /// `a * b`.
    Mul(a, b) "*" = mul, [mul_da, mul_db], |_out| [b, a];
    /// `a / b`.
    Div(a, b) "/" = div, [div_da, div_db], |_out| [1.0 / b, -a / b.square()];
    /// The larger of `a` and `b`; a tie splits the gradient.
    Max(a, b) "max" = max, [max_da, max_db], |_out| [a.max_da(b), b.max_da(a)];
    /// The smaller of `a` and `b`; a tie splits the gradient.
    Min(a, b) "min" = min, [min_da, min_db], |_out| [a.min_da(b), b.min_da(a)];
    /// `a` to the power `b`, both nodes.
    PowValue(a, b) "^" = pow_value, [pow_value_da, pow_value_db],
        |_out| [a.pow_da(b), a.pow_db(b)];

    // value ⊕ a scalar operand c that the node keeps
    /// `x + c` (and `x - c`, as `x + (-c)`).
    AddScalar(x, c: f64) "+ {c}" = add_scalar, [add_scalar_dx], |_out| [1.0];
    /// `x * c`.
    MulScalar(x, c: f64) "* {c}" = mul_scalar, [mul_scalar_dx], |_out| [c];
    /// `c - x`.
    ScalarSub(x, c: f64) "{c} -" = scalar_sub, [scalar_sub_dx], |_out| [-1.0];
    /// `x / c`.
    DivScalar(x, c: f64) "/ {c}" = div_scalar, [div_scalar_dx], |_out| [1.0 / c];
    /// `c / x`.
    ScalarDiv(x, c: f64) "{c} /" = scalar_div, [scalar_div_dx], |_out| [-c / x.square()];
    /// `x` to the power `n`, a number.
    Pow(x, n: f64) "^{n}" = pow, [pow_dx],
        |_out| [if n == 0.0 { Dx::Const(0.0) } else { Dx::from(x.pow(n - 1.0) * n) }];

    // one value
    /// `-x`.
    Neg(x) "neg" = neg, [neg_dx], |_out| [-1.0];
    /// `eˣ`.
    Exp(x) "exp" = exp, [exp_dx], |out| [out];
    /// The natural logarithm.
    Ln(x) "ln" = ln, [ln_dx], |_out| [1.0 / x];
    /// The hyperbolic tangent.
    Tanh(x) "tanh" = tanh, [tanh_dx], |out| [1.0 - out.pow(2.0)];
    /// The logistic sigmoid `1 / (1 + e⁻ˣ)`.
    Sigmoid(x) "sigmoid" = sigmoid, [sigmoid_dx], |out| [out * (1.0 - out)];
    /// `max(x, 0)`.
    Relu(x) "relu" = relu, [relu_dx], |_out| [x.step()];
    /// `√x`.
    Sqrt(x) "sqrt" = sqrt, [sqrt_dx], |out| [0.5 / out];
    /// `|x|`.
    Abs(x) "abs" = abs, [abs_dx], |_out| [x.sign()];
    /// `x²`, as one node.
    Square(x) "square" = square, [square_dx], |_out| [x * 2.0];

    // The derivatives above that have a branch, as ops of their own: `grad` builds them, so that a
    // gradient circuit re-decides its branches when its inputs change and can be differentiated
    // again. A step's own derivative is 0, at the step too.
    /// The unit step, 1 for `x > 0` and 0 otherwise: relu's derivative.
    Step(x) "step" = step, [zero_dx], |_out| [0.0];
    /// The sign of `x`, 0 at 0: abs's derivative.
    Sign(x) "sign" = sign, [zero_dx], |_out| [0.0];
    /// ∂max(a, b)/∂a: 1 where `a` is the larger, ½ on a tie, 0 where `b` is.
    MaxDa(a, b) "∂max/∂a" = max_da, [zero_da, zero_db], |_out| [0.0, 0.0];
    /// ∂min(a, b)/∂a: 1 where `a` is the smaller, ½ on a tie, 0 where `b` is.
    MinDa(a, b) "∂min/∂a" = min_da, [zero_da, zero_db], |_out| [0.0, 0.0];
    /// ∂aᵇ/∂a = b·aᵇ⁻¹, and 0 for `b = 0`.
    PowDa(a, b) "∂^/∂a" = pow_value_da, [pow_value_da_da, pow_value_da_db],
        |_out| [b * (b - 1.0) * a.pow(&(b - 2.0)), a.pow(&(b - 1.0)) * (b * a.ln() + 1.0)];
    /// ∂aᵇ/∂b = aᵇ·ln a, and 0 for `a = 0 < b`.
    PowDb(a, b) "∂^/∂b" = pow_value_db, [pow_value_db_da, pow_value_db_db],
        |out| [a.pow(&(b - 1.0)) * (b * a.ln() + 1.0), out * a.ln()];

    @custom {
        /// An op of your own with one input ([`Value::custom`](crate::Value::custom)).
        Custom(x);
        /// An op of your own with two inputs ([`Value::custom2`](crate::Value::custom2)).
        Custom2(a, b);
    }
}

/// A local derivative written as a circuit: a number that does not depend on the inputs (`x + c`
/// has derivative 1), or a node built from the inputs and the output with the same ops.
///
/// `grad` multiplies and sums them as `backward()` multiplies and sums their values, and a
/// constant is kept a number so that `1 × g` costs no node.
#[derive(Clone)]
pub(crate) enum Dx {
    Const(f64),
    Node(Value),
}

impl From<f64> for Dx {
    fn from(c: f64) -> Dx {
        Dx::Const(c)
    }
}

impl From<Value> for Dx {
    fn from(v: Value) -> Dx {
        Dx::Node(v)
    }
}

impl From<&Value> for Dx {
    fn from(v: &Value) -> Dx {
        Dx::Node(v.clone())
    }
}

/// What a node of an [`Op`] takes as inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arity {
    /// Nothing: a leaf.
    Zero,
    /// One input (`tanh`, `-x`).
    One,
    /// Two inputs (`a * b`).
    Two,
    /// One input and a scalar operand kept in the node (`x * 0.5`, `x.pow(3)`).
    OneAndScalar,
}

impl Op {
    /// A new node of this op on `a` (and `b`, or the scalar `c`, as [`arity`](Op::arity) says; what
    /// the op does not take is ignored), or `None` for [`Op::Leaf`].
    ///
    /// It is what the operators and methods of [`Value`](crate::Value) build, for code that picks
    /// ops at run time (the tests do it for every op of the table).
    ///
    /// ```
    /// use circuitgrad::{Op, Value};
    /// let (a, b) = (Value::new(2.0), Value::new(3.0));
    /// for &op in Op::ALL {
    ///     let node = op.apply(&a, &b, 0.5).expect("every table op applies");
    ///     assert_eq!(node.op(), op);
    /// }
    /// assert!(Op::Leaf.apply(&a, &b, 0.5).is_none());
    /// ```
    pub fn apply(self, a: &crate::Value, b: &crate::Value, c: f64) -> Option<crate::Value> {
        match self.arity() {
            Arity::Zero => None,
            Arity::One => Some(Value::unary(self, a)),
            Arity::Two => Some(Value::binary(self, a, b)),
            Arity::OneAndScalar => Some(Value::with_scalar(self, a, c)),
        }
    }
}
