//! Pictures of circuits: Graphviz DOT text, and an SVG drawn by the crate itself (no Graphviz).
//!
//! Both show what micrograd's `draw_dot` shows: a box per value (label, data, grad) and, between a
//! value and its inputs, a small oval with the op. The SVG lays the circuit out in layers, left to
//! right ([`Value::layout`]): a circuit is a DAG, so each value's column is one more than its
//! deepest input's, and the values of a column are ordered by the rows of their inputs (two
//! barycenter passes), which keeps edges short and mostly uncrossed. Edges run in the free
//! channels between columns and through the gaps between boxes, so no edge crosses a box. It is
//! linear-time, with no recursion and no external program.
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
use crate::engine::backward::{Numbered, topological_order};
use crate::engine::number;

mod layout;
#[cfg(feature = "svg")]
mod svg;

pub use layout::{Edge, Layout, NodeBox};

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
pub(crate) struct Item {
    pub(crate) label: String,
    pub(crate) op: Option<String>,
    pub(crate) data: f64,
    pub(crate) grad: f64,
    pub(crate) inputs: Vec<usize>,
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
pub(crate) fn xml_escape(s: &str) -> String {
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
                "  v{i} [label=\"{{ {} | data {} | grad {} }}\"];",
                dot_escape(&item.label),
                number::format(item.data, Some(4)),
                number::format(item.grad, Some(4))
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
        Ok(svg::render(&self.layout()?))
    }

    /// The circuit below this value laid out for drawing: where each value's box and op oval go,
    /// and the path of every edge, routed around the boxes. This is what [`to_svg`](Value::to_svg)
    /// draws; use it to draw the circuit some other way (a canvas, a web page).
    ///
    /// # Errors
    /// [`TooBig`] past [`MAX_DRAWN_VALUES`] values.
    ///
    /// ```
    /// use circuitgrad::Value;
    /// let x = Value::new(2.0).labeled("x");
    /// let y = (&x * &x).labeled("y");
    /// let layout = y.layout()?;
    /// assert_eq!(layout.nodes.len(), 2);
    /// assert_eq!(layout.edges.len(), 2); // x feeds y's op twice
    /// assert!(layout.nodes[0].x < layout.nodes[1].x); // inputs to the left
    /// # Ok::<(), circuitgrad::draw::TooBig>(())
    /// ```
    pub fn layout(&self) -> Result<Layout, TooBig> {
        Ok(layout::layout(&items(self)?))
    }
}
