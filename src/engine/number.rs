//! One way to print a number, everywhere the crate prints one: `Display` and `Debug` of a
//! [`Value`](crate::Value), traces, pictures, op names and the REPL.
//!
//! Shortest round-trip digits (`0.1`, `-12`, `0.8807970779778823`) from 1e-4 up to 1e16, and
//! scientific notation outside that range (`1e-20`, `2.5e17`), so a tiny gradient is neither a
//! long row of zeros nor rounded away. A precision (`{:.3}`) gives that many digits after the
//! point in either form. NaN and infinities print as `NaN`, `inf`, `-inf`.

use std::fmt;

/// Writes `x` in the crate's number format, with `precision` digits after the point if given.
pub(crate) fn write(f: &mut impl fmt::Write, x: f64, precision: Option<usize>) -> fmt::Result {
    let plain = x == 0.0 || !x.is_finite() || (1e-4..1e16).contains(&x.abs());
    match (plain, precision) {
        (true, None) => write!(f, "{x}"),
        (true, Some(p)) => write!(f, "{x:.p$}"),
        (false, None) => write!(f, "{x:e}"),
        (false, Some(p)) => write!(f, "{x:.p$e}"),
    }
}

/// `x` in the crate's number format, as a `String`.
pub(crate) fn format(x: f64, precision: Option<usize>) -> String {
    let mut s = String::new();
    let _ = write(&mut s, x, precision); // writing to a String cannot fail
    s
}

/// A number that prints in the crate's format with `{}` and `{:?}` (and their precision).
#[derive(Clone, Copy)]
pub(crate) struct Number(pub(crate) f64);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write(f, self.0, f.precision())
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write(f, self.0, f.precision())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_in_the_middle_scientific_at_the_ends() {
        let cases = [
            (0.0, "0"),
            (-12.0, "-12"),
            (0.1, "0.1"),
            (1e-4, "0.0001"),
            (5e-5, "5e-5"),
            (1e-20, "1e-20"),
            (1e16, "1e16"),
            (123456789.5, "123456789.5"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, want) in cases {
            assert_eq!(format(x, None), want);
        }
        assert_eq!(format(2.0 / 3.0, Some(3)), "0.667");
        assert_eq!(format(1.5e-20, Some(2)), "1.50e-20");
    }
}
