//! The circuit view: a script in the REPL's language, run line by line in a `script::Session`; its
//! last binding is the circuit drawn, and each named leaf gets a slider.

use circuitgrad::Value;
use circuitgrad::script::{Reply, Session};
use serde_json::{Value as Json, json};

/// The most text the box runs: 64 lines of the REPL's longest.
pub const MAX_SCRIPT: usize = 64 * circuitgrad::script::MAX_LINE;

/// A script that ran, the circuit it ends with, and the circuit on show: that one, or its
/// gradient with respect to a leaf.
pub struct Circuit {
    session: Session,
    /// The last name bound, and its value.
    output: Option<(String, Value)>,
    /// What is drawn: a name for it, and the circuit.
    shown: Option<(String, Value)>,
}

impl Circuit {
    /// Runs `text` line by line. Lines that fail are reported and skipped, as the REPL does with
    /// a script; the others take effect.
    pub fn run(text: &str) -> (Circuit, Json) {
        let mut session = Session::new();
        let mut output = None;
        let mut lines = Vec::new();
        if text.len() > MAX_SCRIPT {
            let error = format!(
                "the script is {} bytes: the playground runs up to {MAX_SCRIPT}",
                text.len()
            );
            let replies = json!({ "lines": [], "errors": [{"line": 0, "message": error}] });
            return (
                Circuit {
                    session,
                    output,
                    shown: None,
                },
                replies,
            );
        }
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let number = i + 1;
            let trimmed = line.trim_start();
            if trimmed.starts_with(":d") || trimmed.starts_with(":q") {
                errors.push(json!({"line": number, "message": format!(
                    "line {number}: error: {} is the terminal REPL's; here the circuit is drawn \
                     on the page and the script ends at its last line",
                    trimmed.split_whitespace().next().unwrap_or(trimmed)
                )}));
                continue;
            }
            match session.run(line) {
                Ok(Reply::Text(text)) => lines.push(json!({"line": number, "text": text})),
                Ok(Reply::Nothing | Reply::Quit(_)) => {
                    if let Some(name) = bound_name(line) {
                        if let Some(v) = session.get(name) {
                            output = Some((name.to_string(), v.clone()));
                        }
                    }
                }
                Err(e) => errors.push(json!({
                    "line": number,
                    "message": e.render_numbered(line, number),
                })),
            }
        }
        let replies = json!({ "lines": lines, "errors": errors });
        let shown = output.clone();
        (
            Circuit {
                session,
                output,
                shown,
            },
            replies,
        )
    }

    /// The last value bound.
    pub fn output(&self) -> Option<&(String, Value)> {
        self.output.as_ref()
    }

    /// The circuit on show: the last value bound, or its gradient (see [`Circuit::show`]).
    pub fn shown(&self) -> Option<&(String, Value)> {
        self.shown.as_ref()
    }

    /// Shows the last value bound (`wrt` is `None`), or its gradient with respect to the leaf
    /// named `wrt`, built as a circuit by `circuitgrad::grad`: its data are the derivative, and
    /// its walk's grads the second derivatives.
    ///
    /// # Errors
    /// No value is bound, or `wrt` names no leaf of the script; what was shown stays.
    pub fn show(&mut self, wrt: Option<&str>) -> Result<(), String> {
        let (name, out) = self
            .output
            .as_ref()
            .ok_or("the script binds no value to draw")?;
        self.shown = Some(match wrt {
            None => (name.clone(), out.clone()),
            Some(leaf) => {
                let x = self
                    .session
                    .get(leaf)
                    .filter(|v| v.inputs().is_empty())
                    .ok_or_else(|| {
                        format!("{leaf:?} is not a leaf of the script: choose one of its leaves")
                    })?;
                let g = circuitgrad::grad(out, &[x]).remove(0);
                (format!("∂{name}/∂{leaf}"), g)
            }
        });
        Ok(())
    }

    /// The named leaves, in binding order, with their values: what the sliders move.
    pub fn leaves(&self) -> Vec<(String, f64)> {
        self.session
            .names()
            .filter_map(|name| {
                let v = self.session.get(name)?;
                v.inputs().is_empty().then(|| (name.to_string(), v.data()))
            })
            .collect()
    }

    /// The gradient of the circuit on show beside central differences, for each named leaf of
    /// it (`circuitgrad::gradcheck`): one row a leaf, `{name, analytic, numeric, verdict}`, and
    /// whether all passed.
    ///
    /// # Errors
    /// No value is bound.
    pub fn check(&self) -> Result<Json, String> {
        let (_, shown) = self.shown().ok_or("the script binds no value to check")?;
        let leaves: Vec<(String, Value)> = self
            .leaves()
            .into_iter()
            .filter_map(|(name, _)| Some((name.clone(), self.session.get(&name)?.clone())))
            .collect();
        let wrt: Vec<&Value> = leaves.iter().map(|(_, v)| v).collect();
        let check = circuitgrad::gradcheck(shown, &wrt);
        let rows: Vec<Json> = leaves
            .iter()
            .zip(check.rows())
            .map(|((name, _), row)| {
                json!({
                    "name": name,
                    "analytic": crate::graph::num(row.analytic),
                    "numeric": crate::graph::num(row.numeric),
                    "verdict": format!("{:?}", row.verdict).to_lowercase(),
                    "in_circuit": row.node.is_some(),
                })
            })
            .collect();
        Ok(json!({ "rows": rows, "passed": check.passed(), "text": check.to_string() }))
    }

    /// Sets a named leaf's value (the next walkthrough recomputes everything from it).
    ///
    /// # Errors
    /// An unknown name, a name that is not a leaf, or a value that is not a number.
    pub fn set(&self, name: &str, value: f64) -> Result<(), String> {
        let v = self
            .session
            .get(name)
            .ok_or_else(|| format!("there is no {name:?} in the script"))?;
        if !v.inputs().is_empty() {
            return Err(format!(
                "{name} is computed from other values: move the leaves it is made of"
            ));
        }
        if value.is_nan() {
            return Err(format!("{name} must be a number"));
        }
        v.set_data(value);
        Ok(())
    }
}

