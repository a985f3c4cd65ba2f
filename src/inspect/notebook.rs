//! How the crate's types show themselves in a Jupyter notebook run by the evcxr kernel.
//!
//! evcxr shows the last expression of a cell by calling its type's `evcxr_display` method, which
//! prints one or more blocks to standard output, each `EVCXR_BEGIN_CONTENT <mime type>`, the
//! content, then `EVCXR_END_CONTENT`. A cell keeps one block per MIME type, and the notebook shows
//! the richest its viewer can: here a picture or an HTML table, with plain text to fall back on.
//! Nothing here depends on evcxr: the methods only print.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::check::GradCheck;
use crate::engine::number;
use crate::nn::Mlp;
use crate::walkthrough::{Phase, Walkthrough};
use crate::{Trace, Value};

/// The most rows a table shows in a notebook; past them it says how many it left out.
const MAX_ROWS: usize = 400;

/// A value's blocks, one per MIME type, in the order they are printed.
pub(crate) struct Blocks(Vec<(&'static str, String)>);

impl Blocks {
    /// The blocks as evcxr reads them.
    fn render(&self) -> String {
        let mut text = String::new();
        for (mime, content) in &self.0 {
            let _ = write!(
                text,
                "EVCXR_BEGIN_CONTENT {mime}\n{}\nEVCXR_END_CONTENT\n",
                content.trim_end()
            );
        }
        text
    }

    /// Prints every block at once, holding standard output so nothing else interleaves.
    fn print(&self) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(self.render().as_bytes());
        let _ = out.flush();
    }

    /// The content of the block of `mime`, if there is one.
    #[cfg(test)]
    fn get(&self, mime: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(m, _)| *m == mime)
            .map(|(_, c)| c.as_str())
    }
}

