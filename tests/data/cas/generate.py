"""Exact derivatives of REPL scripts, from SymPy, for tests/higher_order.rs.

Each case is a script in the REPL's language over the leaves x and y, ending in a binding f. SymPy
reads the same script (the language's functions mapped to SymPy's), differentiates f exactly, and
evaluates every derivative at the leaves' values to 30 significant digits. The output, cas.txt, is
committed; regenerate it with

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install sympy==1.14.0
    /tmp/venv/bin/python tests/data/cas/generate.py > tests/data/cas/cas.txt

Every point is away from the kinks of relu, abs, max and min, where the derivatives exist.
"""

import sympy as sp

x, y = sp.symbols("x y", real=True)

# The kinks as Piecewise, which SymPy differentiates piece by piece (its Abs, Max and Min leave
# unevaluated derivatives of `sign` at third order).
FUNCTIONS = {
    "exp": sp.exp,
    "ln": sp.log,
    "tanh": sp.tanh,
    "sigmoid": lambda u: 1 / (1 + sp.exp(-u)),
    "relu": lambda u: sp.Piecewise((u, u > 0), (0, True)),
    "sqrt": sp.sqrt,
    "abs": lambda u: sp.Piecewise((u, u > 0), (-u, True)),
    "square": lambda u: u**2,
    "max": lambda a, b: sp.Piecewise((a, a > b), (b, True)),
    "min": lambda a, b: sp.Piecewise((a, a < b), (b, True)),
}

# (name, x, y, script lines after the leaves). Shared nodes: s, t are used more than once.
CASES = [
    ("arithmetic", "0.7", "-1.3", ["s = x * y", "f = s * s / (x + 2) - 3 / y + s"]),
    ("exp, ln and powers", "0.4", "1.5", ["s = x * y", "f = exp(s) * ln(y + s) + x^3 - y^-2 + s^0.5"]),
    ("tanh and sigmoid", "-0.3", "0.8", ["s = tanh(x * y + 0.5)", "f = sigmoid(s * x - y) * s + s * s"]),
    ("sqrt, square, unary minus", "1.2", "0.6", ["s = sqrt(x * x + y)", "f = -square(s - x) * s + sqrt(s) / y"]),
    ("kinks, away from them", "0.9", "-0.4", ["s = x * y", "f = relu(x - 0.2) * abs(s) + max(x, y) * min(s, y) - relu(s) * x"]),
    ("a neuron", "0.5", "-1.5", ["a = 2", "b = -3", "c = 0.25", "f = sigmoid(a * x + b * y + c) * tanh(x * y)"]),
    ("powers with a value exponent", "1.3", "0.7", ["s = x * y + 1", "f = s^y + 2^s - x^-y + (x + 1)**(s * y)"]),
    ("every op at once", "0.35", "1.1", [
        "s = x * y + 1",
        "t = exp(-s) + ln(s)",
        "f = tanh(t * x) + sigmoid(t - y) * sqrt(s) + square(t) / s + abs(t - 2) * relu(x) - max(t, y) + min(s, 2 * y) - t^3",
    ]),
]

ORDERS = [
    ("x",), ("y",),
    ("x", "x"), ("x", "y"), ("y", "y"),
    ("x", "x", "x"), ("x", "x", "y"), ("x", "y", "y"), ("y", "y", "y"),
]


def evaluate(line, names):
    """A line `name = expr` of the REPL's language, as SymPy: `^` is a power, names are bound."""
    name, expr = (part.strip() for part in line.split("=", 1))
    env = dict(FUNCTIONS)
    env.update(names)
    value = sp.sympify(expr.replace("^", "**"), locals=env, rational=True)
    names[name] = value


def main():
    print("# Exact derivatives from SymPy", sp.__version__, "(see generate.py). A case:")
    print("# case NAME / x VALUE / y VALUE / the script's lines / d VARIABLES VALUE ... / end")
    for name, x0, y0, lines in CASES:
        names = {"x": x, "y": y}
        for line in lines:
            evaluate(line, names)
        f = names["f"]
        at = {x: sp.Rational(x0), y: sp.Rational(y0)}
        print(f"case {name}")
        print(f"x {x0}")
        print(f"y {y0}")
        for line in lines:
            print(f"line {line}")
        print(f"f {sp.N(f.subs(at), 30)}")
        for order in ORDERS:
            d = sp.diff(f, *[{"x": x, "y": y}[v] for v in order])
            print(f"d {' '.join(order)} {sp.N(d.subs(at), 30)}")
        print("end")


main()
