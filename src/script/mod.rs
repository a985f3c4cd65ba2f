//! A REPL's brain: type a circuit line by line, backpropagate, look at it.
//!
//! [`Session::run`] takes one line and answers with text to print (or nothing, or "quit"); the
//! REPL example (`cargo run --example repl`) is a thin loop around it. Every line either runs
//! completely or fails with a [`ScriptError`] and changes no binding. [`Session::define`] adds an
//! op of your own to the language, so a session can `:check` it.
//!
//! ```
//! use circuitgrad::script::{Reply, Session};
//!
//! let mut s = Session::new();
//! for line in ["x = -2", "y = 5", "z = -4", "q = x + y", "f = q * z"] {
//!     assert_eq!(s.run(line)?, Reply::Nothing);
//! }
//! assert_eq!(s.run("f")?, Reply::Text("-12".into()));
//! let Reply::Text(grads) = s.run(":backward f")? else { panic!() };
//! assert_eq!(grads, "x.grad = -4\ny.grad = -4\nz.grad = 3\nq.grad = -4\nf.grad = 1");
//! # Ok::<(), circuitgrad::script::ScriptError>(())
//! ```

mod error;
mod parser;

use std::collections::HashMap;

use itertools::Itertools;

use crate::engine::number::{self, Number};
pub use error::ScriptError;
use parser::{Defined, MAX_DEPTH, Operand, Parser};

use crate::Value;
use crate::engine::backward::Numbered;

/// The longest line a session takes, in bytes.
pub const MAX_LINE: usize = 64 * 1024;

/// What a line asks to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Nothing to print (a binding, a blank line, a comment).
    Nothing,
    /// Text to print (no trailing newline).
    Text(String),
    /// Stop: with the exit code given (`:quit CODE`), or, for a plain `:quit`, `None`: a script
    /// then exits as it would at its end, with the status its lines earned (as a shell's `exit`
    /// keeps the last status).
    Quit(Option<u8>),
}

/// The names bound so far, in the order they were first bound, and the functions defined for it.
#[derive(Default)]
pub struct Session {
    names: Vec<String>,
    values: Vec<Value>,
    index: HashMap<String, usize>,
    defined: Vec<Defined>,
}

impl std::fmt::Debug for Session {
    /// Each binding, as `:vars` shows it.
    ///
    /// ```
    /// let mut s = circuitgrad::script::Session::new();
    /// s.run("x = 2")?;
    /// assert_eq!(format!("{s:?}"), r#"Session { x: Value { data: 2, grad: 0, op: "leaf", label: Some("x"), inputs: 0 } }"#);
    /// # Ok::<(), circuitgrad::script::ScriptError>(())
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = f.debug_struct("Session");
        for (name, value) in self.names.iter().zip(&self.values) {
            s.field(name, value);
        }
        s.finish()
    }
}

impl Session {
    /// An empty session.
    ///
    /// ```
    /// use circuitgrad::script::Session;
    /// assert_eq!(Session::new().names().count(), 0);
    /// ```
    pub fn new() -> Session {
        Session::default()
    }

