//! Every op's forward rule and local derivatives, as plain `f64` functions with no graph in sight.
//!
//! The chain rule only ever needs the *local* derivative of one gate, multiplied by the gradient
//! that arrives at its output. These functions are those local derivatives; the methods of
//! [`Value`](crate::Value) multiply and route them. Naming: `op` is the forward rule,
//! `op_da`/`op_db` the partial derivatives of a two-input op, `op_dx` the derivative of a one-input
//! op. A one-input op's `op_dx(x, out)` also gets its output, because `tanh`, `sigmoid` and `exp`
//! have derivatives best written with it; an op with a scalar operand `c` gets `op_dx(x, c)`.
//!
//! Domain problems follow IEEE-754: `ln(-1)` is NaN, `1/0` is inf, and they propagate.
//!
//! ```
//! use circuitgrad::local;
//! // The sigmoid gate of the tutorial: s = σ(2), and its local gradient s·(1 − s).
//! let s = local::sigmoid(2.0);
//! assert_eq!(s, 0.8807970779778823);
//! assert_eq!(local::sigmoid_dx(2.0, s), 0.10499358540350662);
//! ```

/// `a + b`.
/// ```
/// assert_eq!(circuitgrad::local::add(1.5, 2.0), 3.5);
/// ```
#[inline]
pub fn add(a: f64, b: f64) -> f64 {
    a + b
}
/// ∂(a + b)/∂a = 1.
/// ```
/// assert_eq!(circuitgrad::local::add_da(1.5, 2.0), 1.0);
/// ```
#[inline]
pub fn add_da(_a: f64, _b: f64) -> f64 {
    1.0
}
/// ∂(a + b)/∂b = 1.
/// ```
/// assert_eq!(circuitgrad::local::add_db(1.5, 2.0), 1.0);
/// ```
#[inline]
pub fn add_db(_a: f64, _b: f64) -> f64 {
    1.0
}

/// `a - b`.
/// ```
/// assert_eq!(circuitgrad::local::sub(1.5, 2.0), -0.5);
/// ```
#[inline]
pub fn sub(a: f64, b: f64) -> f64 {
    a - b
}
/// ∂(a − b)/∂a = 1.
/// ```
/// assert_eq!(circuitgrad::local::sub_da(1.5, 2.0), 1.0);
/// ```
#[inline]
pub fn sub_da(_a: f64, _b: f64) -> f64 {
    1.0
}
/// ∂(a − b)/∂b = −1.
/// ```
/// assert_eq!(circuitgrad::local::sub_db(1.5, 2.0), -1.0);
/// ```
#[inline]
pub fn sub_db(_a: f64, _b: f64) -> f64 {
    -1.0
}

/// `a * b`.
/// ```
/// assert_eq!(circuitgrad::local::mul(-2.0, 3.0), -6.0);
/// ```
#[inline]
pub fn mul(a: f64, b: f64) -> f64 {
    a * b
}
/// ∂(a·b)/∂a = b.
/// ```
/// assert_eq!(circuitgrad::local::mul_da(-2.0, 3.0), 3.0);
/// ```
#[inline]
pub fn mul_da(_a: f64, b: f64) -> f64 {
    b
}
/// ∂(a·b)/∂b = a.
/// ```
/// assert_eq!(circuitgrad::local::mul_db(-2.0, 3.0), -2.0);
/// ```
#[inline]
pub fn mul_db(a: f64, _b: f64) -> f64 {
    a
}

/// `a / b`. `1/0` is inf and `0/0` is NaN (IEEE-754).
/// ```
/// use circuitgrad::local::div;
/// assert_eq!(div(1.0, 4.0), 0.25);
/// assert_eq!(div(1.0, 0.0), f64::INFINITY);
/// ```
#[inline]
pub fn div(a: f64, b: f64) -> f64 {
    a / b
}
/// ∂(a/b)/∂a = 1/b.
/// ```
/// assert_eq!(circuitgrad::local::div_da(1.0, 4.0), 0.25);
/// ```
#[inline]
pub fn div_da(_a: f64, b: f64) -> f64 {
    1.0 / b
}
/// ∂(a/b)/∂b = −a/b².
/// ```
/// assert_eq!(circuitgrad::local::div_db(1.0, 4.0), -0.0625);
/// ```
#[inline]
pub fn div_db(a: f64, b: f64) -> f64 {
    -a / (b * b)
}