/// The name a `NAME = EXPR` line binds, if it is one.
fn bound_name(line: &str) -> Option<&str> {
    let code = line.split('#').next()?;
    let (name, _) = code.split_once('=')?;
    let name = name.trim();
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_alphabetic() || first == '_') && chars.all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_binding_is_drawn_and_leaves_are_named() {
        let (c, replies) = Circuit::run("x = -2\ny = 5\nz = -4\nq = x + y\nf = q * z\nf");
        assert_eq!(c.output().unwrap().0, "f");
        assert_eq!(c.output().unwrap().1.data(), -12.0);
        assert_eq!(replies["lines"][0]["text"], "-12");
        let names: Vec<String> = c.leaves().into_iter().map(|l| l.0).collect();
        assert_eq!(names, ["x", "y", "z"]);
    }

    #[test]
    fn errors_say_which_line_and_the_rest_still_runs() {
        let (c, replies) = Circuit::run("x = 1\ny = x +\nz = x * 3\n:draw z z.svg");
        let errors = replies["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .starts_with("line 2: error:")
        );
        assert!(errors[1]["message"].as_str().unwrap().contains(":draw"));
        assert_eq!(c.output().unwrap().0, "z");
    }

    #[test]
    fn a_leaf_moves_and_a_computed_value_does_not() {
        let (c, _) = Circuit::run("x = 2\ny = x * x");
        c.set("x", 3.0).unwrap();
        assert_eq!(c.output().unwrap().1.walkthrough().nodes()[1].data, 9.0);
        assert!(c.set("y", 1.0).unwrap_err().contains("computed"));
        assert!(c.set("w", 1.0).unwrap_err().contains("no \"w\""));
        assert!(c.set("x", f64::NAN).is_err());
    }

    #[test]
    fn the_gradient_of_the_output_can_be_shown_instead() {
        let (mut c, _) = Circuit::run("x = -2\ny = 5\nz = -4\nf = (x + y) * z");
        c.show(Some("x")).unwrap();
        let (name, g) = c.shown().unwrap();
        assert_eq!(name, "∂f/∂x");
        assert_eq!(g.data(), -4.0); // ∂f/∂x = z
        // Moving a leaf moves the gradient: ∂f/∂x = z.
        c.set("z", 3.0).unwrap();
        assert_eq!(g.walkthrough().nodes().last().unwrap().data, 3.0);
        assert!(c.show(Some("f")).unwrap_err().contains("not a leaf"));
        assert!(c.show(Some("w")).is_err());
        assert_eq!(c.shown().unwrap().0, "∂f/∂x"); // unchanged by the refusals
        c.show(None).unwrap();
        assert_eq!(c.shown().unwrap().0, "f");
    }

    #[test]
    fn a_script_too_long_is_refused_with_its_size() {
        let text = "x = 1\n".repeat(MAX_SCRIPT / 6 + 1);
        let (c, replies) = Circuit::run(&text);
        assert!(c.output().is_none());
        assert!(
            replies["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("bytes")
        );
    }
}
