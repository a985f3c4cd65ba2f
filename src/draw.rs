//! Pictures of circuits: Graphviz DOT text, and an SVG drawn by the crate itself (no Graphviz).
//!
//! Both show what micrograd's `draw_dot` shows: a box per value (label, data, grad) and, between a
//! value and its inputs, a small oval with the op. The SVG lays the circuit out in layers, left to
//! right: a circuit is a DAG, so each value's column is one more than its deepest input's, and the
//! values of a column are ordered by the rows of their inputs (two barycenter passes), which keeps
//! edges short and mostly uncrossed. It is linear-time, with no recursion and no external program.
//!
//! ```
//! use circuitgrad::Value;
//! let x = Value::new(-2.0).labeled("x");
//! let f = (&x * 3.0).labeled("f");
//! f.backward();
//! let dot = f.to_dot()?;
//! assert!(dot.contains(r#"label="{ f | data -6.0000 | grad 1.0000 }""#));
//! # #[cfg(feature = "svg")]
//! assert!(f.to_svg()?.starts_with("<svg"));
//! # Ok::<(), circuitgrad::draw::TooBig>(())
//! ```

use std::error::Error;
use std::fmt::{self, Write};

use crate::Value;
use crate::backward::{Numbered, topological_order};

/// The most values a picture shows. Past it a picture is unreadable, so drawing refuses rather than
/// write megabytes: at this size the SVG is about 0.5 MB and takes a few milliseconds to lay out.
pub const MAX_DRAWN_VALUES: usize = 2000;

/// The circuit is too big to draw usefully.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooBig {
    /// The number of values in the circuit.
    pub values: usize,
    /// The most that can be drawn ([`MAX_DRAWN_VALUES`]).
    pub limit: usize,
}

impl fmt::Display for TooBig {
    /// ```
    /// use circuitgrad::draw::TooBig;
    /// let e = TooBig { values: 65412, limit: 2000 };
    /// assert_eq!(e.to_string(), "the circuit has 65412 values; pictures are limited to 2000 \
    ///            (draw a smaller part of it, e.g. one neuron's output)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the circuit has {} values; pictures are limited to {} \
             (draw a smaller part of it, e.g. one neuron's output)",
            self.values, self.limit
        )
    }
}

impl Error for TooBig {}

/// One value of the picture.
struct Item {
    label: String,
    op: Option<String>,
    data: f64,
    grad: f64,
    inputs: Vec<usize>,
}

/// The circuit below `root`, inputs first, or `TooBig`.
fn items(root: &Value) -> Result<Vec<Item>, TooBig> {
    let order = topological_order(root);
    if order.len() > MAX_DRAWN_VALUES {
        return Err(TooBig {
            values: order.len(),
            limit: MAX_DRAWN_VALUES,
        });
    }
    let numbered = Numbered::new(order);
    Ok((0..numbered.order.len())
        .map(|i| {
            let v = &numbered.order[i];
            let inputs = numbered.input_positions(i);
            Item {
                label: v.label().unwrap_or_default(),
                op: (!inputs.is_empty()).then(|| v.op_name()),
                data: v.data(),
                grad: v.grad(),
                inputs,
            }
        })
        .collect())
}

/// Escapes a string for a DOT record label.
fn dot_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '{' | '}' | '|' | '<' | '>' | '"' | '\\' => vec!['\\', c],
            '\n' => vec![' '],
            c => vec![c],
        })
        .collect()
}

