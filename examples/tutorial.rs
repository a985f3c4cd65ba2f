//! # The tutorial, as a notebook session
//!
//! A blog post's Python redo of Andrej Karpathy's "Hacker's guide to Neural Networks"
//! (karpathy.github.io, 2014), redone step by step in Rust: gates, numerical gradients, gradient
//! ascent, a circuit, the chain rule, backprop, and a sigmoid neuron; then the backward pass as a
//! circuit of its own, differentiated again. The numbers are the post's.
//! Every step prints the code it runs and its result, in the order you would type them, like a
//! notebook: `>>> code` then what it printed (nothing, for a call that only changes state, such
//! as `f.backward()`).
//!
//! Run it with `cargo run --example tutorial`. It also draws the circuit, the neuron and the
//! neuron's gradient circuit as SVG pictures, under `tutorial/` in cargo's target directory (or
//! the folder given with `--out DIR`).

mod common;

use std::path::{Path, PathBuf};

use circuitgrad::gates::{self, ascend, ascent_step, custom, multiply, numerical_gradient};
use circuitgrad::{Value, grad, hessian};

/// A notebook cell: prints `>>> expression` and its value (`{}`), or binds it with `let`.
macro_rules! cell {
    (let $name:ident = $e:expr) => {
        let $name = $e;
        println!(
            ">>> let {} = {}\n{}\n",
            stringify!($name),
            stringify!($e),
            format!("{}", $name).trim_end()
        );
    };
    ($e:expr) => {
        println!(">>> {}\n{}\n", stringify!($e), format!("{}", $e).trim_end());
    };
}

/// A notebook cell that only changes state: prints `>>> code` and runs it.
macro_rules! run {
    (let $name:ident = $e:expr) => {
        println!(">>> let {} = {};\n", stringify!($name), stringify!($e));
        let $name = $e;
    };
    ($e:expr) => {
        println!(">>> {};\n", stringify!($e));
        $e;
    };
}

/// As `cell!`, printing the value with `{:?}` (tuples, arrays, results).
macro_rules! cell_debug {
    (let $name:ident = $e:expr) => {
        let $name = $e;
        println!(
            ">>> let {} = {}\n{:?}\n",
            stringify!($name),
            stringify!($e),
            $name
        );
    };
    ($e:expr) => {
        println!(">>> {}\n{:?}\n", stringify!($e), $e);
    };
}

