//! Every op in one shape: compute the output with the forward rule from [`local`], make the node
//! with its inputs and op tag, attach a backward closure that multiplies the op's local derivative
//! by the output's gradient and adds it to each input's gradient.
//!
//! To add an op, see CONTRIBUTING.md: a tag here, two functions in `local.rs`, one method below.

use crate::local;
use crate::value::{Node, Value};

/// The tag of the op that made a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Leaf,
    // value ⊕ value
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    PowValue,
    // value ⊕ scalar operand c
    AddScalar,
    MulScalar,
    ScalarSub,
    DivScalar,
    ScalarDiv,
    Pow,
    // one value
    Neg,
    Exp,
    Ln,
    Tanh,
    Sigmoid,
    Relu,
    Sqrt,
    Abs,
    Square,
}

/// What a node of a given op holds as inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inputs {
    None,
    One,
    Two,
    OneAndScalar,
}

impl Op {
    pub(crate) fn inputs(self) -> Inputs {
        use Op::*;
        match self {
            Leaf => Inputs::None,
            Add | Sub | Mul | Div | Max | Min | PowValue => Inputs::Two,
            AddScalar | MulScalar | ScalarSub | DivScalar | ScalarDiv | Pow => Inputs::OneAndScalar,
            Neg | Exp | Ln | Tanh | Sigmoid | Relu | Sqrt | Abs | Square => Inputs::One,
        }
    }

    /// How traces and pictures name the op; `c` is the scalar operand, if the op has one.
    pub(crate) fn describe(self, c: f64) -> String {
        use Op::*;
        let c = crate::number::Number(c);
        match self {
            Leaf => "leaf".into(),
            Add => "+".into(),
            Sub => "-".into(),
            Mul => "*".into(),
            Div => "/".into(),
            Max => "max".into(),
            Min => "min".into(),
            PowValue => "^".into(),
            AddScalar => format!("+ {c}"),
            MulScalar => format!("* {c}"),
            ScalarSub => format!("{c} -"),
            DivScalar => format!("/ {c}"),
            ScalarDiv => format!("{c} /"),
            Pow => format!("^{c}"),
            Neg => "neg".into(),
            Exp => "exp".into(),
            Ln => "ln".into(),
            Tanh => "tanh".into(),
            Sigmoid => "sigmoid".into(),
            Relu => "relu".into(),
            Sqrt => "sqrt".into(),
            Abs => "abs".into(),
            Square => "square".into(),
        }
    }
}

/// The same rules on plain numbers, for the compiled tape. `x` is the first input; `y` is the second
/// input or the scalar operand; `out` the node's value. They call the same `local` functions as the
/// backward closures below, in the same order, so a replay is bit-identical to `Value::backward`.
impl Op {
    #[inline(always)] // the tape's sweeps call it once a node: inlined, the match becomes a jump table in the loop
    pub(crate) fn eval(self, x: f64, y: f64) -> f64 {
        use Op::*;
        match self {
            Leaf => x,
            Add => local::add(x, y),
            Sub => local::sub(x, y),
            Mul => local::mul(x, y),
            Div => local::div(x, y),
            Max => local::max(x, y),
            Min => local::min(x, y),
            PowValue => local::pow_value(x, y),
            AddScalar => local::add_scalar(x, y),
            MulScalar => local::mul_scalar(x, y),
            ScalarSub => local::scalar_sub(x, y),
            DivScalar => local::div_scalar(x, y),
            ScalarDiv => local::scalar_div(x, y),
            Pow => local::pow(x, y),
            Neg => local::neg(x),
            Exp => local::exp(x),
            Ln => local::ln(x),
            Tanh => local::tanh(x),
            Sigmoid => local::sigmoid(x),
            Relu => local::relu(x),
            Sqrt => local::sqrt(x),
            Abs => local::abs(x),
            Square => local::square(x),
        }
    }