/// Escapes a string for SVG text.
#[cfg(feature = "svg")]
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Value {
    /// The circuit below this value as Graphviz DOT text: a record per value (label, data, grad,
    /// four decimals as micrograd prints them) and an oval per op.
    ///
    /// # Errors
    /// [`TooBig`] past [`MAX_DRAWN_VALUES`] values.
    ///
    /// ```
    /// use circuitgrad::Value;
    /// let q = (Value::new(1.0) + 2.0).labeled("q");
    /// let dot = q.to_dot()?;
    /// assert!(dot.starts_with("digraph circuit {"));
    /// assert!(dot.contains(r#"v1op [label="+ 2", shape=ellipse]"#));
    /// # Ok::<(), circuitgrad::draw::TooBig>(())
    /// ```
    pub fn to_dot(&self) -> Result<String, TooBig> {
        let items = items(self)?;
        let mut dot = String::from("digraph circuit {\n  rankdir=LR;\n  node [shape=record];\n");
        for (i, item) in items.iter().enumerate() {
            let _ = writeln!(
                dot,
                "  v{i} [label=\"{{ {} | data {:.4} | grad {:.4} }}\"];",
                dot_escape(&item.label),
                item.data,
                item.grad
            );
            if let Some(op) = &item.op {
                let _ = writeln!(
                    dot,
                    "  v{i}op [label=\"{}\", shape=ellipse];",
                    dot_escape(op)
                );
                let _ = writeln!(dot, "  v{i}op -> v{i};");
                for input in &item.inputs {
                    let _ = writeln!(dot, "  v{input} -> v{i}op;");
                }
            }
        }
        dot.push_str("}\n");
        Ok(dot)
    }

    /// The circuit below this value as a standalone SVG picture, laid out by the crate.
    ///
    /// # Errors
    /// [`TooBig`] past [`MAX_DRAWN_VALUES`] values.
    ///
    /// ```
    /// use circuitgrad::Value;
    /// let x = Value::new(2.0).labeled("x");
    /// let y = x.tanh().labeled("y");
    /// let svg = y.to_svg()?;
    /// assert!(svg.contains(">tanh</text>") && svg.contains(">y</text>"));
    /// # Ok::<(), circuitgrad::draw::TooBig>(())
    /// ```
    #[cfg(feature = "svg")]
    pub fn to_svg(&self) -> Result<String, TooBig> {
        Ok(svg::render(&items(self)?))
    }
}

#[cfg(feature = "svg")]
mod svg {
    use super::{Item, xml_escape};
    use std::fmt::Write;

    const CHAR: f64 = 7.2; // width of a character of 12px monospace
    const BOX_H: f64 = 26.0;
    const ROW: f64 = 44.0;
    const OP_W: f64 = 46.0;
    const GAP: f64 = 36.0;
    const PAD: f64 = 12.0;

    /// The cells of a value's box: its label (if any), data and grad.
    fn fields(item: &Item) -> Vec<String> {
        let numbers = [
            format!("data {}", crate::number::format(item.data, Some(4))),
            format!("grad {}", crate::number::format(item.grad, Some(4))),
        ];
        match item.label.is_empty() {
            true => numbers.to_vec(),
            false => [item.label.clone()].into_iter().chain(numbers).collect(),
        }
    }

    fn width(text: &str) -> f64 {
        text.chars().count() as f64 * CHAR + 12.0
    }

    /// Column of each value and, within each column, the values in drawing order. An op's value sits
    /// one column right of its deepest input; a leaf sits just left of its first consumer, so no
    /// edge from a leaf runs under other boxes.
    fn layers(items: &[Item]) -> (Vec<usize>, Vec<Vec<usize>>) {
        let mut consumers = vec![Vec::new(); items.len()];
        for (i, item) in items.iter().enumerate() {
            for &j in &item.inputs {
                consumers[j].push(i);
            }
        }
        let mut column = vec![0; items.len()];
        for (i, item) in items.iter().enumerate() {
            column[i] = item
                .inputs
                .iter()
                .map(|&j| column[j] + 1)
                .max()
                .unwrap_or(0);
        }
        for (i, item) in items.iter().enumerate() {
            if item.inputs.is_empty() {
                let first_use = consumers[i].iter().map(|&k| column[k]).min();
                column[i] = first_use.map_or(0, |c| c - 1);
            }
        }
        let columns = column.iter().max().map_or(0, |c| c + 1);
        let mut layers = vec![Vec::new(); columns];
        for (i, &c) in column.iter().enumerate() {
            layers[c].push(i);
        }
        // Barycenter passes: forward (by inputs' rows), then backward (by consumers' rows).
        let mut row = vec![0.0; items.len()];
        let set_rows = |layer: &[usize], row: &mut [f64]| {
            for (r, &i) in layer.iter().enumerate() {
                row[i] = r as f64;
            }
        };
        set_rows(&layers[0], &mut row);
        for layer in layers.iter_mut().skip(1) {
            sort_by_mean(layer, &row, |i| &items[i].inputs);
            set_rows(layer, &mut row);
        }
        for layer in layers.iter_mut().rev().skip(1) {
            sort_by_mean(layer, &row, |i| &consumers[i]);
            set_rows(layer, &mut row);
        }
        (column, layers)
    }

