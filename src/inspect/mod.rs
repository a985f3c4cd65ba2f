//! Seeing a circuit: its gradient trace, backprop taken apart node by node, and pictures.

pub mod draw;
mod notebook;
pub(crate) mod trace;
pub mod walkthrough;

/// A node written as an expression of its inputs, from its op as traces print it: `a * b`,
/// `x * 0.5`, `1 - x`, `x^2`, `tanh(x)`, `max(a, b)`.
pub(crate) fn expression(op: &str, inputs: &[String]) -> String {
    let symbol = |c: char| "+-*/^".contains(c);
    match inputs {
        [a, b] if op.chars().all(symbol) => format!("{a} {op} {b}"),
        // A scalar operand before the input (`1 -`, `-2 /`) or after it (`* 0.5`, `^2`).
        [x] if op.ends_with(symbol) => format!("{op} {x}"),
        [x] if op.starts_with('^') => format!("{x}{op}"),
        [x] if op.starts_with(symbol) => format!("{x} {op}"),
        _ => format!("{op}({})", inputs.join(", ")),
    }
}

/// Writes `header` and `rows` as text columns joined by ` | `, each column as wide as its widest
/// cell, with no spaces at the end of a line.
pub(crate) fn write_columns<const N: usize>(
    f: &mut impl std::fmt::Write,
    header: [&str; N],
    rows: &[[String; N]],
) -> std::fmt::Result {
    use itertools::Itertools;
    let header = header.map(String::from);
    let lines = || std::iter::once(&header).chain(rows);
    let widths: [usize; N] = std::array::from_fn(|column| {
        lines()
            .map(|line| line[column].chars().count())
            .max()
            .unwrap_or(0)
    });
    for line in lines() {
        let text = line
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .join(" | ");
        writeln!(f, "{}", text.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::expression;

    #[test]
    fn every_shape_of_op_reads_as_math() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(expression("*", &s(&["a", "b"])), "a * b");
        assert_eq!(expression("^", &s(&["a", "b"])), "a ^ b");
        assert_eq!(expression("* 0.5", &s(&["x"])), "x * 0.5");
        assert_eq!(expression("^2", &s(&["x"])), "x^2");
        assert_eq!(expression("1 -", &s(&["x"])), "1 - x");
        assert_eq!(expression("-2 /", &s(&["x"])), "-2 / x");
        assert_eq!(expression("tanh", &s(&["x"])), "tanh(x)");
        assert_eq!(expression("∂max/∂a", &s(&["a", "b"])), "∂max/∂a(a, b)");
        assert_eq!(expression("softplus'", &s(&["x"])), "softplus'(x)");
    }
}