    /// The local derivatives with respect to the first and second input (0 where there is none).
    #[inline(always)] // as `eval`
    pub(crate) fn local_grads(self, x: f64, y: f64, out: f64) -> (f64, f64) {
        use Op::*;
        match self {
            Leaf => (0.0, 0.0),
            Add => (local::add_da(x, y), local::add_db(x, y)),
            Sub => (local::sub_da(x, y), local::sub_db(x, y)),
            Mul => (local::mul_da(x, y), local::mul_db(x, y)),
            Div => (local::div_da(x, y), local::div_db(x, y)),
            Max => (local::max_da(x, y), local::max_db(x, y)),
            Min => (local::min_da(x, y), local::min_db(x, y)),
            PowValue => (local::pow_value_da(x, y), local::pow_value_db(x, y)),
            AddScalar => (local::add_scalar_dx(x, y), 0.0),
            MulScalar => (local::mul_scalar_dx(x, y), 0.0),
            ScalarSub => (local::scalar_sub_dx(x, y), 0.0),
            DivScalar => (local::div_scalar_dx(x, y), 0.0),
            ScalarDiv => (local::scalar_div_dx(x, y), 0.0),
            Pow => (local::pow_dx(x, y), 0.0),
            Neg => (local::neg_dx(x, out), 0.0),
            Exp => (local::exp_dx(x, out), 0.0),
            Ln => (local::ln_dx(x, out), 0.0),
            Tanh => (local::tanh_dx(x, out), 0.0),
            Sigmoid => (local::sigmoid_dx(x, out), 0.0),
            Relu => (local::relu_dx(x, out), 0.0),
            Sqrt => (local::sqrt_dx(x, out), 0.0),
            Abs => (local::abs_dx(x, out), 0.0),
            Square => (local::square_dx(x, out), 0.0),
        }
    }
}

/// The chain rule, once per shape of node: `input.grad += local derivative × out.grad`.
impl Node {
    /// For a one-input op with local derivative `dx(x, out)`.
    #[inline]
    pub(crate) fn chain_one(&self, dx: fn(f64, f64) -> f64) {
        if let Some(x) = self.lhs() {
            x.add_grad(dx(x.data(), self.data) * self.grad);
        }
    }

    /// For a one-input op with a scalar operand `c` and local derivative `dx(x, c)`.
    #[inline]
    pub(crate) fn chain_scalar(&self, dx: fn(f64, f64) -> f64) {
        if let Some(x) = self.lhs() {
            x.add_grad(dx(x.data(), self.scalar()) * self.grad);
        }
    }

    /// For a two-input op with partial derivatives `da(a, b)` and `db(a, b)`. Both are computed
    /// before either input is touched, so `a * a` reads `a` twice and then adds twice.
    #[inline]
    pub(crate) fn chain_two(&self, da: fn(f64, f64) -> f64, db: fn(f64, f64) -> f64) {
        if let [Some(a), Some(b)] = self.inputs() {
            let (x, y) = (a.data(), b.data());
            a.add_grad(da(x, y) * self.grad);
            b.add_grad(db(x, y) * self.grad);
        }
    }
}

// The ops. Each is the same three parts: the forward value, the node, the backward closure.
impl Value {
    pub(crate) fn add_value(&self, other: &Value) -> Value {
        let out = local::add(self.data(), other.data());
        Value::binary(Op::Add, self, other, out, |n| {
            n.chain_two(local::add_da, local::add_db)
        })
    }

    pub(crate) fn sub_value(&self, other: &Value) -> Value {
        let out = local::sub(self.data(), other.data());
        Value::binary(Op::Sub, self, other, out, |n| {
            n.chain_two(local::sub_da, local::sub_db)
        })
    }

    pub(crate) fn mul_value(&self, other: &Value) -> Value {
        let out = local::mul(self.data(), other.data());
        Value::binary(Op::Mul, self, other, out, |n| {
            n.chain_two(local::mul_da, local::mul_db)
        })
    }

    pub(crate) fn div_value(&self, other: &Value) -> Value {
        let out = local::div(self.data(), other.data());
        Value::binary(Op::Div, self, other, out, |n| {
            n.chain_two(local::div_da, local::div_db)
        })
    }