    fn sort_by_mean<'a>(
        layer: &mut [usize],
        row: &[f64],
        neighbours: impl Fn(usize) -> &'a Vec<usize>,
    ) {
        let key = |i: usize| {
            let n = neighbours(i);
            if n.is_empty() {
                f64::INFINITY
            } else {
                n.iter().map(|&j| row[j]).sum::<f64>() / n.len() as f64
            }
        };
        layer.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    }

    pub(super) fn render(items: &[Item]) -> String {
        let (column, layers) = layers(items);
        let box_w: Vec<f64> = items
            .iter()
            .map(|item| fields(item).iter().map(|f| width(f)).sum())
            .collect();
        let mut col_w = vec![0.0f64; layers.len()];
        for (i, &c) in column.iter().enumerate() {
            col_w[c] = col_w[c].max(box_w[i]);
        }
        // x of each column's boxes: an op oval sits in the gap before every column but the first.
        let mut col_x = Vec::with_capacity(layers.len());
        let mut x = PAD;
        for (c, w) in col_w.iter().enumerate() {
            if c > 0 {
                x += GAP + OP_W + GAP;
            }
            col_x.push(x);
            x += w;
        }
        let total_w = x + PAD;
        let rows = layers.iter().map(Vec::len).max().unwrap_or(1) as f64;
        let total_h = rows * ROW + 2.0 * PAD;
        let mut pos = vec![(0.0, 0.0); items.len()];
        for (c, layer) in layers.iter().enumerate() {
            let offset = (rows - layer.len() as f64) * ROW / 2.0;
            for (r, &i) in layer.iter().enumerate() {
                pos[i] = (
                    col_x[c],
                    PAD + offset + r as f64 * ROW + (ROW - BOX_H) / 2.0,
                );
            }
        }

        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0}" height="{total_h:.0}" viewBox="0 0 {total_w:.0} {total_h:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(svg, r##"<g fill="none" stroke="#888" stroke-width="1.2">"##);
        for (i, item) in items.iter().enumerate() {
            let Some(_) = &item.op else { continue };
            let (bx, by) = pos[i];
            let (ox, oy) = (bx - GAP - OP_W / 2.0, by + BOX_H / 2.0);
            let _ = writeln!(
                svg,
                r#"<path d="M{:.1},{oy:.1} L{bx:.1},{oy:.1}"/>"#,
                ox + OP_W / 2.0
            );
            for &j in &item.inputs {
                let (sx, sy) = (pos[j].0 + box_w[j], pos[j].1 + BOX_H / 2.0);
                let ex = ox - OP_W / 2.0;
                let mid = (sx + ex) / 2.0;
                let _ = writeln!(
                    svg,
                    r#"<path d="M{sx:.1},{sy:.1} C{mid:.1},{sy:.1} {mid:.1},{oy:.1} {ex:.1},{oy:.1}"/>"#
                );
            }
        }
        svg.push_str("</g>\n");
        for (i, item) in items.iter().enumerate() {
            let (x, y) = pos[i];
            let _ = writeln!(
                svg,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{BOX_H}" rx="3" fill="#f4f8ff" stroke="#345"/>"##,
                box_w[i]
            );
            let mut fx = x;
            for (k, field) in fields(item).iter().enumerate() {
                let w = width(field);
                if k > 0 {
                    let _ = writeln!(
                        svg,
                        r##"<line x1="{fx:.1}" y1="{y:.1}" x2="{fx:.1}" y2="{:.1}" stroke="#345"/>"##,
                        y + BOX_H
                    );
                }
                let weight = if k == 0 && !item.label.is_empty() {
                    r#" font-weight="bold""#
                } else {
                    ""
                };
                let _ = writeln!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle"{weight}>{}</text>"#,
                    fx + w / 2.0,
                    y + BOX_H / 2.0 + 4.0,
                    xml_escape(field)
                );
                fx += w;
            }
            if let Some(op) = &item.op {
                let (ox, oy) = (x - GAP - OP_W / 2.0, y + BOX_H / 2.0);
                let rx = (width(op) / 2.0).max(OP_W / 2.0);
                let _ = writeln!(
                    svg,
                    r##"<ellipse cx="{ox:.1}" cy="{oy:.1}" rx="{rx:.1}" ry="12" fill="#fff4e0" stroke="#a60"/>"##
                );
                let _ = writeln!(
                    svg,
                    r#"<text x="{ox:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    oy + 4.0,
                    xml_escape(op)
                );
            }
        }
        svg.push_str("</svg>\n");
        svg
    }
}
