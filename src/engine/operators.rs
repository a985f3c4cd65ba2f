//! `+ - * /` for every mix of `Value`, `&Value` and `f64`, unary `-`, `+=` and friends, `Sum` and
//! `Product`: the twelve impls of each operator written by the one macro below, each a one-line
//! call that makes a node of an op of the table.
//!
//! A scalar operand stays a number in the node (`x * 0.5` is one node, not a node and a constant
//! leaf), which halves the memory of the usual `v * 0.9999 + 0.0001` training chains.

use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::Value;
use crate::engine::table::Op;

/// `binary_operator!(Trait, method, value ⊕ value, value ⊕ c, c ⊕ value)` writes the twelve impls
/// of `Trait` over `Value`, `&Value` and a number (`f64`, or `i32` so that `&x * 2` works). Each op
/// is given as a closure on references.
macro_rules! binary_operator {
    ($Trait:ident, $method:ident, $vv:expr, $vs:expr, $sv:expr) => {
        binary_operator!(@values $Trait, $method, $vv, [Value, Value], [Value, &Value], [&Value, Value], [&Value, &Value]);
        binary_operator!(@scalar $Trait, $method, $vs, $sv, Value, f64);
        binary_operator!(@scalar $Trait, $method, $vs, $sv, &Value, f64);
        binary_operator!(@scalar $Trait, $method, $vs, $sv, Value, i32);
        binary_operator!(@scalar $Trait, $method, $vs, $sv, &Value, i32);
    };
    (@values $Trait:ident, $method:ident, $vv:expr, $([$L:ty, $R:ty]),+) => {$(
        impl $Trait<$R> for $L {
            type Output = Value;
            #[inline]
            fn $method(self, rhs: $R) -> Value {
                let op: fn(&Value, &Value) -> Value = $vv;
                op(&self, &rhs)
            }
        }
    )+};
    (@scalar $Trait:ident, $method:ident, $vs:expr, $sv:expr, $V:ty, $S:ty) => {
        impl $Trait<$S> for $V {
            type Output = Value;
            #[inline]
            fn $method(self, rhs: $S) -> Value {
                let op: fn(&Value, f64) -> Value = $vs;
                op(&self, f64::from(rhs))
            }
        }
        impl $Trait<$V> for $S {
            type Output = Value;
            #[inline]
            fn $method(self, rhs: $V) -> Value {
                let op: fn(f64, &Value) -> Value = $sv;
                op(f64::from(self), &rhs)
            }
        }
    };
}

// `x - c` is `x + (-c)` and `c + x` is `x + c`, bit for bit in IEEE-754, so they share an op.
binary_operator!(
    Add,
    add,
    |a, b| Value::binary(Op::Add, a, b),
    |a, c| Value::with_scalar(Op::AddScalar, a, c),
    |c, a| Value::with_scalar(Op::AddScalar, a, c)
);
binary_operator!(
    Sub,
    sub,
    |a, b| Value::binary(Op::Sub, a, b),
    |a, c| Value::with_scalar(Op::AddScalar, a, -c),
    |c, a| Value::with_scalar(Op::ScalarSub, a, c)
);
binary_operator!(
    Mul,
    mul,
    |a, b| Value::binary(Op::Mul, a, b),
    |a, c| Value::with_scalar(Op::MulScalar, a, c),
    |c, a| Value::with_scalar(Op::MulScalar, a, c)
);
binary_operator!(
    Div,
    div,
    |a, b| Value::binary(Op::Div, a, b),
    |a, c| Value::with_scalar(Op::DivScalar, a, c),
    |c, a| Value::with_scalar(Op::ScalarDiv, a, c)
);

/// `assign_operator!(Trait, method, Op, op)` writes `x op= rhs` as `x = &x op rhs` for every
/// right-hand side that `&Value op rhs` takes: a new node, and `x` now names it (as Python's `+=`
/// on micrograd's `Value`). Circuits built from the old `x` keep the old node.
macro_rules! assign_operator {
    ($Trait:ident, $method:ident, $Op:ident, $op:ident) => {
        impl<R> $Trait<R> for Value
        where
            for<'a> &'a Value: $Op<R, Output = Value>,
        {
            #[inline]
            fn $method(&mut self, rhs: R) {
                *self = (&*self).$op(rhs);
            }
        }
    };
}

assign_operator!(AddAssign, add_assign, Add, add);
assign_operator!(SubAssign, sub_assign, Sub, sub);
assign_operator!(MulAssign, mul_assign, Mul, mul);
assign_operator!(DivAssign, div_assign, Div, div);