/// `text` with `&`, `<`, `>` and `"` written as HTML entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table: a header row and the rows, each cell escaped; past [`MAX_ROWS`] a last line
/// says how many were left out.
fn table(header: &[&str], rows: impl ExactSizeIterator<Item = Vec<String>>) -> String {
    let total = rows.len();
    let mut html = String::from("<table>\n<tr>");
    for h in header {
        let _ = write!(html, "<th>{}</th>", escape(h));
    }
    html.push_str("</tr>\n");
    for row in rows.take(MAX_ROWS) {
        html.push_str("<tr>");
        for cell in row {
            let _ = write!(html, "<td>{}</td>", escape(&cell));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>");
    if total > MAX_ROWS {
        let _ = write!(html, "\n<p>… and {} more rows</p>", total - MAX_ROWS);
    }
    html
}

/// A value's text: its line, and its trace below it when the trace is short enough to read.
fn value_text(value: &Value) -> String {
    let trace = value.trace();
    let mut text = value.to_string();
    if trace.rows().len() <= MAX_ROWS {
        let _ = write!(text, "\n{trace}");
    } else {
        let _ = write!(text, " ({} nodes below it)", trace.rows().len());
    }
    text
}

/// A value's text and, with the `svg` feature, its picture (or why there is none).
fn value_blocks(value: &Value) -> Blocks {
    let blocks = std::iter::once(("text/plain", value_text(value)));
    #[cfg(feature = "svg")]
    let blocks = blocks.chain(std::iter::once(match value.to_svg() {
        Ok(svg) => ("image/svg+xml", svg),
        Err(too_big) => (
            "text/html",
            format!("<p>{}</p>", escape(&too_big.to_string())),
        ),
    }));
    Blocks(blocks.collect())
}

fn trace_blocks(trace: &Trace) -> Blocks {
    let rows = trace.rows().iter().enumerate().map(|(i, r)| {
        vec![
            i.to_string(),
            r.label.clone().unwrap_or_default(),
            r.op.clone(),
            r.inputs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            number::format(r.data, None),
            number::format(r.grad, None),
        ]
    });
    let html = table(&["#", "node", "op", "inputs", "data", "grad"], rows);
    Blocks(vec![("text/plain", trace.to_string()), ("text/html", html)])
}

fn walkthrough_blocks(walk: &Walkthrough) -> Blocks {
    let name = |i: usize| {
        walk.nodes()[i]
            .label
            .clone()
            .unwrap_or_else(|| format!("#{i}"))
    };
    let rows: Vec<Vec<String>> = walk
        .steps()
        .map(|step| {
            let node = &walk.nodes()[step.node];
            let (phase, what) = match step.phase {
                Phase::Forward => ("forward", node.op.clone()),
                Phase::Backward => {
                    let additions = step
                        .contributions
                        .iter()
                        .map(|c| {
                            format!(
                                "{}.grad += {} × {} = {}",
                                name(c.input),
                                number::format(c.local, None),
                                number::format(c.upstream, None),
                                number::format(c.product, None)
                            )
                        })
                        .collect::<Vec<_>>();
                    ("backward", additions.join("; "))
                }
            };
            vec![
                phase.to_string(),
                name(step.node),
                what,
                number::format(step.value, None),
            ]
        })
        .collect();
    let html = table(
        &["pass", "node", "op / chain rule", "value or grad"],
        rows.into_iter(),
    );
    Blocks(vec![("text/plain", walk.to_string()), ("text/html", html)])
}

fn mlp_blocks(mlp: &Mlp) -> Blocks {
    let rows = mlp.layers().iter().enumerate().map(|(i, layer)| {
        let neurons = layer.neurons();
        let params = layer.parameters();
        let (lo, hi) = params
            .iter()
            .map(Value::data)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p), hi.max(p))
            });
        vec![
            format!("{}", i + 1),
            neurons.len().to_string(),
            neurons.first().map_or(0, |n| n.weights().len()).to_string(),
            neurons
                .first()
                .map_or("-", |n| n.activation().name())
                .to_string(),
            params.len().to_string(),
            format!(
                "{} to {}",
                number::format(lo, Some(3)),
                number::format(hi, Some(3))
            ),
        ]
    });
    let mut html = table(
        &[
            "layer",
            "neurons",
            "inputs each",
            "activation",
            "parameters",
            "their values",
        ],
        rows,
    );
    let _ = write!(
        html,
        "\n<p>{} inputs, {} outputs, {} parameters</p>",
        mlp.inputs(),
        mlp.outputs(),
        mlp.parameters().len()
    );
    let text = format!("{mlp}\n{} parameters", mlp.parameters().len());
    Blocks(vec![("text/plain", text), ("text/html", html)])
}

fn gradcheck_blocks(check: &GradCheck) -> Blocks {
    let rows = check.cells().into_iter().map(Vec::from);
    let html = table(&GradCheck::COLUMNS, rows);
    Blocks(vec![("text/plain", check.to_string()), ("text/html", html)])
}

impl Value {
    /// Shows this value in an evcxr Jupyter notebook, when it is the last expression of a cell:
    /// its circuit as a picture (the same as [`to_svg`](Value::to_svg)), with its value and trace
    /// as the text to fall back on. Outside a notebook it prints those blocks to standard output.
    ///
    /// ```text
    /// // a notebook cell
    /// let f = (&x + &y) * &z;
    /// f.backward();
    /// f            // the circuit is drawn below the cell
    /// ```
    pub fn evcxr_display(&self) {
        value_blocks(self).print();
    }
}

impl Trace {
    /// Shows the trace in an evcxr Jupyter notebook as an HTML table, with the plain table to fall
    /// back on (see [`Value::evcxr_display`]).
    pub fn evcxr_display(&self) {
        trace_blocks(self).print();
    }
}

impl Walkthrough {
    /// Shows the walkthrough in an evcxr Jupyter notebook: a table of every step, the chain rule's
    /// additions in the backward ones, with its `Display` to fall back on.
    pub fn evcxr_display(&self) {
        walkthrough_blocks(self).print();
    }
}

