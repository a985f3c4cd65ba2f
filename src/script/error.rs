//! What can go wrong with a line, each saying what was wrong and what is allowed.

use std::error::Error;
use std::fmt;

use crate::draw::TooBig;

/// The commands, as `:help` and the errors list them.
pub(crate) const COMMANDS: &str = ":backward NAME, :grad NAME, :check NAME, :why NAME, :trace NAME, :draw NAME FILE, :vars, \
     :help, :quit [CODE]";

/// A line the session could not run. Nothing it had bound changed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ScriptError {
    /// The line does not parse: `expected` was wanted at `column` (from 1), `found` was there.
    Syntax {
        /// Where, in characters from 1.
        column: usize,
        /// What would have been valid there.
        expected: String,
        /// What was there instead.
        found: String,
    },
    /// A name that is not bound.
    UnknownName {
        /// The name.
        name: String,
        /// Where it starts, in characters from 1 (0 in a command).
        column: usize,
        /// The names that are bound, in binding order.
        bound: Vec<String>,
    },
    /// A function that does not exist, or with the wrong number of arguments.
    UnknownFunction {
        /// The function as called, e.g. `sin` or `max/1`.
        name: String,
        /// Where it starts, in characters from 1.
        column: usize,
    },
    /// `NAME = …` where NAME is a function's name.
    ReservedName {
        /// The name.
        name: String,
    },
    /// [`Session::define`](super::Session::define) of a name that cannot be a new function.
    BadDefinition {
        /// The name.
        name: String,
        /// Why not.
        reason: &'static str,
    },
    /// A command that does not exist.
    UnknownCommand {
        /// The command as typed.
        command: String,
    },
    /// A command without the arguments it needs, or with too many.
    Usage {
        /// How the command is used.
        usage: &'static str,
    },
    /// More nesting than the limit (parentheses, minus signs, calls).
    TooDeep {
        /// Where the limit was passed, in characters from 1.
        column: usize,
        /// The limit.
        limit: usize,
    },
    /// A line longer than the limit.
    TooLong {
        /// The line's length in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// `:draw` of a circuit too big to draw.
    Draw(TooBig),
    /// `:draw` to a file whose extension it does not write.
    DrawFormat {
        /// The file.
        path: String,
    },
    /// A command typed without its colon (`quit` for `:quit`), where no name of that spelling
    /// is bound.
    MissingColon {
        /// The command as typed.
        command: String,
    },
    /// `:draw` could not write its file.
    Io {
        /// The file.
        path: String,
        /// What the system said.
        message: String,
    },
}

impl ScriptError {
    /// The column the error points at, if it points at one.
    ///
    /// ```
    /// use circuitgrad::script::Session;
    /// let err = Session::new().run("1 + * 2").unwrap_err();
    /// assert_eq!(err.column(), Some(5));
    /// ```
    pub fn column(&self) -> Option<usize> {
        match self {
            ScriptError::Syntax { column, .. }
            | ScriptError::UnknownFunction { column, .. }
            | ScriptError::TooDeep { column, .. } => Some(*column),
            ScriptError::UnknownName { column, .. } if *column > 0 => Some(*column),
            _ => None,
        }
    }

    /// The error as a REPL prints it: `error: …`, wrapped within 80 columns, and for an error with
    /// a column, the line and a caret under the spot.
    ///
    /// ```
    /// use circuitgrad::script::Session;
    /// let mut session = Session::new();
    /// session.run("x = 1")?;
    /// let line = "f = (x + ) * 2";
    /// let err = session.run(line).unwrap_err();
    /// assert_eq!(err.render(line), "\
    /// error: expected a number, a name, `-`, a function call or `(`, found `)` at
    ///   column 10
    ///   f = (x + ) * 2
    ///            ^");
    /// # Ok::<(), circuitgrad::script::ScriptError>(())
    /// ```
    pub fn render(&self, line: &str) -> String {
        self.render_with(line, "")
    }

    /// As [`render`](ScriptError::render), for line `number` of a script: `line N: error: …`.
    ///
    /// ```
    /// use circuitgrad::script::Session;
    /// let err = Session::new().run("1 +").unwrap_err();
    /// assert!(err.render_numbered("1 +", 7).starts_with("line 7: error: expected"));
    /// ```
    pub fn render_numbered(&self, line: &str, number: usize) -> String {
        self.render_with(line, &format!("line {number}: "))
    }

    /// The rendering, its message wrapped within 80 columns after `prefix`.
    fn render_with(&self, line: &str, prefix: &str) -> String {
        let message = wrap(&format!("{prefix}error: {self}"), 80);
        match self.column() {
            Some(column) => {
                let shown: String = line.chars().take(200).collect();
                // A tab above stays a tab below, so the caret lines up however tabs are shown.
                let pad: String = line
                    .chars()
                    .take(column.saturating_sub(1).min(200))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                format!("{message}\n  {shown}\n  {pad}^")
            }
            None => message,
        }
    }
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word stays whole),
/// every line after the first indented by two spaces.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > width {
            out.push_str("\n  ");
            column = 2;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptError::Syntax {
                column,
                expected,
                found,
            } => write!(f, "expected {expected}, found {found} at column {column}"),
            ScriptError::UnknownName { name, bound, .. } if bound.is_empty() => write!(
                f,
                "unknown name `{name}`: no names are bound yet (bind one with NAME = EXPR)"
            ),
            ScriptError::UnknownName { name, bound, .. } => {
                write!(
                    f,
                    "unknown name `{name}` (bound names: {})",
                    bound.join(", ")
                )
            }
            ScriptError::UnknownFunction { name, .. } => {
                let functions = super::parser::function_list();
                write!(f, "unknown function `{name}` (functions: {functions})")
            }
            ScriptError::ReservedName { name } => {
                write!(f, "`{name}` is a function; bind another name")
            }
            ScriptError::BadDefinition { name, reason } => {
                write!(f, "cannot define the function `{name}`: {reason}")
            }
            ScriptError::UnknownCommand { command } => {
                write!(f, "unknown command `{command}` (commands: {COMMANDS})")
            }
            ScriptError::Usage { usage } => write!(f, "usage: {usage}"),
            ScriptError::TooDeep { limit, .. } => write!(
                f,
                "nesting deeper than {limit} levels (parentheses, minus signs and calls count)"
            ),
            ScriptError::TooLong { bytes, limit } => write!(
                f,
                "the line is {bytes} bytes long; lines are limited to {limit} bytes"
            ),
            ScriptError::Draw(too_big) => write!(f, "{too_big}"),
            ScriptError::Io { path, message } => write!(f, "could not write {path}: {message}"),
            ScriptError::DrawFormat { path } => write!(
                f,
                "cannot draw into `{path}`: :draw writes FILE.svg (a picture) or FILE.dot \
                 (Graphviz), by the extension"
            ),
            ScriptError::MissingColon { command } => write!(
                f,
                "`{command}` is a command: type `:{command}` (commands start with a colon)"
            ),
        }
    }
}

impl Error for ScriptError {}