/// The larger of `a` and `b`; if one is NaN, the other (IEEE-754 `maxNum`).
/// ```
/// use circuitgrad::local::max;
/// assert_eq!(max(-2.0, 3.0), 3.0);
/// assert_eq!(max(f64::NAN, 3.0), 3.0);
/// ```
#[inline]
pub fn max(a: f64, b: f64) -> f64 {
    a.max(b)
}
/// ∂max(a, b)/∂a: 1 if `a` is the larger (or `b` is NaN), ½ on a tie, 0 otherwise.
///
/// On a tie the gradient is split evenly, so `x.max(&x)` still has derivative 1.
/// ```
/// use circuitgrad::local::max_da;
/// assert_eq!((max_da(3.0, 2.0), max_da(2.0, 2.0), max_da(1.0, 2.0)), (1.0, 0.5, 0.0));
/// ```
#[inline]
pub fn max_da(a: f64, b: f64) -> f64 {
    if a == b {
        0.5
    } else if a > b || b.is_nan() {
        1.0
    } else {
        0.0
    }
}
/// ∂max(a, b)/∂b, the mirror of [`max_da`].
/// ```
/// use circuitgrad::local::max_db;
/// assert_eq!((max_db(3.0, 2.0), max_db(2.0, 2.0), max_db(1.0, 2.0)), (0.0, 0.5, 1.0));
/// ```
#[inline]
pub fn max_db(a: f64, b: f64) -> f64 {
    max_da(b, a)
}

/// `x + c` for a scalar `c`.
/// ```
/// assert_eq!(circuitgrad::local::add_scalar(0.5, 0.25), 0.75);
/// ```
#[inline]
pub fn add_scalar(x: f64, c: f64) -> f64 {
    x + c
}
/// ∂(x + c)/∂x = 1.
/// ```
/// assert_eq!(circuitgrad::local::add_scalar_dx(0.5, 0.25), 1.0);
/// ```
#[inline]
pub fn add_scalar_dx(_x: f64, _c: f64) -> f64 {
    1.0
}

/// `x * c` for a scalar `c`.
/// ```
/// assert_eq!(circuitgrad::local::mul_scalar(0.5, 3.0), 1.5);
/// ```
#[inline]
pub fn mul_scalar(x: f64, c: f64) -> f64 {
    x * c
}
/// ∂(x·c)/∂x = c.
/// ```
/// assert_eq!(circuitgrad::local::mul_scalar_dx(0.5, 3.0), 3.0);
/// ```
#[inline]
pub fn mul_scalar_dx(_x: f64, c: f64) -> f64 {
    c
}

/// `c - x` for a scalar `c` (a scalar on the left of `-`).
/// ```
/// assert_eq!(circuitgrad::local::scalar_sub(0.5, 100.0), 99.5);
/// ```
#[inline]
pub fn scalar_sub(x: f64, c: f64) -> f64 {
    c - x
}
/// ∂(c − x)/∂x = −1.
/// ```
/// assert_eq!(circuitgrad::local::scalar_sub_dx(0.5, 100.0), -1.0);
/// ```
#[inline]
pub fn scalar_sub_dx(_x: f64, _c: f64) -> f64 {
    -1.0
}

/// `x / c` for a scalar `c`.
/// ```
/// assert_eq!(circuitgrad::local::div_scalar(3.0, 4.0), 0.75);
/// ```
#[inline]
pub fn div_scalar(x: f64, c: f64) -> f64 {
    x / c
}
/// ∂(x/c)/∂x = 1/c.
/// ```
/// assert_eq!(circuitgrad::local::div_scalar_dx(3.0, 4.0), 0.25);
/// ```
#[inline]
pub fn div_scalar_dx(_x: f64, c: f64) -> f64 {
    1.0 / c
}

