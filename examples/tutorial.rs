//! # The tutorial, as a notebook session
//!
//! Karpathy's "Hacker's guide to Neural Networks", redone step by step: gates, numerical gradients,
//! gradient ascent, a circuit, the chain rule, backprop, and a sigmoid neuron. Every step prints the
//! expression and its result, in the order you would type them.
//!
//! Run it with `cargo run --example tutorial`. It also draws the circuit and the neuron as SVG
//! pictures, under `target/tutorial` (or the folder given with `--out DIR`).

use circuitgrad::Value;
use circuitgrad::gates::{self, ascend, ascent_step, custom, multiply, numerical_gradient};

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

/// Where the pictures go: `--out DIR`, or `target/tutorial`.
fn picture_folder() -> std::path::PathBuf {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--out") {
        Some(i) if i + 1 < args.len() => args[i + 1].clone().into(),
        _ => "target/tutorial".into(),
    }
}

/// Writes `value`'s circuit as an SVG picture and says where.
fn draw(value: &Value, name: &str) {
    let folder = picture_folder();
    let path = folder.join(format!("{name}.svg"));
    let written = value.to_svg().map_err(|e| e.to_string()).and_then(|svg| {
        std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
        std::fs::write(&path, svg).map_err(|e| e.to_string())
    });
    match written {
        Ok(()) => println!("(the picture of this circuit is in {})\n", path.display()),
        Err(e) => println!("error: could not draw {}: {e}\n", path.display()),
    }
}

fn section(title: &str) {
    println!("## {title}\n");
}

fn main() {
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
    let x = Value::new(-2.0).labeled("x");
    let y = Value::new(5.0).labeled("y");
    let z = Value::new(-4.0).labeled("z");
    cell!(let q = (&x + &y).labeled("q"));
    cell!(let f = (&q * &z).labeled("f"));
    println!(
        "By hand: q = x + y has local gradients dq/dx = dq/dy = 1; f = q * z has df/dq = z and"
    );
    println!("df/dz = q. The chain rule multiplies along each path from f back to an input:\n");
    cell_debug!(let by_hand = (z.data() * 1.0, z.data() * 1.0, q.data()));
    println!("Backprop does the same walk for any circuit:\n");
    f.backward();
    cell_debug!(let by_backward = (x.grad(), y.grad(), z.grad()));
    cell!(by_hand == by_backward);
    println!("Every node, inputs first (op, label, data, grad):\n");
    cell!(f.trace());
    draw(&f, "seed_circuit");
    println!("A step of 0.01 along the gradient raises f:\n");
    let stepped = |v: &Value| v.data() + 0.01 * v.grad();
    cell!((stepped(&x) + stepped(&y)) * stepped(&z));

    section("5. Karpathy's guide: numerical versus analytic gradients");
    cell_debug!(numerical_gradient(|[x, y]| multiply(x, y), [-2.0, 3.0], 0));
    cell_debug!(numerical_gradient(|[x, y]| multiply(x, y), [-2.0, 3.0], 1));
    println!("The analytic gradients are exactly y = 3 and x = -2; a 0.01 step along them:\n");
    cell!(multiply(-2.0 + 0.01 * 3.0, 3.0 + 0.01 * -2.0));

    section("6. A sigmoid neuron: sigmoid(a*x + b*y + c)");
    let [a, b, c, x, y] = [("a", 1.0), ("b", 2.0), ("c", -3.0), ("x", -1.0), ("y", 3.0)]
        .map(|(name, v)| Value::new(v).labeled(name));
    let neuron = || {
        let ax = (&a * &x).labeled("ax");
        let by = (&b * &y).labeled("by");
        let sum = ((&ax + &by).labeled("ax+by") + &c).labeled("ax+by+c");
        sum.sigmoid().labeled("s")
    };
    cell!(let s = neuron());
    s.backward();
    cell_debug!([a.grad(), b.grad(), c.grad(), x.grad(), y.grad()]);
    cell!(s.trace());
    draw(&s, "neuron");
    println!("A step of 0.01 along every gradient raises the neuron's output:\n");
    for v in [&a, &b, &c, &x, &y] {
        v.set_data(v.data() + 0.01 * v.grad());
    }
    cell!(neuron().data());
}
