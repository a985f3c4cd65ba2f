//! The expression language, parsed and evaluated in one pass.
//!
//! ```text
//! expr    := term (("+" | "-") term)*
//! term    := unary (("*" | "/") unary)*
//! unary   := "-" unary | power
//! power   := atom (("^" | "**") "-"? atom)?        -- one power; chain them with parentheses
//! atom    := NUMBER | NAME | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"
//! ```
//!
//! There is no syntax tree: each rule returns its value at once, either a plain number (constant
//! sub-expressions fold, as a calculator would) or a node of a circuit. So a 30,000-term sum is a
//! loop, never a 30,000-deep tree; the only recursion is nesting, and it stops at `MAX_DEPTH`.

use crate::{Arity, Op, Value, local};

use super::ScriptError;

/// The deepest nesting of parentheses, minus signs and calls a line may have.
pub(crate) const MAX_DEPTH: usize = 256;

/// The value of a sub-expression: a constant, or a node of a circuit.
pub(crate) enum Operand {
    Const(f64),
    Node(Value),
}

impl Operand {
    /// As a node: a constant becomes a leaf.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Operand::Const(c) => Value::new(c),
            Operand::Node(v) => v,
        }
    }
}

const OPERAND: &str = "a number, a name, `-`, a function call or `(`";
const OPERATOR: &str = "an operator (+ - * / ^) or the end of the line";

/// What a function of the language does: an op of the table, `grad`, or an op of the session's
/// own ([`Session::define`](super::Session::define)).
#[derive(Clone, Copy)]
pub(crate) enum Function {
    Op(Op),
    /// `grad(f, x)`: the gradient of f with respect to x, as a circuit.
    Grad,
    Defined(Defined),
}

impl Function {
    /// How many arguments it takes.
    pub(crate) fn arity(self) -> usize {
        match self {
            Function::Op(op) if op.arity() == Arity::Two => 2,
            Function::Op(_) => 1,
            Function::Grad => 2,
            Function::Defined(Defined::One { .. }) => 1,
            Function::Defined(Defined::Two { .. }) => 2,
        }
    }
}

/// A function defined for a session: a custom op's name and rules, as
/// [`Value::custom`](crate::Value::custom) and [`Value::custom2`](crate::Value::custom2) take them.
#[derive(Clone, Copy)]
pub(crate) enum Defined {
    One {
        name: &'static str,
        f: fn(f64) -> f64,
        df: fn(f64) -> f64,
    },
    Two {
        name: &'static str,
        f: fn(f64, f64) -> f64,
        da: fn(f64, f64) -> f64,
        db: fn(f64, f64) -> f64,
    },
}

impl Defined {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Defined::One { name, .. } | Defined::Two { name, .. } => name,
        }
    }

    /// `sq(x)` or `hypot(a, b)`, as `:help` lists it.
    pub(crate) fn signature(self) -> String {
        signature(self.name(), Function::Defined(self))
    }

    /// The op on its arguments: on numbers, a number (as the table's ops fold); otherwise a node.
    fn apply(self, a: Operand, b: Option<Operand>) -> Operand {
        match (self, a, b) {
            (Defined::One { f, .. }, Operand::Const(x), _) => Operand::Const(f(x)),
            (Defined::One { name, f, df }, Operand::Node(x), _) => {
                Operand::Node(x.custom(name, f, df))
            }
            (Defined::Two { f, .. }, Operand::Const(x), Some(Operand::Const(y))) => {
                Operand::Const(f(x, y))
            }
            (Defined::Two { name, f, da, db }, a, b) => {
                let b = b.unwrap_or(Operand::Const(f64::NAN)); // two arguments: the arity was checked
                Operand::Node(a.into_value().custom2(&b.into_value(), name, f, da, db))
            }
        }
    }
}