    pub(crate) fn add_scalar(&self, c: f64) -> Value {
        let out = local::add_scalar(self.data(), c);
        Value::with_scalar(Op::AddScalar, self, c, out, |n| {
            n.chain_scalar(local::add_scalar_dx)
        })
    }

    pub(crate) fn mul_scalar(&self, c: f64) -> Value {
        let out = local::mul_scalar(self.data(), c);
        Value::with_scalar(Op::MulScalar, self, c, out, |n| {
            n.chain_scalar(local::mul_scalar_dx)
        })
    }

    /// `c - self`.
    pub(crate) fn scalar_sub(&self, c: f64) -> Value {
        let out = local::scalar_sub(self.data(), c);
        Value::with_scalar(Op::ScalarSub, self, c, out, |n| {
            n.chain_scalar(local::scalar_sub_dx)
        })
    }

    pub(crate) fn div_scalar(&self, c: f64) -> Value {
        let out = local::div_scalar(self.data(), c);
        Value::with_scalar(Op::DivScalar, self, c, out, |n| {
            n.chain_scalar(local::div_scalar_dx)
        })
    }

    /// `c / self`.
    pub(crate) fn scalar_div(&self, c: f64) -> Value {
        let out = local::scalar_div(self.data(), c);
        Value::with_scalar(Op::ScalarDiv, self, c, out, |n| {
            n.chain_scalar(local::scalar_div_dx)
        })
    }

    pub(crate) fn neg_value(&self) -> Value {
        let out = local::neg(self.data());
        Value::unary(Op::Neg, self, out, |n| n.chain_one(local::neg_dx))
    }

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

    pub(crate) fn pow_scalar(&self, n: f64) -> Value {
        let out = local::pow(self.data(), n);
        Value::with_scalar(Op::Pow, self, n, out, |n| n.chain_scalar(local::pow_dx))
    }

    pub(crate) fn pow_value(&self, n: &Value) -> Value {
        let out = local::pow_value(self.data(), n.data());
        Value::binary(Op::PowValue, self, n, out, |n| {
            n.chain_two(local::pow_value_da, local::pow_value_db)
        })
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
        let out = local::sqrt(self.data());
        Value::unary(Op::Sqrt, self, out, |n| n.chain_one(local::sqrt_dx))
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
        let out = local::abs(self.data());
        Value::unary(Op::Abs, self, out, |n| n.chain_one(local::abs_dx))
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
        let out = local::square(self.data());
        Value::unary(Op::Square, self, out, |n| n.chain_one(local::square_dx))
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
        let out = local::min(self.data(), other.data());
        Value::binary(Op::Min, self, other, out, |n| {
            n.chain_two(local::min_da, local::min_db)
        })
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
        let out = local::exp(self.data());
        Value::unary(Op::Exp, self, out, |n| n.chain_one(local::exp_dx))
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
        let out = local::ln(self.data());
        Value::unary(Op::Ln, self, out, |n| n.chain_one(local::ln_dx))
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
        let out = local::tanh(self.data());
        Value::unary(Op::Tanh, self, out, |n| n.chain_one(local::tanh_dx))
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
        let out = local::sigmoid(self.data());
        Value::unary(Op::Sigmoid, self, out, |n| n.chain_one(local::sigmoid_dx))
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
        let out = local::relu(self.data());
        Value::unary(Op::Relu, self, out, |n| n.chain_one(local::relu_dx))
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
        let out = local::max(self.data(), other.data());
        Value::binary(Op::Max, self, other, out, |n| {
            n.chain_two(local::max_da, local::max_db)
        })
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
        base.pow_scalar(self)
    }
}

impl Exponent for i32 {
    fn raise(self, base: &Value) -> Value {
        base.pow_scalar(f64::from(self))
    }
}

impl Exponent for &Value {
    fn raise(self, base: &Value) -> Value {
        base.pow_value(self)
    }
}

impl Exponent for Value {
    fn raise(self, base: &Value) -> Value {
        base.pow_value(&self)
    }
}