impl Mlp {
    /// Shows the model in an evcxr Jupyter notebook: a table of its layers (neurons, inputs,
    /// activation, parameters and the range of their values), with micrograd's one-line
    /// description to fall back on.
    pub fn evcxr_display(&self) {
        mlp_blocks(self).print();
    }
}

impl GradCheck {
    /// Shows the check in an evcxr Jupyter notebook as an HTML table, with its `Display` to fall
    /// back on.
    pub fn evcxr_display(&self) {
        gradcheck_blocks(self).print();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circuit() -> Value {
        let x = Value::new(-2.0).labeled("x<1>");
        let y = Value::new(5.0).labeled("y");
        let f = ((&x + &y) * 3.0).labeled("f");
        f.backward();
        f
    }

    #[test]
    fn a_value_is_a_picture_with_its_trace_to_fall_back_on() {
        let blocks = value_blocks(&circuit());
        let text = blocks.get("text/plain").unwrap();
        assert!(
            text.starts_with("Value(data=9, grad=1)\n# | node"),
            "{text}"
        );
        #[cfg(feature = "svg")]
        {
            let svg = blocks.get("image/svg+xml").unwrap();
            assert!(svg.starts_with("<svg") && svg.contains("x&lt;1&gt;"));
        }
    }

    #[test]
    fn a_trace_is_an_html_table_with_escaped_labels() {
        let blocks = trace_blocks(&circuit().trace());
        let html = blocks.get("text/html").unwrap();
        assert!(html.starts_with("<table>\n<tr><th>#</th><th>node</th>"));
        assert!(html.contains("<td>x&lt;1&gt;</td>") && !html.contains("x<1>"));
        assert_eq!(html.matches("<tr>").count(), 1 + 4);
    }

    #[test]
    fn a_long_table_says_how_much_it_left_out() {
        let x = Value::new(0.5);
        let mut v = x.clone();
        for _ in 0..MAX_ROWS {
            v = &v * 1.0;
        }
        let html = trace_blocks(&v.trace()).0.remove(1).1;
        assert!(html.ends_with("<p>… and 1 more rows</p>"));
        // And a value that big shows no trace in its text.
        assert!(value_text(&v).ends_with("(401 nodes below it)"));
        // Its blocks carry that text; drawing 401 nodes is too slow to do under Miri.
        if !cfg!(miri) {
            let blocks = value_blocks(&v);
            assert_eq!(blocks.get("text/plain"), Some(value_text(&v).as_str()));
        }
    }

    #[test]
    fn the_walkthrough_the_model_and_a_gradcheck_are_tables() {
        let f = circuit();
        let walk = walkthrough_blocks(&f.walkthrough());
        assert!(walk.get("text/html").unwrap().contains("<td>backward</td>"));
        let mlp = Mlp::new(2, &[3, 1], 0);
        let model = mlp_blocks(&mlp);
        assert!(
            model
                .get("text/html")
                .unwrap()
                .contains("<p>2 inputs, 1 outputs, 13 parameters</p>")
        );
        assert!(
            model
                .get("text/plain")
                .unwrap()
                .starts_with("MLP of [Layer of [ReLUNeuron(2)")
        );
        let leaves = f.inputs()[0].inputs();
        let check = crate::gradcheck(&f, &[&leaves[0]]);
        assert!(
            gradcheck_blocks(&check)
                .get("text/html")
                .unwrap()
                .contains("<td>ok</td>")
        );
    }

    #[test]
    fn blocks_print_as_evcxr_reads_them() {
        let blocks = Blocks(vec![
            ("text/plain", "a\n".into()),
            ("text/html", "<b>a</b>".into()),
        ]);
        assert_eq!(
            blocks.render(),
            "EVCXR_BEGIN_CONTENT text/plain\na\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT text/html\n<b>a</b>\nEVCXR_END_CONTENT\n"
        );
    }
}