impl Neg for Value {
    type Output = Value;
    fn neg(self) -> Value {
        Value::unary(Op::Neg, &self)
    }
}

impl Neg for &Value {
    type Output = Value;
    fn neg(self) -> Value {
        Value::unary(Op::Neg, self)
    }
}

/// The values joined left to right by the binary `op`, or a leaf `empty` when there are none.
fn chain(op: Op, mut values: impl Iterator<Item = Value>, empty: f64) -> Value {
    match values.next() {
        Some(first) => values.fold(first, |total, x| Value::binary(op, &total, &x)),
        None => Value::new(empty),
    }
}

impl Sum<Value> for Value {
    /// The sum as a chain of `+` nodes; the empty sum is a leaf 0.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let xs: Vec<Value> = (1..=3).map(|i| Value::new(i as f64)).collect();
    /// let s: Value = xs.iter().map(|x| x * 2.0).sum();
    /// s.backward();
    /// assert_eq!((s.data(), xs[0].grad()), (12.0, 2.0));
    /// assert_eq!(std::iter::empty::<Value>().sum::<Value>().data(), 0.0);
    /// ```
    fn sum<I: Iterator<Item = Value>>(iter: I) -> Value {
        chain(Op::Add, iter, 0.0)
    }
}

impl<'a> Sum<&'a Value> for Value {
    /// The sum of borrowed values, as `Sum<Value>`: `xs.iter().sum()`.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let xs = [Value::new(1.0), Value::new(2.0)];
    /// let s: Value = xs.iter().sum();
    /// assert_eq!(s.data(), 3.0);
    /// ```
    fn sum<I: Iterator<Item = &'a Value>>(iter: I) -> Value {
        iter.cloned().sum()
    }
}

impl Product<Value> for Value {
    /// The product as a chain of `*` nodes; the empty product is a leaf 1.
    ///
    /// ```
    /// # use circuitgrad::Value;
    /// let xs: Vec<Value> = (1..=3).map(|i| Value::new(i as f64)).collect();
    /// let p: Value = xs.iter().product(); // ∂p/∂x₀ = x₁x₂ = 6
    /// p.backward();
    /// assert_eq!((p.data(), xs[0].grad()), (6.0, 6.0));
    /// assert_eq!(std::iter::empty::<Value>().product::<Value>().data(), 1.0);
    /// ```
    fn product<I: Iterator<Item = Value>>(iter: I) -> Value {
        chain(Op::Mul, iter, 1.0)
    }
}

impl<'a> Product<&'a Value> for Value {
    /// The product of borrowed values, as `Product<Value>`.
    fn product<I: Iterator<Item = &'a Value>>(iter: I) -> Value {
        iter.cloned().product()
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;

    #[test]
    fn every_operand_mix_gives_the_same_numbers() {
        let (a, b) = (Value::new(6.0), Value::new(4.0));
        for (got, want) in [
            ((&a + &b).data(), 10.0),
            ((a.clone() + &b).data(), 10.0),
            ((&a + b.clone()).data(), 10.0),
            ((a.clone() + b.clone()).data(), 10.0),
            ((&a - 1.0).data(), 5.0),
            ((1.0 - &a).data(), -5.0),
            ((&a * 0.5).data(), 3.0),
            ((0.5 * &a).data(), 3.0),
            ((&a / 4.0).data(), 1.5),
            ((3.0 / &b).data(), 0.75),
            ((&a / &b).data(), 1.5),
            ((-&a).data(), -6.0),
            ((-a.clone()).data(), -6.0),
            ((&a * 2).data(), 12.0),
            ((2 * &a).data(), 12.0),
            ((&a - 1).data(), 5.0),
            ((12 / &a).data(), 2.0),
        ] {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn assignment_operators_rebind_to_a_new_node() {
        let x = Value::new(3.0);
        let mut y = x.clone();
        y += &x; // y = x + x
        y *= 2; // y = 2(x + x) = 4x
        y -= 1.0;
        y /= Value::new(2.0); // y = (4x - 1) / 2, dy/dx = 2
        y.backward();
        assert_eq!((y.data(), x.grad()), (5.5, 2.0));
        assert!(!y.same_node(&x));
    }

    #[test]
    fn scalar_operands_make_one_node_not_two() {
        let x = Value::new(2.0);
        let y = &x * 0.5;
        assert_eq!(y.inputs().len(), 1);
        assert_eq!(y.op_name(), "* 0.5");
    }
}