/// `c / x` for a scalar `c` (a scalar on the left of `/`).
/// ```
/// assert_eq!(circuitgrad::local::scalar_div(4.0, 1.0), 0.25);
/// ```
#[inline]
pub fn scalar_div(x: f64, c: f64) -> f64 {
    c / x
}
/// ∂(c/x)/∂x = −c/x².
/// ```
/// assert_eq!(circuitgrad::local::scalar_div_dx(4.0, 1.0), -0.0625);
/// ```
#[inline]
pub fn scalar_div_dx(x: f64, c: f64) -> f64 {
    -c / (x * x)
}

/// `x^n`, by a call to the math library's `pow` (the platform's, or with the feature
/// `portable-math` the `libm` crate's): `0^-1` is inf, a negative base with a fractional `n` is
/// NaN.
///
/// Always a call: the compiler would rewrite `powf` with a constant exponent (`x.powf(2.0)` into
/// `x * x`, `x.powf(0.5)` into a square root). Those rewrites round correctly, while `pow` is
/// allowed half an ulp more, so the two differ in the last bit now and then, and those bits add up
/// over a training run. Python's `**` calls `pow`, so every `**` of micrograd's is a real call to
/// `pow` here ([`tanh_dx`] too), and micrograd's numbers come out digit for digit.
/// ```
/// assert_eq!(circuitgrad::local::pow(3.0, 2.0), 9.0);
/// ```
#[inline]
pub fn pow(x: f64, n: f64) -> f64 {
    crate::engine::math::pow(x, n)
}
/// ∂xⁿ/∂x = n·xⁿ⁻¹ (and exactly 0 for n = 0, also at x = 0).
/// ```
/// use circuitgrad::local::pow_dx;
/// assert_eq!(pow_dx(3.0, 2.0), 6.0);
/// assert_eq!(pow_dx(0.0, 0.0), 0.0);
/// ```
#[inline]
pub fn pow_dx(x: f64, n: f64) -> f64 {
    if n == 0.0 { 0.0 } else { n * pow(x, n - 1.0) }
}

/// `-x`.
/// ```
/// assert_eq!(circuitgrad::local::neg(2.0), -2.0);
/// ```
#[inline]
pub fn neg(x: f64) -> f64 {
    -x
}
/// ∂(−x)/∂x = −1.
/// ```
/// assert_eq!(circuitgrad::local::neg_dx(2.0, -2.0), -1.0);
/// ```
#[inline]
pub fn neg_dx(_x: f64, _out: f64) -> f64 {
    -1.0
}

/// `eˣ`; overflows to inf above about 709.78.
/// ```
/// assert_eq!(circuitgrad::local::exp(0.0), 1.0);
/// ```
#[inline]
pub fn exp(x: f64) -> f64 {
    crate::engine::math::exp(x)
}
/// ∂eˣ/∂x = eˣ, the output itself.
/// ```
/// assert_eq!(circuitgrad::local::exp_dx(0.0, 1.0), 1.0);
/// ```
#[inline]
pub fn exp_dx(_x: f64, out: f64) -> f64 {
    out
}

/// The natural logarithm: `ln(0)` is −inf, `ln(-1)` is NaN.
/// ```
/// use circuitgrad::local::ln;
/// assert_eq!(ln(1.0), 0.0);
/// assert!(ln(-1.0).is_nan());
/// ```
#[inline]
pub fn ln(x: f64) -> f64 {
    crate::engine::math::ln(x)
}
/// ∂ln(x)/∂x = 1/x.
/// ```
/// assert_eq!(circuitgrad::local::ln_dx(4.0, 4f64.ln()), 0.25);
/// ```
#[inline]
pub fn ln_dx(x: f64, _out: f64) -> f64 {
    1.0 / x
}

