//! The transcendental functions of every op and optimiser, from one place.
//!
//! By default they are the platform's (`f64::exp` and friends: glibc on Linux), which is what
//! Python calls too, so micrograd's programs print the same digits here as there. With the
//! feature `portable-math` they come from the [`libm`](https://docs.rs/libm) crate instead, pure
//! Rust that gives the same bits on every target: what WebAssembly has (the playground turns it on),
//! and a way to reproduce the playground's numbers natively to the last bit. The two agree to
//! about one unit in the last place; which one rounds which way differs per input (and glibc
//! itself rounds differently on CPUs with and without FMA: see playground/README.md).
//!
//! `+ - * /` and `sqrt` need no such care: IEEE-754 rounds them exactly, on every target.

#[cfg(not(feature = "portable-math"))]
mod imp {
    #[inline]
    pub fn exp(x: f64) -> f64 {
        x.exp()
    }
    #[inline]
    pub fn ln(x: f64) -> f64 {
        x.ln()
    }
    #[inline]
    pub fn tanh(x: f64) -> f64 {
        x.tanh()
    }
    /// `black_box` hides the exponent from the optimiser, which would otherwise rewrite a
    /// constant one (see [`crate::local::pow`]).
    #[inline]
    pub fn pow(x: f64, y: f64) -> f64 {
        x.powf(std::hint::black_box(y))
    }
}

#[cfg(feature = "portable-math")]
mod imp {
    #[inline]
    pub fn exp(x: f64) -> f64 {
        libm::exp(x)
    }
    #[inline]
    pub fn ln(x: f64) -> f64 {
        libm::log(x)
    }
    #[inline]
    pub fn tanh(x: f64) -> f64 {
        libm::tanh(x)
    }
    #[inline]
    pub fn pow(x: f64, y: f64) -> f64 {
        libm::pow(x, y)
    }
}

pub(crate) use imp::{exp, ln, pow, tanh};
