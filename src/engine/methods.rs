//! Every op in one shape, and the methods that name them.
//!
//! Making a node is the same three steps for every op: compute its value with the op's forward
//! rule, make the node with its inputs and op, attach the op's backward closure. The first and the
//! last come from the op table (`table.rs`), so the three constructors below are all the code
//! there is; each method is one line that picks its op.
//!
//! The operators (`+ - * /`, unary `-`, `+=`, `Sum`, `Product`) are in `operators.rs`.

use crate::engine::node::Rhs;
use crate::engine::table::{Arity, Op};
use crate::engine::value::Value;

// The constructors are inlined into each method, with `op` a constant, so that the table's
// `match`es and the arity checks fold away and making a node is one call, the method's.
impl Value {
    /// A node of a one-input op on `x`.
    #[inline(always)]
    pub(crate) fn unary(op: Op, x: &Value) -> Value {
        assert_eq!(op.arity(), Arity::One, "{op:?} is not a one-input op");
        let data = op.eval(x.data(), f64::NAN);
        Value::make(data, op, Some(x.clone()), Rhs::none())
    }

    /// A node of a two-input op on `a` and `b`. (`Node::rhs` relies on the arity check.)
    #[inline(always)]
    pub(crate) fn binary(op: Op, a: &Value, b: &Value) -> Value {
        assert_eq!(op.arity(), Arity::Two, "{op:?} is not a two-input op");
        let data = op.eval(a.data(), b.data());
        Value::make(data, op, Some(a.clone()), Rhs::value(b.clone()))
    }

    /// A node of an op with one input `x` and a scalar operand `c`.
    #[inline(always)]
    pub(crate) fn with_scalar(op: Op, x: &Value, c: f64) -> Value {
        assert_eq!(op.arity(), Arity::OneAndScalar, "{op:?} takes no scalar");
        let data = op.eval(x.data(), c);
        Value::make(data, op, Some(x.clone()), Rhs::scalar(c))
    }

    // The derivative ops, which `grad` builds (see the table).
    pub(crate) fn step(&self) -> Value {
        Value::unary(Op::Step, self)
    }

    pub(crate) fn sign(&self) -> Value {
        Value::unary(Op::Sign, self)
    }

    pub(crate) fn max_da(&self, other: &Value) -> Value {
        Value::binary(Op::MaxDa, self, other)
    }

    pub(crate) fn min_da(&self, other: &Value) -> Value {
        Value::binary(Op::MinDa, self, other)
    }

    pub(crate) fn pow_da(&self, exponent: &Value) -> Value {
        Value::binary(Op::PowDa, self, exponent)
    }

    pub(crate) fn pow_db(&self, exponent: &Value) -> Value {
        Value::binary(Op::PowDb, self, exponent)
    }
}