/// Whether `name` is spelled as the language's names are: a letter or `_`, then letters, digits
/// or `_`.
pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The functions, by name.
pub(crate) const FUNCTIONS: [(&str, Function); 11] = [
    ("exp", Function::Op(Op::Exp)),
    ("ln", Function::Op(Op::Ln)),
    ("tanh", Function::Op(Op::Tanh)),
    ("sigmoid", Function::Op(Op::Sigmoid)),
    ("relu", Function::Op(Op::Relu)),
    ("sqrt", Function::Op(Op::Sqrt)),
    ("abs", Function::Op(Op::Abs)),
    ("square", Function::Op(Op::Square)),
    ("max", Function::Op(Op::Max)),
    ("min", Function::Op(Op::Min)),
    ("grad", Function::Grad),
];

/// The functions as `:help` and errors list them: `exp(x), …, max(a, b), grad(f, x)`.
pub(crate) fn function_list() -> String {
    FUNCTIONS
        .iter()
        .map(|&(name, f)| signature(name, f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A function as `:help` and the errors list it: `exp(x)`, `max(a, b)`, `grad(f, x)`.
fn signature(name: &str, function: Function) -> String {
    match (function, function.arity()) {
        (Function::Grad, _) => format!("{name}(f, x)"),
        (_, 1) => format!("{name}(x)"),
        _ => format!("{name}(a, b)"),
    }
}

/// The built-in function called `name`, if there is one.
pub(crate) fn built_in(name: &str) -> Option<Function> {
    FUNCTIONS.iter().find(|(f, _)| *f == name).map(|&(_, f)| f)
}

pub(crate) struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    lookup: &'a dyn Fn(&str) -> Option<Value>,
    bound: &'a dyn Fn() -> Vec<String>,
    defined: &'a [Defined],
}

impl<'a> Parser<'a> {
    pub(crate) fn new(
        text: &str,
        lookup: &'a dyn Fn(&str) -> Option<Value>,
        bound: &'a dyn Fn() -> Vec<String>,
        defined: &'a [Defined],
    ) -> Parser<'a> {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
            lookup,
            bound,
            defined,
        }
    }

    /// If the line starts `NAME =` (and not `NAME ==`), consumes it and returns NAME; otherwise
    /// leaves the position where it was.
    pub(crate) fn assignment_target(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_space();
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            let name = self.name();
            if self.eat('=') && self.peek() != Some('=') {
                return Some(name);
            }
        }
        self.pos = start;
        None
    }

    /// Parses the rest of the text as one expression.
    pub(crate) fn expression(mut self) -> Result<Operand, ScriptError> {
        let value = self.expr(0)?;
        self.skip_space();
        match self.peek() {
            None => Ok(value),
            Some(_) => Err(self.unexpected(OPERATOR)),
        }
    }

    /// The column (from 1) of the next character.
    pub(crate) fn column(&self) -> usize {
        self.pos + 1
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Skips spaces, then takes `c` if it is next.
    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn unexpected(&self, expected: &str) -> ScriptError {
        let found = match self.peek() {
            None => "the end of the line".to_string(),
            Some(c) => format!("`{c}`"),
        };
        ScriptError::Syntax {
            column: self.column(),
            expected: expected.to_string(),
            found,
        }
    }

    fn deeper(&self, depth: usize) -> Result<usize, ScriptError> {
        if depth >= MAX_DEPTH {
            return Err(ScriptError::TooDeep {
                column: self.column(),
                limit: MAX_DEPTH,
            });
        }
        Ok(depth + 1)
    }

    fn expr(&mut self, depth: usize) -> Result<Operand, ScriptError> {
        let mut value = self.term(depth)?;
        loop {
            let op = if self.eat('+') {
                '+'
            } else if self.eat('-') {
                '-'
            } else {
                return Ok(value);
            };
            let rhs = self.term(depth)?;
            value = binary(op, value, rhs);
        }
    }

    fn term(&mut self, depth: usize) -> Result<Operand, ScriptError> {
        let mut value = self.unary(depth)?;
        loop {
            self.skip_space();
            let op = match (self.peek(), self.chars.get(self.pos + 1)) {
                (Some('*'), Some('*')) => return Ok(value), // `**` is a power, handled below
                (Some('*'), _) => '*',
                (Some('/'), _) => '/',
                _ => return Ok(value),
            };
            self.pos += 1;
            let rhs = self.unary(depth)?;
            value = binary(op, value, rhs);
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Operand, ScriptError> {
        if self.eat('-') {
            let depth = self.deeper(depth)?;
            return Ok(match self.unary(depth)? {
                Operand::Const(c) => Operand::Const(local::neg(c)),
                Operand::Node(v) => Operand::Node(-v),
            });
        }
        self.power(depth)
    }

    /// `^` or `**`, if next (consumed).
    fn power_sign(&mut self) -> bool {
        self.skip_space();
        match (self.peek(), self.chars.get(self.pos + 1)) {
            (Some('^'), _) => {
                self.pos += 1;
                true
            }
            (Some('*'), Some('*')) => {
                self.pos += 2;
                true
            }
            _ => false,
        }
    }

    /// `base ^ exponent`: a number exponent (`x^2`, `x^(-0.5)`) is kept in the node, as
    /// `Value::pow(2.0)` does; any other (`x^y`, `2^x`) makes the exponent an input of the node.
    fn power(&mut self, depth: usize) -> Result<Operand, ScriptError> {
        let base = self.atom(depth)?;
        if !self.power_sign() {
            return Ok(base);
        }
        let exponent = self.exponent(depth)?;
        if self.power_sign() {
            self.pos -= 1;
            return Err(self
                .unexpected("one power only: write (a^b)^c, since a^b^c could be read two ways"));
        }
        Ok(match (base, exponent) {
            (Operand::Const(c), Operand::Const(n)) => Operand::Const(local::pow(c, n)),
            (Operand::Node(v), Operand::Const(n)) => Operand::Node(v.pow(n)),
            (base, Operand::Node(e)) => Operand::Node(base.into_value().pow(&e)),
        })
    }

    /// What follows `^`: an atom, with a minus sign if one comes first (`x^-1`, `x^-y`).
    fn exponent(&mut self, depth: usize) -> Result<Operand, ScriptError> {
        self.skip_space();
        if !self.eat('-') {
            return self.atom(depth);
        }
        let depth = self.deeper(depth)?;
        self.skip_space();
        if self.peek() == Some('-') {
            return Err(self.unexpected("an exponent after `^-` (one minus sign)"));
        }
        Ok(match self.atom(depth)? {
            Operand::Const(c) => Operand::Const(local::neg(c)),
            Operand::Node(v) => Operand::Node(-v),
        })
    }

    fn number(&mut self) -> Result<f64, ScriptError> {
        let start = self.pos;
        let digits = |p: &mut Parser| {
            let from = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > from
        };
        let mut any = digits(self);
        if self.peek() == Some('.') {
            self.pos += 1;
            any |= digits(self);
        }
        if !any {
            return Err(self.unexpected("digits"));
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.unexpected("the digits of the exponent (as in 1e-3)"));
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        // Every text matched above is a valid f64 literal; past the range it is inf (IEEE-754).
        text.parse().map_err(|_| ScriptError::Syntax {
            column: start + 1,
            expected: "a number".into(),
            found: format!("`{text}`"),
        })
    }

    fn name(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn atom(&mut self, depth: usize) -> Result<Operand, ScriptError> {
        self.skip_space();
        match self.peek() {
            Some(c) if c.is_ascii_digit() || c == '.' => Ok(Operand::Const(self.number()?)),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let column = self.column();
                let name = self.name();
                self.skip_space();
                if self.peek() == Some('(') {
                    return self.call(&name, column, depth);
                }
                match (self.lookup)(&name) {
                    Some(v) => Ok(Operand::Node(v)),
                    None => Err(ScriptError::UnknownName {
                        name,
                        column,
                        bound: (self.bound)(),
                    }),
                }
            }
            Some('(') => {
                let depth = self.deeper(depth)?;
                self.pos += 1;
                let value = self.expr(depth)?;
                if !self.eat(')') {
                    return Err(self.unexpected("`)` or an operator (+ - * / ^)"));
                }
                Ok(value)
            }
            _ => Err(self.unexpected(OPERAND)),
        }
    }

    fn call(&mut self, name: &str, column: usize, depth: usize) -> Result<Operand, ScriptError> {
        let defined = || self.defined.iter().find(|d| d.name() == name).copied();
        let Some(function) = built_in(name).or_else(|| defined().map(Function::Defined)) else {
            return Err(ScriptError::UnknownFunction {
                name: name.to_string(),
                column,
            });
        };
        let depth = self.deeper(depth)?;
        self.pos += 1; // `(`
        let mut columns = Vec::new();
        let mut args = Vec::new();
        loop {
            self.skip_space();
            columns.push(self.column());
            args.push(self.expr(depth)?);
            if !self.eat(',') {
                break;
            }
        }
        if !self.eat(')') {
            return Err(self.unexpected("`,` or `)`"));
        }
        let arity = function.arity();
        if args.len() != arity {
            return Err(ScriptError::Syntax {
                column,
                expected: format!(
                    "{arity} argument{} for {name}",
                    if arity == 1 { "" } else { "s" }
                ),
                found: format!("{}", args.len()),
            });
        }
        let mut args = args.into_iter();
        let (Some(a), b) = (args.next(), args.next()) else {
            unreachable!("the arity was checked")
        };
        match function {
            Function::Op(op) => Ok(apply(op, a, b)),
            Function::Defined(defined) => Ok(defined.apply(a, b)),
            Function::Grad => {
                let f = a;
                match b {
                    Some(Operand::Node(x)) => Ok(match f {
                        Operand::Node(f) => Operand::Node(crate::grad(&f, &[&x]).remove(0)),
                        Operand::Const(_) => Operand::Const(0.0), // a number does not change
                    }),
                    _ => Err(ScriptError::Syntax {
                        column: columns[1],
                        expected:
                            "a value to differentiate with respect to, like a name (grad(f, x))"
                                .into(),
                        found: "a number".into(),
                    }),
                }
            }
        }
    }
}

/// An op of the table on one or two arguments: constants fold, anything else builds a node.
fn apply(op: Op, a: Operand, b: Option<Operand>) -> Operand {
    match (a, b) {
        (Operand::Const(x), None) => Operand::Const(op.eval(x, f64::NAN)),
        (Operand::Const(x), Some(Operand::Const(y))) => Operand::Const(op.eval(x, y)),
        (a, b) => {
            let a = a.into_value();
            let b = b.map_or_else(|| a.clone(), Operand::into_value);
            match op.apply(&a, &b, f64::NAN) {
                Some(node) => Operand::Node(node),
                None => unreachable!("the language's functions are ops with inputs"),
            }
        }
    }
}

/// `a op b` for `op` in `+ - * /`: constants fold, anything else builds a node.
fn binary(op: char, a: Operand, b: Operand) -> Operand {
    use Operand::{Const, Node};
    match (a, b) {
        (Const(x), Const(y)) => Const(match op {
            '+' => local::add(x, y),
            '-' => local::sub(x, y),
            '*' => local::mul(x, y),
            _ => local::div(x, y),
        }),
        (Node(x), Const(y)) => Node(match op {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            _ => x / y,
        }),
        (Const(x), Node(y)) => Node(match op {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            _ => x / y,
        }),
        (Node(x), Node(y)) => Node(match op {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            _ => x / y,
        }),
    }
}