/// `tanh(x)`.
/// ```
/// assert_eq!(circuitgrad::local::tanh(0.0), 0.0);
/// ```
#[inline]
pub fn tanh(x: f64) -> f64 {
    crate::engine::math::tanh(x)
}
/// ∂tanh(x)/∂x = 1 − tanh²(x), from the output t, with t² computed by `pow` as micrograd's
/// `out.data**2` is (see [`pow`]: `t * t` differs from it in the last bit now and then).
/// ```
/// assert_eq!(circuitgrad::local::tanh_dx(0.0, 0.0), 1.0);
/// ```
#[inline]
pub fn tanh_dx(_x: f64, t: f64) -> f64 {
    1.0 - pow(t, 2.0)
}

/// The logistic sigmoid `1 / (1 + e⁻ˣ)`, written as the guide writes it.
/// ```
/// assert_eq!(circuitgrad::local::sigmoid(0.0), 0.5);
/// ```
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + crate::engine::math::exp(-x))
}
/// ∂σ(x)/∂x = σ(x)·(1 − σ(x)), from the output s.
/// ```
/// assert_eq!(circuitgrad::local::sigmoid_dx(0.0, 0.5), 0.25);
/// ```
#[inline]
pub fn sigmoid_dx(_x: f64, s: f64) -> f64 {
    s * (1.0 - s)
}

/// `max(x, 0)`; NaN passes through.
/// ```
/// use circuitgrad::local::relu;
/// assert_eq!((relu(-2.0), relu(3.0)), (0.0, 3.0));
/// ```
#[inline]
pub fn relu(x: f64) -> f64 {
    if x <= 0.0 { 0.0 } else { x }
}
/// ∂relu(x)/∂x: 1 for x > 0, else 0 (so relu′(0) = 0).
/// ```
/// use circuitgrad::local::relu_dx;
/// assert_eq!((relu_dx(-1.0, 0.0), relu_dx(0.0, 0.0), relu_dx(2.0, 2.0)), (0.0, 0.0, 1.0));
/// ```
#[inline]
pub fn relu_dx(x: f64, _out: f64) -> f64 {
    step(x)
}

/// The smaller of `a` and `b`; if one is NaN, the other (IEEE-754 `minNum`).
/// ```
/// use circuitgrad::local::min;
/// assert_eq!(min(-2.0, 3.0), -2.0);
/// assert_eq!(min(f64::NAN, 3.0), 3.0);
/// ```
#[inline]
pub fn min(a: f64, b: f64) -> f64 {
    a.min(b)
}
/// ∂min(a, b)/∂a: 1 if `a` is the smaller (or `b` is NaN), ½ on a tie, 0 otherwise.
/// ```
/// use circuitgrad::local::min_da;
/// assert_eq!((min_da(1.0, 2.0), min_da(2.0, 2.0), min_da(3.0, 2.0)), (1.0, 0.5, 0.0));
/// ```
#[inline]
pub fn min_da(a: f64, b: f64) -> f64 {
    max_da(-a, -b) // a is the smaller exactly when -a is the larger; NaNs and ties alike
}
/// ∂min(a, b)/∂b, the mirror of [`min_da`].
/// ```
/// use circuitgrad::local::min_db;
/// assert_eq!(min_db(1.0, 2.0), 0.0);
/// ```
#[inline]
pub fn min_db(a: f64, b: f64) -> f64 {
    min_da(b, a)
}

