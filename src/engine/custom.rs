//! Ops of your own: a name, a function, and its derivatives, given as plain `fn`s.
//!
//! A custom op is first-class: `backward()`, traces and pictures (by its name), the tape, the
//! walkthrough, `gradcheck`, `backward_checked` and forward mode all read its rules. `grad` builds
//! its derivative as a node of the same kind whose function is the derivative you gave, so
//! derivatives of any order work as far as you give them; past the last one given, a derivative
//! is a node that is NaN (unknown), which `anomaly` and `backward_checked` point at.
//!
//! The rules live in a box the node points at (see `node.rs`), so a custom op costs its nodes one
//! allocation more each and nothing to anyone else.

use crate::engine::node::Rhs;
use crate::engine::table::Op;
use crate::engine::value::Value;

/// The most rules a one-input custom op keeps: its function and five derivatives.
pub const MAX_RULES: usize = 6;

/// A rule of a one-input custom op: its function or one of its derivatives.
type Rule1 = fn(f64) -> f64;

/// A custom op's rules.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Custom {
    /// One input: `rules[order]` is this node's function, `rules[order + 1]` its derivative (the
    /// op `name` differentiated `order` times).
    Unary {
        name: &'static str,
        order: u8,
        rules: [Option<Rule1>; MAX_RULES],
    },
    /// Two inputs: the function (`part` 0), its partial derivative with respect to the first (1)
    /// or the second input (2), or a derivative of those (3), which was not given.
    Binary {
        name: &'static str,
        part: u8,
        rules: [fn(f64, f64) -> f64; 3],
    },
}

impl Custom {
    /// A one-input op's rules: the function, then its derivatives in order (at least one).
    pub(crate) fn unary<const N: usize>(name: &'static str, rules: [fn(f64) -> f64; N]) -> Custom {
        let mut kept = [None; MAX_RULES];
        for (slot, rule) in kept.iter_mut().zip(rules) {
            *slot = Some(rule);
        }
        Custom::Unary {
            name,
            order: 0,
            rules: kept,
        }
    }

    /// The node's value from its inputs' (`y` is ignored by one-input ops).
    pub(crate) fn eval(&self, x: f64, y: f64) -> f64 {
        match *self {
            Custom::Unary { order, rules, .. } => rules[order as usize].map_or(f64::NAN, |f| f(x)),
            Custom::Binary { part, rules, .. } => {
                rules.get(part as usize).map_or(f64::NAN, |f| f(x, y))
            }
        }
    }

    /// Whether its function was given (a derivative past the last one given was not: it is NaN).
    pub(crate) fn given(&self) -> bool {
        match *self {
            Custom::Unary { order, rules, .. } => {
                rules.get(order as usize).is_some_and(Option::is_some)
            }
            Custom::Binary { part, .. } => part < 3,
        }
    }

    /// The local derivatives with respect to each input: NaN where none was given.
    pub(crate) fn local(&self, x: f64, y: f64) -> [f64; 2] {
        match *self {
            Custom::Unary { order, rules, .. } => {
                let d = rules.get(order as usize + 1).copied().flatten();
                [d.map_or(f64::NAN, |d| d(x)), 0.0]
            }
            Custom::Binary { part: 0, rules, .. } => [rules[1](x, y), rules[2](x, y)],
            Custom::Binary { .. } => [f64::NAN, f64::NAN],
        }
    }

    /// The rules of the local derivative with respect to input `k`, as an op of its own: the next
    /// derivative of a one-input op, a partial derivative of a two-input one. Past the derivatives
    /// given, it is an op that is NaN (see [`given`](Custom::given)), so that a gradient circuit
    /// shows where a derivative was missing.
    pub(crate) fn derivative(&self, k: usize) -> Custom {
        match *self {
            Custom::Unary { name, order, rules } => Custom::Unary {
                name,
                order: order.saturating_add(1),
                rules,
            },
            Custom::Binary { name, part, rules } => Custom::Binary {
                name,
                part: if part == 0 { 1 + k.min(1) as u8 } else { 3 },
                rules,
            },
        }
    }

    /// How traces print it: `softplus`, `softplus'`, `softplus''`, `∂hypot/∂a`, and `∂²hypot`
    /// for a derivative of a partial derivative (not given).
    pub(crate) fn name(&self) -> String {
        match *self {
            Custom::Unary { name, order, .. } => format!("{name}{}", "'".repeat(order as usize)),
            Custom::Binary { name, part: 0, .. } => name.to_string(),
            Custom::Binary { name, part: 1, .. } => format!("∂{name}/∂a"),
            Custom::Binary { name, part: 2, .. } => format!("∂{name}/∂b"),
            Custom::Binary { name, .. } => format!("∂²{name}"),
        }
    }