impl Value {
    /// `self` to the power `n`: a number (`2.0`, `3`), giving one node with the exponent in it, or
    /// another `Value` (`&y`), giving a node with two inputs that passes a gradient to both
    /// (`∂xʸ/∂y = xʸ·ln x`).
    ///
    /// IEEE-754 applies: `0^-1` is inf, a negative base with a fractional power is NaN, and so is
    /// the exponent's gradient for a negative base.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(3.0);
    /// let y = x.pow(2); // dy/dx = 2x = 6
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (9.0, 6.0));
    ///
    /// let (a, b) = (Value::new(2.0), Value::new(3.0));
    /// let c = a.pow(&b); // ∂c/∂a = b·a^(b-1) = 12, ∂c/∂b = a^b·ln a = 8 ln 2
    /// c.backward();
    /// assert_eq!((c.data(), a.grad()), (8.0, 12.0));
    /// assert!((b.grad() - 8.0 * 2f64.ln()).abs() < 1e-15);
    /// ```
    pub fn pow(&self, n: impl Exponent) -> Value {
        n.raise(self)
    }

    /// `√self`. IEEE-754 applies: `√-1` is NaN, and the gradient at 0 is inf.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(4.0);
    /// let y = x.sqrt(); // dy/dx = 1/(2√x) = 0.25
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (2.0, 0.25));
    /// ```
    pub fn sqrt(&self) -> Value {
        Value::unary(Op::Sqrt, self)
    }

    /// `|self|`, with derivative 0 at 0.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(-3.0);
    /// let y = x.abs(); // dy/dx = sign(x) = -1
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (3.0, -1.0));
    /// ```
    pub fn abs(&self) -> Value {
        Value::unary(Op::Abs, self)
    }

    /// `self²` as one node (`x * x` is the same number, in a node with the input twice).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(-3.0);
    /// let y = x.square(); // dy/dx = 2x = -6
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (9.0, -6.0));
    /// ```
    pub fn square(&self) -> Value {
        Value::unary(Op::Square, self)
    }

    /// The smaller of two values. The gradient goes to the smaller input; on a tie each gets
    /// half. If one input is NaN the output is the other (IEEE-754 `minNum`).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let (x, y) = (Value::new(-2.0), Value::new(3.0));
    /// let m = x.min(&y);
    /// m.backward();
    /// assert_eq!((m.data(), x.grad(), y.grad()), (-2.0, 1.0, 0.0));
    /// ```
    pub fn min(&self, other: &Value) -> Value {
        Value::binary(Op::Min, self, other)
    }

    /// `e^self`. Overflows to inf above about 709.78 (IEEE-754).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(0.0);
    /// let y = x.exp(); // dy/dx = e^x = 1
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (1.0, 1.0));
    /// ```
    pub fn exp(&self) -> Value {
        Value::unary(Op::Exp, self)
    }

    /// The natural logarithm. IEEE-754 applies: `ln(0)` is −inf, `ln(-1)` is NaN.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(4.0);
    /// let y = x.ln(); // dy/dx = 1/x
    /// y.backward();
    /// assert_eq!(x.grad(), 0.25);
    /// assert!(Value::new(-1.0).ln().data().is_nan());
    /// ```
    pub fn ln(&self) -> Value {
        Value::unary(Op::Ln, self)
    }

    /// The hyperbolic tangent.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(0.0);
    /// let y = x.tanh(); // dy/dx = 1 - tanh(x)^2 = 1
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
    /// ```
    pub fn tanh(&self) -> Value {
        Value::unary(Op::Tanh, self)
    }

    /// The logistic sigmoid `1 / (1 + e^-self)`, the tutorial's neuron gate.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(0.0);
    /// let s = x.sigmoid(); // ds/dx = s(1 - s) = 0.25
    /// s.backward();
    /// assert_eq!((s.data(), x.grad()), (0.5, 0.25));
    /// ```
    pub fn sigmoid(&self) -> Value {
        Value::unary(Op::Sigmoid, self)
    }

    /// `max(self, 0)`, with derivative 0 at 0.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let x = Value::new(0.0);
    /// let y = x.relu(); // relu'(0) = 0
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (0.0, 0.0));
    /// ```
    pub fn relu(&self) -> Value {
        Value::unary(Op::Relu, self)
    }

    /// The larger of two values, the tutorial's max gate. The gradient goes to the larger input;
    /// on a tie each gets half, so `x.max(&x)` has derivative 1. If one input is NaN the output is
    /// the other (IEEE-754 `maxNum`).
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let (x, y) = (Value::new(-2.0), Value::new(3.0));
    /// let m = x.max(&y);
    /// m.backward();
    /// assert_eq!((m.data(), x.grad(), y.grad()), (3.0, 0.0, 1.0));
    /// ```
    pub fn max(&self, other: &Value) -> Value {
        Value::binary(Op::Max, self, other)
    }
}

/// What [`Value::pow`] takes as an exponent: a number (`f64`, `i32`) or a node (`Value`,
/// `&Value`).
pub trait Exponent {
    /// `base` to this power, as a new node.
    fn raise(self, base: &Value) -> Value;
}

impl Exponent for f64 {
    fn raise(self, base: &Value) -> Value {
        Value::with_scalar(Op::Pow, base, self)
    }
}

impl Exponent for i32 {
    fn raise(self, base: &Value) -> Value {
        Value::with_scalar(Op::Pow, base, f64::from(self))
    }
}

impl Exponent for &Value {
    fn raise(self, base: &Value) -> Value {
        Value::binary(Op::PowValue, base, self)
    }
}

impl Exponent for Value {
    fn raise(self, base: &Value) -> Value {
        Value::binary(Op::PowValue, base, &self)
    }
}