const USAGE: &str = "\
usage: tutorial [--out DIR]

  --out DIR    where the three pictures go (default: tutorial/ in cargo's target directory)
  --help       this text";

/// Writes `value`'s circuit as an SVG picture into `folder` and says where.
fn draw(value: &Value, folder: &Path, name: &str) {
    let path = folder.join(format!("{name}.svg"));
    let written = value.to_svg().map_err(|e| e.to_string()).and_then(|svg| {
        std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
        std::fs::write(&path, svg).map_err(|e| e.to_string())
    });
    match written {
        Ok(()) => println!("(the picture of this circuit is in {})\n", path.display()),
        Err(e) => println!("error: could not draw {}: {e}\n", path.display()),
    }
}

// neuron-start
fn neuron(a: &Value, b: &Value, c: &Value, x: &Value, y: &Value) -> Value {
    let ax = (a * x).labeled("ax");
    let by = (b * y).labeled("by");
    let sum = ((&ax + &by).labeled("ax+by") + c).labeled("ax+by+c");
    sum.sigmoid().labeled("s")
}
// neuron-end

/// Prints the source of this file between `// NAME-start` and `// NAME-end`, as typed at a
/// prompt (`>>>` on the first line, `...` on the others).
fn show_source(name: &str) {
    let source = include_str!("tutorial.rs");
    let (start, end) = (format!("// {name}-start"), format!("// {name}-end"));
    let lines = source
        .lines()
        .skip_while(|l| *l != start)
        .skip(1)
        .take_while(|l| *l != end);
    for (i, line) in lines.enumerate() {
        println!("{} {line}", if i == 0 { ">>>" } else { "..." });
    }
    println!();
}

fn section(title: &str) {
    println!("## {title}\n");
}

fn main() {
    let args = common::Args::parse(USAGE, &[], &["--out"]);
    let pictures: PathBuf = args.out("tutorial");
    println!(
        "# Hacker's guide to Neural Networks (Andrej Karpathy, karpathy.github.io), in Rust\n\n\
         Every number below is the post's. Lines starting `>>>` are the code, run in order.\n"
    );
    section("1. Gates: functions of their inputs");
    cell!(multiply(-2.0, 3.0));
    cell!(gates::add(-2.0, 5.0));
    cell!(gates::max(-2.0, 3.0));

    section("2. Which way should the inputs move? The numerical gradient");
    println!(
        "Nudge x by h = {} and see how much the output moves, per unit of nudge.\n",
        gates::H
    );
    cell_debug!(numerical_gradient(|[x, y]| multiply(x, y), [3.0, 4.0], 0));
    println!("d(xy)/dx = y = 4, so nudging x up should raise the output:\n");
    cell!(multiply(3.0, 4.0));
    cell!(multiply(3.01, 4.0));
    println!("A gate has only the inputs it has; asking for a third is an error, not a guess:\n");
    match numerical_gradient(|[x, y]| multiply(x, y), [3.0, 4.0], 2) {
        Ok(g) => println!("unexpected gradient {g}\n"),
        Err(e) => println!(">>> numerical_gradient(.., [3.0, 4.0], 2)\nerror: {e}\n"),
    }

    section("3. Gradient ascent on the custom gate 100 - (x - y)^2");
    cell!(custom(3.0, 4.0));
    println!("One step of size 0.001 along the numerical gradient:\n");
    cell_debug!(ascent_step(|[x, y]| custom(x, y), [3.0, 4.0], 0.001));
    println!("And again, until a step gains less than 0.000005 (a loop, not recursion):\n");
    cell_debug!(let top = ascend(|[x, y]| custom(x, y), [3.0, 4.0], 0.001, 0.000005, 100_000));
    println!(
        "The post's answer, [value before the last step, x, y]: [{}, {}, {}] after {} steps.\n",
        top.value, top.inputs[0], top.inputs[1], top.steps
    );

    section("4. A circuit: f = (x + y) * z, and the chain rule");
    println!("The inputs are leaves: values with a gradient slot, 0 until a backward pass.\n");
    cell!(let x = Value::new(-2.0).labeled("x"));
    cell!(let y = Value::new(5.0).labeled("y"));
    cell!(let z = Value::new(-4.0).labeled("z"));
    println!("Each operator makes a node that remembers its inputs:\n");
    cell!(let q = (&x + &y).labeled("q"));
    cell!(let f = (&q * &z).labeled("f"));
    println!(
        "By hand: q = x + y has local gradients dq/dx = dq/dy = 1; f = q * z has df/dq = z and"
    );
    println!("df/dz = q. The chain rule multiplies along each path from f back to an input:\n");
    cell_debug!(let by_hand = (z.data() * 1.0, z.data() * 1.0, q.data()));
    println!("Backprop does the same walk for any circuit, from f down, filling every grad:\n");
    run!(f.backward());
    cell_debug!(let by_backward = (x.grad(), y.grad(), z.grad()));
    cell!(by_hand == by_backward);
    println!("Every node, inputs first (op, label, data, grad):\n");
    cell!(f.trace());
    println!("The same two passes one node at a time. Forward computes each node from its inputs;");
    println!("backward reaches each node when its grad is final and hands local derivative × grad");
    println!("to every input (the playground page steps through this):\n");
    cell!(f.walkthrough());
    draw(&f, &pictures, "seed_circuit");
    println!("A step of 0.01 along the gradient raises f:\n");
    run!(let stepped = |v: &Value| v.data() + 0.01 * v.grad());
    cell!((stepped(&x) + stepped(&y)) * stepped(&z));

    section("5. Karpathy's guide: numerical versus analytic gradients");
    cell_debug!(numerical_gradient(|[x, y]| multiply(x, y), [-2.0, 3.0], 0));
    cell_debug!(numerical_gradient(|[x, y]| multiply(x, y), [-2.0, 3.0], 1));
    println!("The analytic gradients are exactly y = 3 and x = -2; a 0.01 step along them:\n");
    cell!(multiply(-2.0 + 0.01 * 3.0, 3.0 + 0.01 * -2.0));

    section("6. A sigmoid neuron: sigmoid(a*x + b*y + c)");
    println!("Five fresh leaves: the weights a, b, the bias c, and the inputs x, y.\n");
    cell!(let a = Value::new(1.0).labeled("a"));
    cell!(let b = Value::new(2.0).labeled("b"));
    cell!(let c = Value::new(-3.0).labeled("c"));
    cell!(let x = Value::new(-1.0).labeled("x"));
    cell!(let y = Value::new(3.0).labeled("y"));
    println!("The neuron as a function of the leaves, so that it can be rebuilt after a step:\n");
    show_source("neuron");
    cell!(let s = neuron(&a, &b, &c, &x, &y));
    run!(s.backward());
    cell_debug!([a.grad(), b.grad(), c.grad(), x.grad(), y.grad()]);
    cell!(s.trace());
    draw(&s, &pictures, "neuron");
    println!("A step of 0.01 along every gradient, then the neuron rebuilt on the new data:\n");
    run!(for v in [&a, &b, &c, &x, &y] {
        v.set_data(v.data() + 0.01 * v.grad());
    });
    cell!(neuron(&a, &b, &c, &x, &y).data());
    println!("The output went up from 0.8807970779778823, as the gradients promised.\n");

    section("7. The backward pass is a circuit too: grad, and grad again");
    println!(
        "backward() leaves numbers in the grads. grad() takes the same walk but multiplies and"
    );
    println!(
        "adds nodes instead: each local derivative written with the same ops. Its result is a"
    );
    println!("circuit, so it can be differentiated again. Back at the neuron's first point:\n");
    cell!(let a = Value::new(1.0).labeled("a"));
    cell!(let b = Value::new(2.0).labeled("b"));
    cell!(let c = Value::new(-3.0).labeled("c"));
    cell!(let x = Value::new(-1.0).labeled("x"));
    cell!(let y = Value::new(3.0).labeled("y"));
    cell!(let s = neuron(&a, &b, &c, &x, &y));
    cell_debug!(let ds = grad(&s, &[&a, &x]));
    println!("By hand: ∂s/∂a = x·s(1 − s) and ∂s/∂x = a·s(1 − s):\n");
    run!(let slope = s.data() * (1.0 - s.data()));
    cell_debug!([x.data() * slope, a.data() * slope]);
    println!(
        "∂s/∂a is a circuit built on the neuron's own nodes (s, and x, whose value it needs):\n"
    );
    cell!(ds[0].trace());
    println!("Its picture, after ds[0].backward(): each leaf's grad is now ∂²s/∂a∂(leaf).\n");
    run!(ds[0].backward());
    draw(&ds[0], &pictures, "neuron_grad");
    println!("The second derivatives, as grad of grad:\n");
    cell_debug!(let dds = grad(&ds[0], &[&a, &x]));
    println!(
        "By hand: ∂²s/∂a² = x²·s(1 − s)(1 − 2s), ∂²s/∂a∂x = s(1 − s) + a·x·s(1 − s)(1 − 2s):\n"
    );
    run!(let bend = slope * (1.0 - 2.0 * s.data()));
    cell_debug!([
        x.data() * x.data() * bend,
        slope + a.data() * x.data() * bend
    ]);
    println!("All of them at once, as a matrix (the Hessian, grad of grad for every pair):\n");
    cell_debug!(hessian(&s, &[&a, &x]));
    println!("Newton's method uses that matrix to step to the bottom of a valley at once:");
    println!("cargo run --release --example newton.");
}