    /// A node of these rules on `x` (and `y`, for two inputs).
    pub(crate) fn apply(self, x: &Value, y: &Value) -> Value {
        let node = match self {
            Custom::Unary { .. } => {
                let data = self.eval(x.data(), f64::NAN);
                Value::make(data, Op::Custom, Some(x.clone()), Rhs::none())
            }
            Custom::Binary { .. } => {
                let data = self.eval(x.data(), y.data());
                Value::make(data, Op::Custom2, Some(x.clone()), Rhs::value(y.clone()))
            }
        };
        node.0.borrow_mut().set_custom(self);
        node
    }
}

impl Value {
    /// An op of your own with one input: `f` computes it, `df` is its derivative. The node prints
    /// as `name` in traces and pictures, and backpropagates `df(x) × grad`.
    ///
    /// `grad` builds its derivative as a node `name'` computing `df`; that node's own derivative is
    /// not known, so a second derivative through it is NaN. Give more derivatives with
    /// [`custom_with`](Value::custom_with) for higher orders. The functions must be plain `fn`s
    /// (closures that capture nothing) and should be pure: they are called again by replays,
    /// walkthroughs and checks.
    ///
    /// ```
    /// use circuitgrad::{Value, gradcheck};
    /// fn softplus(x: f64) -> f64 { (1.0 + x.exp()).ln() }
    /// fn sigmoid(x: f64) -> f64 { 1.0 / (1.0 + (-x).exp()) }
    ///
    /// let x = Value::new(0.0).labeled("x");
    /// let y = x.custom("softplus", softplus, sigmoid);
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (2f64.ln(), 0.5));
    /// assert_eq!(y.op_name(), "softplus");
    /// assert!(gradcheck(&y, &[&x]).passed());
    /// ```
    pub fn custom(&self, name: &'static str, f: fn(f64) -> f64, df: fn(f64) -> f64) -> Value {
        Custom::unary(name, [f, df]).apply(self, self)
    }

    /// An op of your own with one input and its derivatives of every order you need: `rules` is the
    /// function, then its first derivative, then its second, … (2 to 6 of them, checked when the
    /// program compiles). `grad` of `grad` uses the second, and so on; past the last one given a
    /// derivative is NaN.
    ///
    /// ```
    /// use circuitgrad::{Value, grad};
    /// fn cube(x: f64) -> f64 { x * x * x }
    /// fn cube_d1(x: f64) -> f64 { 3.0 * x * x }
    /// fn cube_d2(x: f64) -> f64 { 6.0 * x }
    ///
    /// let x = Value::new(2.0).labeled("x");
    /// let y = x.custom_with("cube", [cube, cube_d1, cube_d2]);
    /// let dy = grad(&y, &[&x]);
    /// let ddy = grad(&dy[0], &[&x]);
    /// assert_eq!((dy[0].data(), ddy[0].data()), (12.0, 12.0)); // 3x², 6x
    /// let dddy = grad(&ddy[0], &[&x]);
    /// assert!(dddy[0].data().is_nan()); // the third derivative was not given
    /// ```
    pub fn custom_with<const N: usize>(
        &self,
        name: &'static str,
        rules: [fn(f64) -> f64; N],
    ) -> Value {
        const {
            assert!(
                N >= 2 && N <= MAX_RULES,
                "custom_with takes the function and 1 to 5 derivatives"
            )
        };
        Custom::unary(name, rules).apply(self, self)
    }

    /// An op of your own with two inputs, `self` and `other`: `f(a, b)` computes it, `da(a, b)` and
    /// `db(a, b)` are its partial derivatives. It prints as `name`; `grad` builds its partial
    /// derivatives as nodes `∂name/∂a` and `∂name/∂b`, whose own derivatives are not known (NaN).
    ///
    /// ```
    /// use circuitgrad::Value;
    /// fn hypot(a: f64, b: f64) -> f64 { a.hypot(b) }
    /// fn hypot_da(a: f64, b: f64) -> f64 { a / a.hypot(b) }
    /// fn hypot_db(a: f64, b: f64) -> f64 { b / a.hypot(b) }
    ///
    /// let (a, b) = (Value::new(3.0), Value::new(4.0));
    /// let h = a.custom2(&b, "hypot", hypot, hypot_da, hypot_db);
    /// h.backward();
    /// assert_eq!((h.data(), a.grad(), b.grad()), (5.0, 0.6, 0.8));
    /// ```
    pub fn custom2(
        &self,
        other: &Value,
        name: &'static str,
        f: fn(f64, f64) -> f64,
        da: fn(f64, f64) -> f64,
        db: fn(f64, f64) -> f64,
    ) -> Value {
        Custom::Binary {
            name,
            part: 0,
            rules: [f, da, db],
        }
        .apply(self, other)
    }
}
