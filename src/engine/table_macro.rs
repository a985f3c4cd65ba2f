//! The macro that turns the op table (`table.rs`) into the [`Op`](crate::Op) enum and the one
//! `match` per question that every consumer asks of an op.
//!
//! A row reads `Name(inputs) "printed" = forward, [local derivatives], |out| [as circuits];`,
//! where the inputs are `(x)` for one input, `(a, b)` for two, and `(x, c: f64)` for one input and
//! a scalar operand that the node keeps (its name is the one the printed form uses, `"^{n}"` for
//! `(x, n: f64)`). The forward rule and the derivatives name functions of
//! [`local`](crate::local), whose signatures follow the shape: `dx(x, out)` for one input,
//! `da(a, b)` and `db(a, b)` for two, `dx(x, c)` for a scalar operand. The circuits are expressions
//! in the inputs (`&Value`s, and the scalar as an `f64`) and the node's output `out`, built with
//! the ordinary operators and methods; each is a number (a derivative that does not depend on the
//! inputs) or a `Value`, and its value must be the `local` function's bit for bit
//! (`tests/higher_order.rs` checks it for every row).
//!
//! A last section, `@custom { … }`, lists the ops of your own by their inputs only: their rules are
//! in their nodes (see `custom.rs`), and the arms for them read them there.
//!
//! From each row it writes the enum variant (with the row's doc comment), and the arms of:
//! `Op::ALL`, `Op::arity`, `Op::describe` (how traces print a node), `Op::eval` and `Op::local`
//! (the numbers, for the tape, the walkthrough and forward mode), `Op::backward` (the node's
//! backward closure: the chain rule with the row's local derivatives), and `Op::local_circuit`
//! (the derivatives as circuits, for `grad`).