    /// The value bound to `name`.
    ///
    /// ```
    /// use circuitgrad::script::Session;
    /// let mut s = Session::new();
    /// s.run("x = 3")?;
    /// assert_eq!(s.get("x").map(|x| x.data()), Some(3.0));
    /// # Ok::<(), circuitgrad::script::ScriptError>(())
    /// ```
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.index.get(name).map(|&i| &self.values[i])
    }

    /// The bound names, in the order they were first bound.
    ///
    /// ```
    /// use circuitgrad::script::Session;
    /// let mut s = Session::new();
    /// s.run("b = 1")?;
    /// s.run("a = b * 2")?;
    /// assert_eq!(s.names().collect::<Vec<_>>(), ["b", "a"]);
    /// # Ok::<(), circuitgrad::script::ScriptError>(())
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// Adds a function of your own to the language: `name(x)` builds the custom op
    /// [`x.custom(name, f, df)`](Value::custom), so its lines can use it, and `:check`, `:why`,
    /// `:trace`, `:draw` and `grad` treat it like any op. On numbers alone it computes `f` at once,
    /// as the built-in functions do. Defining a name again replaces the function for the lines
    /// that follow.
    ///
    /// # Errors
    /// [`ScriptError::BadDefinition`] when `name` is not a name of the language, is a built-in
    /// function, or is bound to a value; nothing changes.
    ///
    /// ```
    /// use circuitgrad::script::{Reply, Session};
    /// fn sq(x: f64) -> f64 { x * x }
    /// fn sq_wrong(x: f64) -> f64 { 3.0 * x } // should be 2x
    ///
    /// let mut s = Session::new();
    /// s.define("sq", sq, sq_wrong)?;
    /// s.run("x = 1.5")?;
    /// s.run("f = tanh(sq(x))")?;
    /// let Reply::Text(check) = s.run(":check f")? else { panic!() };
    /// assert!(check.contains("FAIL"), "{check}");
    /// # Ok::<(), circuitgrad::script::ScriptError>(())
    /// ```
    pub fn define(
        &mut self,
        name: &'static str,
        f: fn(f64) -> f64,
        df: fn(f64) -> f64,
    ) -> Result<(), ScriptError> {
        self.add_definition(Defined::One { name, f, df })
    }

    /// Adds a function of two arguments of your own: `name(a, b)` builds the custom op
    /// [`a.custom2(&b, name, f, da, db)`](Value::custom2). As [`define`](Session::define) otherwise.
    ///
    /// # Errors
    /// As [`define`](Session::define).
    ///
    /// ```
    /// use circuitgrad::script::{Reply, Session};
    /// fn hypot(a: f64, b: f64) -> f64 { a.hypot(b) }
    /// fn hypot_da(a: f64, b: f64) -> f64 { a / a.hypot(b) }
    /// fn hypot_db(a: f64, b: f64) -> f64 { b / a.hypot(b) }
    ///
    /// let mut s = Session::new();
    /// s.define2("hypot", hypot, hypot_da, hypot_db)?;
    /// s.run("a = 3")?;
    /// s.run("f = hypot(a, 4)")?;
    /// assert_eq!(s.run("f")?, Reply::Text("5".into()));
    /// assert_eq!(s.run(":backward f")?, Reply::Text("a.grad = 0.6\nf.grad = 1".into()));
    /// # Ok::<(), circuitgrad::script::ScriptError>(())
    /// ```
    pub fn define2(
        &mut self,
        name: &'static str,
        f: fn(f64, f64) -> f64,
        da: fn(f64, f64) -> f64,
        db: fn(f64, f64) -> f64,
    ) -> Result<(), ScriptError> {
        self.add_definition(Defined::Two { name, f, da, db })
    }

    fn add_definition(&mut self, defined: Defined) -> Result<(), ScriptError> {
        let name = defined.name();
        let refuse = |reason: &'static str| {
            Err(ScriptError::BadDefinition {
                name: name.to_string(),
                reason,
            })
        };
        if !parser::is_name(name) {
            return refuse("a function's name is a letter or `_`, then letters, digits or `_`");
        }
        if parser::built_in(name).is_some() {
            return refuse("it is a built-in function");
        }
        if self.get(name).is_some() {
            return refuse("it is bound to a value (:vars lists the bindings)");
        }
        self.defined.retain(|d| d.name() != name);
        self.defined.push(defined);
        Ok(())
    }

    fn is_function(&self, name: &str) -> bool {
        parser::built_in(name).is_some() || self.defined.iter().any(|d| d.name() == name)
    }

    /// Runs one line: `NAME = EXPR`, a bare `EXPR` (its value is the reply), a `:command`, a
    /// `# comment` or a blank line.
    ///
    /// # Errors
    /// A [`ScriptError`] that says what was wrong and what is allowed; no binding changes.
    ///
    /// ```
    /// use circuitgrad::script::{Reply, Session};
    /// let mut s = Session::new();
    /// s.run("x = 3")?;
    /// assert_eq!(s.run("x^2 + 1")?, Reply::Text("10".into()));
    /// assert!(s.run("x +").is_err());
    /// assert_eq!(s.run(":quit")?, Reply::Quit(None));
    /// # Ok::<(), circuitgrad::script::ScriptError>(())
    /// ```
    pub fn run(&mut self, line: &str) -> Result<Reply, ScriptError> {
        if line.len() > MAX_LINE {
            return Err(ScriptError::TooLong {
                bytes: line.len(),
                limit: MAX_LINE,
            });
        }
        let trimmed = line.trim();
        if let Some(command) = trimmed.strip_prefix(':') {
            // A comment after a command starts at a `#` after a space (a file name may hold `#`).
            let command = command
                .find(" #")
                .or_else(|| command.find("\t#"))
                .map_or(command, |at| &command[..at]);
            return self.command(command);
        }
        // A comment runs from `#` to the end of the line; the expression language has no `#`.
        let line = line.find('#').map_or(line, |at| &line[..at]);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return Ok(Reply::Nothing);
        }
        if matches!(trimmed, "quit" | "exit" | "help" | "vars") && self.get(trimmed).is_none() {
            let command = if trimmed == "exit" { "quit" } else { trimmed };
            return Err(ScriptError::MissingColon {
                command: command.to_string(),
            });
        }
        let lookup = |name: &str| self.get(name).cloned();
        let bound = || self.names.clone();
        let mut parser = Parser::new(line, &lookup, &bound, &self.defined);
        let target = parser.assignment_target();
        if let Some(name) = target.as_ref().filter(|n| self.is_function(n)) {
            return Err(ScriptError::ReservedName { name: name.clone() });
        }
        let value = parser.expression()?;
        match target {
            None => Ok(Reply::Text(match value {
                Operand::Const(c) => number::format(c, None),
                Operand::Node(v) => number::format(v.data(), None),
            })),
            Some(name) => {
                let value = value.into_value();
                if value.label().is_none() {
                    value.set_label(&name);
                }
                self.bind(name, value);
                Ok(Reply::Nothing)
            }
        }
    }

    fn bind(&mut self, name: String, value: Value) {
        match self.index.get(&name) {
            Some(&i) => self.values[i] = value,
            None => {
                self.index.insert(name.clone(), self.names.len());
                self.names.push(name);
                self.values.push(value);
            }
        }
    }

    fn lookup(&self, name: &str) -> Result<&Value, ScriptError> {
        self.get(name).ok_or_else(|| ScriptError::UnknownName {
            name: name.to_string(),
            column: 0,
            bound: self.names.clone(),
        })
    }

    fn command(&mut self, command: &str) -> Result<Reply, ScriptError> {
        let command = command.trim();
        let (verb, rest) = command
            .split_once(char::is_whitespace)
            .unwrap_or((command, ""));
        let rest = rest.trim();
        let args: Vec<&str> = rest.split_whitespace().collect();
        let one_name = |usage: &'static str| match args[..] {
            [name] => Ok(name),
            _ => Err(ScriptError::Usage { usage }),
        };
        match verb {
            "backward" | "b" => {
                let name = one_name(":backward NAME (backpropagate from NAME)")?;
                let root = self.lookup(name)?.clone();
                root.backward();
                Ok(Reply::Text(self.grads_below(&root)))
            }
            "grad" | "g" => {
                let name = one_name(":grad NAME")?;
                Ok(Reply::Text(format!(
                    "{name}.grad = {}",
                    Number(self.lookup(name)?.grad())
                )))
            }
            "check" | "c" => {
                let name = one_name(":check NAME (check NAME's grads against differences)")?;
                let root = self.lookup(name)?.clone();
                let leaves = self.leaves_below(&root);
                let wrt: Vec<&Value> = leaves.iter().map(|(_, v)| v).collect();
                let check = crate::gradcheck(&root, &wrt);
                Ok(Reply::Text(check.to_string().trim_end().to_string()))
            }
            "why" | "w" => {
                let name = one_name(":why NAME (where a NaN or an infinity in NAME starts)")?;
                let root = self.lookup(name)?;
                Ok(Reply::Text(match root.anomaly() {
                    Some(anomaly) => anomaly.to_string(),
                    None => format!(
                        "no NaN or infinity below {name}: every value, and every grad of a \
                         backward pass from it, is finite"
                    ),
                }))
            }
            "trace" | "t" => {
                let name = one_name(":trace NAME")?;
                let trace = self.lookup(name)?.trace().to_string();
                Ok(Reply::Text(trace.trim_end().to_string()))
            }
            "draw" | "d" => {
                // The file is the rest of the line after the name, so it may hold spaces.
                match rest.split_once(char::is_whitespace) {
                    Some((name, file)) => self.draw(name, file.trim()),
                    None => Err(ScriptError::Usage {
                        usage: ":draw NAME FILE (FILE.svg for a picture, FILE.dot for Graphviz)",
                    }),
                }
            }
            "vars" | "v" if args.is_empty() => Ok(Reply::Text(self.vars())),
            "help" | "h" | "?" if args.is_empty() => Ok(Reply::Text(self.help())),
            "quit" | "q" | "exit" => match args[..] {
                [] => Ok(Reply::Quit(None)),
                [code] => code
                    .parse()
                    .map(|code| Reply::Quit(Some(code)))
                    .map_err(|_| ScriptError::Usage {
                        usage: ":quit [CODE] (CODE a whole number from 0 to 255)",
                    }),
                _ => Err(ScriptError::Usage {
                    usage: ":quit [CODE]",
                }),
            },
            "vars" | "v" => Err(ScriptError::Usage { usage: ":vars" }),
            "help" | "h" | "?" => Err(ScriptError::Usage { usage: ":help" }),
            _ => Err(ScriptError::UnknownCommand {
                command: format!(":{verb}"),
            }),
        }
    }

    /// The bound names whose nodes are leaves of the circuit below `root`, in binding order.
    fn leaves_below(&self, root: &Value) -> Vec<(String, Value)> {
        let below = Numbered::below(root);
        self.names
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| v.inputs().is_empty() && below.position(v).is_some())
            .map(|(name, v)| (name.clone(), v.clone()))
            .collect()
    }

    /// `NAME.grad = VALUE` for every bound name whose node is in the circuit below `root`.
    fn grads_below(&self, root: &Value) -> String {
        let below = Numbered::below(root);
        self.names
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| below.position(v).is_some())
            .map(|(name, v)| format!("{name}.grad = {}", Number(v.grad())))
            .join("\n")
    }

    fn vars(&self) -> String {
        if self.names.is_empty() {
            return "no names are bound yet (bind one with NAME = EXPR)".into();
        }
        self.names
            .iter()
            .zip(&self.values)
            .map(|(name, v)| {
                let (data, grad) = (Number(v.data()), Number(v.grad()));
                format!("{name} = {data}  (grad {grad})")
            })
            .join("\n")
    }

    fn draw(&self, name: &str, file: &str) -> Result<Reply, ScriptError> {
        let value = self.lookup(name)?;
        let extension = std::path::Path::new(file)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let text = if extension.as_deref() == Some("dot") {
            value.to_dot()
        } else if extension.as_deref() != Some("svg") {
            return Err(ScriptError::DrawFormat {
                path: file.to_string(),
            });
        } else {
            #[cfg(feature = "svg")]
            {
                value.to_svg()
            }
            #[cfg(not(feature = "svg"))]
            {
                return Err(ScriptError::Usage {
                    usage: ":draw NAME FILE.dot (SVG pictures need the crate's `svg` feature)",
                });
            }
        }
        .map_err(ScriptError::Draw)?;
        std::fs::write(file, text).map_err(|e| ScriptError::Io {
            path: file.to_string(),
            message: e.to_string(),
        })?;
        Ok(Reply::Text(format!("wrote {file}")))
    }
}