/// `a^b` with both a node: [`pow`], as for a number exponent.
/// ```
/// assert_eq!(circuitgrad::local::pow_value(2.0, 3.0), 8.0);
/// ```
#[inline]
pub fn pow_value(a: f64, b: f64) -> f64 {
    pow(a, b)
}
/// ∂aᵇ/∂a = b·aᵇ⁻¹ (0 for b = 0), as [`pow_dx`].
/// ```
/// assert_eq!(circuitgrad::local::pow_value_da(2.0, 3.0), 12.0);
/// ```
#[inline]
pub fn pow_value_da(a: f64, b: f64) -> f64 {
    pow_dx(a, b)
}
/// ∂aᵇ/∂b = aᵇ·ln a. At a = 0 with b > 0 it is 0 (aᵇ is 0 there for every b > 0); for a < 0
/// it is NaN (IEEE-754: ln of a negative number), as the real derivative does not exist.
/// ```
/// use circuitgrad::local::pow_value_db;
/// assert_eq!(pow_value_db(1.0, 5.0), 0.0); // 1^b is flat in b
/// assert_eq!(pow_value_db(0.0, 2.0), 0.0);
/// assert!(pow_value_db(-2.0, 2.0).is_nan());
/// ```
#[inline]
pub fn pow_value_db(a: f64, b: f64) -> f64 {
    if a == 0.0 && b > 0.0 {
        0.0
    } else {
        pow(a, b) * crate::engine::math::ln(a)
    }
}

/// `√x`. IEEE-754: `√-1` is NaN.
/// ```
/// assert_eq!(circuitgrad::local::sqrt(9.0), 3.0);
/// ```
#[inline]
pub fn sqrt(x: f64) -> f64 {
    x.sqrt()
}
/// ∂√x/∂x = 1/(2√x), from the output: inf at 0.
/// ```
/// assert_eq!(circuitgrad::local::sqrt_dx(9.0, 3.0), 1.0 / 6.0);
/// ```
#[inline]
pub fn sqrt_dx(_x: f64, out: f64) -> f64 {
    0.5 / out
}

/// `|x|`.
/// ```
/// assert_eq!(circuitgrad::local::abs(-2.5), 2.5);
/// ```
#[inline]
pub fn abs(x: f64) -> f64 {
    x.abs()
}
/// ∂|x|/∂x: the sign of x, and 0 at 0 (the same side as ReLU's kink); NaN for NaN.
/// ```
/// use circuitgrad::local::abs_dx;
/// assert_eq!((abs_dx(-2.0, 2.0), abs_dx(0.0, 0.0), abs_dx(3.0, 3.0)), (-1.0, 0.0, 1.0));
/// ```
#[inline]
pub fn abs_dx(x: f64, _out: f64) -> f64 {
    sign(x)
}

/// `x²`, as `x * x`.
/// ```
/// assert_eq!(circuitgrad::local::square(-3.0), 9.0);
/// ```
#[inline]
pub fn square(x: f64) -> f64 {
    x * x
}
/// ∂x²/∂x = 2x.
/// ```
/// assert_eq!(circuitgrad::local::square_dx(-3.0, 9.0), -6.0);
/// ```
#[inline]
pub fn square_dx(x: f64, _out: f64) -> f64 {
    2.0 * x
}

// The derivatives above that have a branch, as rules of their own: `grad` builds nodes of them
// (ops `Step`, `Sign`, `MaxDa`, `MinDa`, `PowDa`, `PowDb`), so a derivative written as a circuit
// re-decides its branch when its inputs change, and can be differentiated again.

/// The unit step: 1 for x > 0, else 0 (NaN too): [`relu_dx`] as a rule of its own.
/// ```
/// use circuitgrad::local::step;
/// assert_eq!((step(-1.0), step(0.0), step(2.0)), (0.0, 0.0, 1.0));
/// ```
#[inline]
pub fn step(x: f64) -> f64 {
    if x > 0.0 { 1.0 } else { 0.0 }
}

/// The sign of x, 0 at 0 and NaN for NaN: [`abs_dx`] as a rule of its own.
/// ```
/// use circuitgrad::local::sign;
/// assert_eq!((sign(-2.0), sign(0.0), sign(3.0)), (-1.0, 0.0, 1.0));
/// ```
#[inline]
pub fn sign(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x.signum() }
}

/// The derivative of a step (`step`, `sign`): 0. At the step itself the true derivative is not a
/// number (a Dirac delta); 0 is what it is taken to be there too, as PyTorch and JAX do.
/// ```
/// assert_eq!(circuitgrad::local::zero_dx(0.0, 1.0), 0.0);
/// ```
#[inline]
pub fn zero_dx(_x: f64, _out: f64) -> f64 {
    0.0
}

