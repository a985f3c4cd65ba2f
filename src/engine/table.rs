//! The op table: every op of the engine, once.
//!
//! A row says what a node of the op takes as inputs, how traces print it, and which functions of
//! [`local`](crate::local) are its forward rule and its local derivatives. Everything else about
//! an op is derived from its row (see `table_macro.rs`): the [`Op`] variant, the node's backward
//! closure, the numbers the tape and the walkthrough replay, the name in a trace. The methods of
//! [`Value`](crate::Value) that a user calls (`x.tanh()`, `&a * &b`) are one line each
//! (`methods.rs`, `operators.rs`).
//!
//! A scalar operand (`x * 0.5`, `x.pow(3)`) stays a number in the node instead of becoming a
//! constant leaf, so those ops have rows of their own.

op_table! {
    // value ⊕ value
    /// `a + b`.
    Add(a, b) "+" = add, [add_da, add_db];
    /// `a - b`.
    Sub(a, b) "-" = sub, [sub_da, sub_db];
    /// `a * b`.
    Mul(a, b) "*" = mul, [mul_da, mul_db];
    /// `a / b`.
    Div(a, b) "/" = div, [div_da, div_db];
    /// The larger of `a` and `b`; a tie splits the gradient.
    Max(a, b) "max" = max, [max_da, max_db];
    /// The smaller of `a` and `b`; a tie splits the gradient.
    Min(a, b) "min" = min, [min_da, min_db];
    /// `a` to the power `b`, both nodes.
    PowValue(a, b) "^" = pow_value, [pow_value_da, pow_value_db];

    // value ⊕ a scalar operand c that the node keeps
    /// `x + c` (and `x - c`, as `x + (-c)`).
    AddScalar(x, c: f64) "+ {c}" = add_scalar, [add_scalar_dx];
    /// `x * c`.
    MulScalar(x, c: f64) "* {c}" = mul_scalar, [mul_scalar_dx];
    /// `c - x`.
    ScalarSub(x, c: f64) "{c} -" = scalar_sub, [scalar_sub_dx];
    /// `x / c`.
    DivScalar(x, c: f64) "/ {c}" = div_scalar, [div_scalar_dx];
    /// `c / x`.
    ScalarDiv(x, c: f64) "{c} /" = scalar_div, [scalar_div_dx];
    /// `x` to the power `n`, a number.
    Pow(x, n: f64) "^{n}" = pow, [pow_dx];

    // one value
    /// `-x`.
    Neg(x) "neg" = neg, [neg_dx];
    /// `eˣ`.
    Exp(x) "exp" = exp, [exp_dx];
    /// The natural logarithm.
    Ln(x) "ln" = ln, [ln_dx];
    /// The hyperbolic tangent.
    Tanh(x) "tanh" = tanh, [tanh_dx];
    /// The logistic sigmoid `1 / (1 + e⁻ˣ)`.
    Sigmoid(x) "sigmoid" = sigmoid, [sigmoid_dx];
    /// `max(x, 0)`.
    Relu(x) "relu" = relu, [relu_dx];
    /// `√x`.
    Sqrt(x) "sqrt" = sqrt, [sqrt_dx];
    /// `|x|`.
    Abs(x) "abs" = abs, [abs_dx];
    /// `x²`, as one node.
    Square(x) "square" = square, [square_dx];
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
        use crate::Value;
        match self.arity() {
            Arity::Zero => None,
            Arity::One => Some(Value::unary(self, a)),
            Arity::Two => Some(Value::binary(self, a, b)),
            Arity::OneAndScalar => Some(Value::with_scalar(self, a, c)),
        }
    }
}