macro_rules! op_table {
    ($(
        $(#[doc = $doc:literal])*
        $Op:ident $shape:tt $printed:literal = $forward:ident, $derivs:tt,
            |$out:ident| [$($circuit:expr),+];
    )*
    @custom {$(
        $(#[doc = $cdoc:literal])*
        $COp:ident $cshape:tt;
    )*}) => {
        /// The op that made a node: one variant per row of the op table, and [`Op::Leaf`] for the
        /// circuit's inputs.
        ///
        /// Every op is defined once, in the table (`src/engine/table.rs`): its inputs, how it prints,
        /// its forward rule and its local derivatives, all functions of [`local`](crate::local).
        /// The methods of [`Value`](crate::Value) (`tanh`, `+`, …) and [`Op::apply`] build nodes
        /// from it; `backward()`, the tape, the walkthrough and the traces read it.
        ///
        /// ```
        /// use circuitgrad::{Arity, Op, Value};
        ///
        /// assert_eq!(Op::Tanh.arity(), Arity::One);
        /// assert_eq!(Op::Tanh.eval(0.5, f64::NAN), 0.5f64.tanh());
        /// let x = Value::new(0.5);
        /// let y = Op::Tanh.apply(&x, &x, f64::NAN).expect("a table op");
        /// assert_eq!(y.data(), x.tanh().data());
        /// assert!(Op::ALL.contains(&Op::Mul));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Op {
            /// An input of a circuit, made by [`Value::new`](crate::Value::new): no inputs, no
            /// derivative of its own.
            Leaf,
            $(
                $(#[doc = $doc])*
                $Op,
            )*
            $(
                $(#[doc = $cdoc])*
                $COp,
            )*
        }

        impl Op {
            /// Every op of the table, in table order: every op [`apply`](Op::apply) can build
            /// ([`Op::Leaf`] and the custom ops, whose rules live in their nodes, are not in it).
            pub const ALL: &'static [Op] = &[$(Op::$Op),*];

            /// What a node of this op takes: nothing, one input, two, or one and a scalar operand.
            #[inline(always)]
            pub fn arity(self) -> Arity {
                match self {
                    Op::Leaf => Arity::Zero,
                    $(Op::$Op => op_table!(@arity $shape),)*
                    $(Op::$COp => op_table!(@arity $cshape),)*
                }
            }

            /// How traces and pictures name a node of this op; `c` is its scalar operand, if it has
            /// one.
            pub(crate) fn describe(self, c: f64) -> String {
                match self {
                    Op::Leaf => String::from("leaf"),
                    $(Op::$Op => op_table!(@describe $shape $printed c),)*
                    $(Op::$COp => String::from("custom"),)*
                }
            }

            /// The forward rule on plain numbers: `x` is the first input, `y` the second input or
            /// the scalar operand (ignored by one-input ops); a leaf gives back `x`, and a custom
            /// op, whose rules are in its nodes, NaN.
            #[inline(always)]
            pub fn eval(self, x: f64, y: f64) -> f64 {
                match self {
                    Op::Leaf => x,
                    $(Op::$Op => op_table!(@eval $shape $forward x y),)*
                    $(Op::$COp => f64::NAN,)*
                }
            }

            /// The local derivatives with respect to the first and the second input (0 where
            /// there is none), at inputs `x`, `y` (as for [`eval`](Op::eval)) and output `out`
            /// (NaN for a custom op, whose rules are in its nodes).
            #[inline(always)]
            pub fn local(self, x: f64, y: f64, out: f64) -> [f64; 2] {
                let _ = (x, y, out); // a leaf uses none of them
                match self {
                    Op::Leaf => [0.0, 0.0],
                    $(Op::$Op => op_table!(@local $shape $derivs x y out),)*
                    $(Op::$COp => [f64::NAN, f64::NAN],)*
                }
            }

            /// The backward closure of a node of this op: the chain rule with the row's local
            /// derivatives. A plain function pointer (the closures capture nothing).
            #[inline(always)]
            pub(crate) fn backward(self) -> crate::engine::node::BackwardFn {
                match self {
                    Op::Leaf => |_| {},
                    $(Op::$Op => op_table!(@backward $shape $derivs),)*
                    $(Op::$COp => (|n| n.chain_custom()) as crate::engine::node::BackwardFn,)*
                }
            }

            /// The local derivative with respect to input `k` (0 or 1) as a circuit, for a node
            /// `out` of this op on inputs `x` (and `y`, or the scalar `c`, as its arity says).
            /// Its value is [`local`](Op::local)'s, bit for bit.
            #[allow(unused_variables)] // each row uses the inputs its derivatives need
            pub(crate) fn local_circuit(
                self,
                k: usize,
                x: &crate::Value,
                y: &crate::Value,
                c: f64,
                out: &crate::Value,
            ) -> Dx {
                match self {
                    Op::Leaf => Dx::Const(0.0),
                    $(Op::$Op => {
                        op_table!(@bind $shape x y c);
                        let $out: &crate::Value = out;
                        op_table!(@pick k $($circuit),+)
                    })*
                    // The next derivative, as a node of its own (NaN past the ones given).
                    $(Op::$COp => match out.node().custom() {
                        Some(c) => Dx::Node(c.derivative(k).apply(x, y)),
                        None => Dx::Const(f64::NAN),
                    },)*
                }
            }
        }
    };

    (@bind ($x:ident) $in0:ident $in1:ident $c:ident) => {
        let $x: &crate::Value = $in0;
    };
    (@bind ($a:ident, $b:ident) $in0:ident $in1:ident $c:ident) => {
        let ($a, $b): (&crate::Value, &crate::Value) = ($in0, $in1);
    };
    (@bind ($x:ident, $name:ident : f64) $in0:ident $in1:ident $c:ident) => {
        let ($x, $name): (&crate::Value, f64) = ($in0, $c);
    };

    (@pick $k:ident $e0:expr) => { Dx::from($e0) };
    (@pick $k:ident $e0:expr, $e1:expr) => {
        if $k == 0 { Dx::from($e0) } else { Dx::from($e1) }
    };

    (@arity ($x:ident)) => { Arity::One };
    (@arity ($a:ident, $b:ident)) => { Arity::Two };
    (@arity ($x:ident, $c:ident : f64)) => { Arity::OneAndScalar };

    (@describe ($x:ident) $printed:literal $c:ident) => { String::from($printed) };
    (@describe ($a:ident, $b:ident) $printed:literal $c:ident) => { String::from($printed) };
    (@describe ($x:ident, $name:ident : f64) $printed:literal $c:ident) => {
        format!($printed, $name = crate::engine::number::Number($c))
    };

    (@eval ($x:ident) $f:ident $in0:ident $in1:ident) => { crate::local::$f($in0) };
    (@eval ($a:ident, $b:ident) $f:ident $in0:ident $in1:ident) => { crate::local::$f($in0, $in1) };
    (@eval ($x:ident, $c:ident : f64) $f:ident $in0:ident $in1:ident) => {
        crate::local::$f($in0, $in1)
    };

    (@local ($x:ident) [$dx:ident] $in0:ident $in1:ident $out:ident) => {
        [crate::local::$dx($in0, $out), 0.0]
    };
    (@local ($a:ident, $b:ident) [$da:ident, $db:ident] $in0:ident $in1:ident $out:ident) => {
        [crate::local::$da($in0, $in1), crate::local::$db($in0, $in1)]
    };
    (@local ($x:ident, $c:ident : f64) [$dx:ident] $in0:ident $in1:ident $out:ident) => {
        [crate::local::$dx($in0, $in1), 0.0]
    };

    (@backward ($x:ident) [$dx:ident]) => {
        (|n| n.chain_one(crate::local::$dx)) as crate::engine::node::BackwardFn
    };
    (@backward ($a:ident, $b:ident) [$da:ident, $db:ident]) => {
        (|n| n.chain_two(crate::local::$da, crate::local::$db)) as crate::engine::node::BackwardFn
    };
    (@backward ($x:ident, $c:ident : f64) [$dx:ident]) => {
        (|n| n.chain_scalar(crate::local::$dx)) as crate::engine::node::BackwardFn
    };
}