/// ∂/∂a of a two-input step ([`max_da`], [`min_da`]): 0, on a tie too (see [`zero_dx`]).
/// ```
/// assert_eq!(circuitgrad::local::zero_da(1.0, 1.0), 0.0);
/// ```
#[inline]
pub fn zero_da(_a: f64, _b: f64) -> f64 {
    0.0
}

/// ∂/∂b of a two-input step: 0.
/// ```
/// assert_eq!(circuitgrad::local::zero_db(1.0, 2.0), 0.0);
/// ```
#[inline]
pub fn zero_db(_a: f64, _b: f64) -> f64 {
    0.0
}

/// ∂(b·aᵇ⁻¹)/∂a = b·(b − 1)·aᵇ⁻²: the second derivative of aᵇ in a.
/// ```
/// assert_eq!(circuitgrad::local::pow_value_da_da(2.0, 3.0), 12.0); // 3·2·2
/// ```
#[inline]
pub fn pow_value_da_da(a: f64, b: f64) -> f64 {
    b * (b - 1.0) * pow(a, b - 2.0)
}

/// ∂(b·aᵇ⁻¹)/∂b = aᵇ⁻¹·(b·ln a + 1): the mixed second derivative of aᵇ.
/// ```
/// let want = 4.0 * (3.0 * 2f64.ln() + 1.0); // 2² (3 ln 2 + 1)
/// assert_eq!(circuitgrad::local::pow_value_da_db(2.0, 3.0), want);
/// ```
#[inline]
pub fn pow_value_da_db(a: f64, b: f64) -> f64 {
    pow(a, b - 1.0) * (b * crate::engine::math::ln(a) + 1.0)
}

/// ∂(aᵇ·ln a)/∂a = aᵇ⁻¹·(b·ln a + 1): the mixed second derivative again, from the other side.
/// ```
/// use circuitgrad::local::{pow_value_da_db, pow_value_db_da};
/// assert_eq!(pow_value_db_da(2.0, 3.0), pow_value_da_db(2.0, 3.0));
/// ```
#[inline]
pub fn pow_value_db_da(a: f64, b: f64) -> f64 {
    pow_value_da_db(a, b)
}

/// ∂(aᵇ·ln a)/∂b = aᵇ·ln²a, as [`pow_value_db`] times ln a (NaN at a = 0, where that is 0·∞).
/// ```
/// let l = 2f64.ln();
/// assert_eq!(circuitgrad::local::pow_value_db_db(2.0, 3.0), 8.0 * l * l);
/// ```
#[inline]
pub fn pow_value_db_db(a: f64, b: f64) -> f64 {
    pow_value_db(a, b) * crate::engine::math::ln(a)
}

#[cfg(test)]
mod tests {
    //! The edges of the rules. (Every rule against central differences of its forward rule is in
    //! `tests/properties.rs`, for every op of the table.)
    use super::*;

    #[test]
    fn kinks_take_the_documented_side() {
        assert_eq!(relu_dx(0.0, 0.0), 0.0); // relu'(0) = 0
        assert_eq!(max_da(1.0, 1.0) + max_db(1.0, 1.0), 1.0); // a tie splits the gradient
        assert_eq!(pow_dx(0.0, 0.0), 0.0); // d/dx x^0 = 0, not 0·0^-1 = NaN
    }

    #[test]
    fn domain_errors_follow_ieee_754() {
        assert!(ln(-1.0).is_nan());
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(div(1.0, 0.0), f64::INFINITY);
        assert!(div(0.0, 0.0).is_nan());
        assert_eq!(exp(1000.0), f64::INFINITY);
        assert_eq!(sigmoid(-1000.0), 0.0); // e^1000 = inf, 1/inf = 0: no NaN
        assert!(relu(f64::NAN).is_nan());
    }
}