impl Session {
    /// `:help`: the language's text, and the functions defined for this session, if any.
    fn help(&self) -> String {
        if self.defined.is_empty() {
            return help();
        }
        let defined = self.defined.iter().map(|d| d.signature()).join(", ");
        let line = error::wrap(&format!("Defined for this session: {defined}."), 80);
        format!("{}\n\n{line}", help())
    }
}

/// The text of `:help`, every line within 80 columns. (A test holds its list of functions to the
/// language's.)
fn help() -> String {
    format!(
        "\
NAME = EXPR    bind NAME to the value of EXPR (a node of a circuit)
EXPR           print the value of EXPR
# ...          a comment, alone or after a line (x = 1  # the input)

Expressions: numbers (3, -2.5, 1e-3), names, + - * /, unary -, powers x^2,
x**-0.5, x^y (one per level, so write (a^b)^c), parentheses,
and the functions exp(x), ln(x), tanh(x), sigmoid(x), relu(x), sqrt(x),
abs(x), square(x), max(a, b), min(a, b) and grad(f, x).
A name used twice is the same node: s = x * x gives x the gradient 2x.
g = grad(f, x) binds the gradient of f with respect to x as a circuit of its
own: print it, :backward, :trace or :draw it, or take grad(g, x) again.

Commands (each starts with a colon; the first letter is enough):
  :backward NAME  backpropagate from NAME; print the grad of each name below
  :grad NAME      print NAME's grad
  :check NAME     NAME's grads beside central differences, for each leaf below
  :why NAME       where a NaN or an infinity in NAME's circuit starts
  :trace NAME     every node below NAME, with its data and grad
  :draw NAME FILE write NAME's circuit: FILE.svg a picture, FILE.dot Graphviz
  :vars           every binding
  :help           this text
  :quit [CODE]    stop (also at the end of input)

Rebinding: NAME = EXPR makes a new node, as in Python. Circuits already built
from the old NAME keep the old node; rebuild them (f = q * z again) to use it.

Numbers are IEEE-754 doubles: 1e999 is inf, ln(-1) is NaN, 1/0 is inf, and
they propagate. Limits: lines of {MAX_LINE} bytes, nesting {MAX_DEPTH} levels deep.

A script on standard input (repl < file) prints results, reports each failed
line as `line N: error: ...` on standard error, and exits 1 if any line
failed, at its end or at a plain :quit; :quit CODE exits with CODE."
    )
}
