//! Gradients as circuits: `grad` against `backward()` bit for bit, every op's derivative circuit
//! against its `local` derivative bit for bit and its second derivative against central
//! differences, second and third derivatives against formulas derived by hand, `hessian`, `jvp`,
//! deep circuits in 2 MiB, and gradient circuits replayed from a tape.

mod common;

use circuitgrad::{Arity, Op, Value, grad, hessian, jvp};
use common::{apply, bits, in_2mib_thread, run, step};
use proptest::prelude::*;

/// Inputs where ops meet their edges: zeros of both signs, ties, negatives, tiny and huge numbers,
/// infinities and NaN.
const EDGES: [f64; 14] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    -3.0,
    0.7,
    1e-300,
    -1e300,
    710.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

#[test]
fn every_ops_derivative_circuit_is_its_local_derivative_bit_for_bit() {
    let scalars = [0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -2.5];
    // Every pair natively; under Miri, which runs ~1000x slower, a few.
    let (edges, scalars) = if cfg!(miri) {
        (&EDGES[..3], &scalars[..1])
    } else {
        (&EDGES[..], &scalars[..])
    };
    let mut checked = 0;
    for &op in Op::ALL {
        for &x in edges {
            for &y in edges {
                for &c in scalars {
                    let (a, b) = (Value::new(x), Value::new(y));
                    let node = op.apply(&a, &b, c).unwrap();
                    let second = if op.arity() == Arity::Two { y } else { c };
                    let local = op.local(x, second, node.data());
                    let inputs = if op.arity() == Arity::Two { 2 } else { 1 };
                    let g = grad(&node, &[&a, &b][..inputs]);
                    node.backward();
                    for k in 0..inputs {
                        // A single node's gradient is `0 + local × 1`, as `backward()` adds it.
                        assert_eq!(
                            bits([g[k].data()]),
                            bits([0.0 + local[k]]),
                            "{op:?}({x}, {second}): input {k}"
                        );
                        let grad_field = if k == 0 { a.grad() } else { b.grad() };
                        assert_eq!(bits([g[k].data()]), bits([grad_field]));
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked >= Op::ALL.len() * edges.len() * edges.len() * scalars.len());
}

/// A central difference of first derivatives: a step of 1e-5 (relative), since each first
/// derivative already carries rounding of its own, and a looser kink test to match.
fn slope(f: impl Fn(f64) -> f64, x: f64) -> Option<f64> {
    common::slope(f, x, 1e-5, 1e-2)
}

fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * (1.0 + got.abs().max(want.abs()))
}

#[test]
fn every_ops_second_derivative_matches_central_differences_of_its_first() {
    let points = [(0.7, 1.3), (1.6, -0.4), (-0.8, 1.9), (2.5, 0.6), (0.3, 2.2)];
    let scalars = [1.5, -0.5, 3.0, 2.0];
    // Every pair natively; under Miri, which runs ~1000x slower, enough to reach every entry.
    let (points, scalars) = if cfg!(miri) {
        (&points[..2], &scalars[..2])
    } else {
        (&points[..], &scalars[..])
    };
    for &op in Op::ALL {
        let inputs = if op.arity() == Arity::Two { 2 } else { 1 };
        let mut checked = vec![vec![0; inputs]; inputs];
        for &(x, y) in points {
            for &c in scalars {
                let second = if op.arity() == Arity::Two { y } else { c };
                let (a, b) = (Value::new(x), Value::new(y));
                let node = op.apply(&a, &b, c).unwrap();
                let g = grad(&node, &[&a, &b][..inputs]);
                for (k, g_k) in g.iter().enumerate() {
                    let gg = grad(g_k, &[&a, &b][..inputs]);
                    // ∂/∂x and ∂/∂y of the k-th local derivative, numerically.
                    let first = |x: f64, y: f64| {
                        let second = if op.arity() == Arity::Two { y } else { c };
                        op.local(x, second, op.eval(x, second))[k]
                    };
                    let numeric = [
                        slope(|t| first(t, y), x),
                        slope(|t| first(x, t), y).filter(|_| inputs == 2),
                    ];
                    for (i, n) in numeric.iter().enumerate().take(inputs) {
                        if let Some(n) = n {
                            assert!(
                                close(gg[i].data(), *n, 1e-4),
                                "{op:?} at ({x}, {second}): ∂²/∂{k}∂{i} = {} by grad, {n} by differences",
                                gg[i].data()
                            );
                            checked[k][i] += 1;
                        }
                    }
                }
            }
        }
        assert!(
            checked.iter().flatten().all(|&n| n > 0),
            "{op:?}: some second derivative was never checked: {checked:?}"
        );
    }
}

#[test]
fn second_and_third_derivatives_match_the_formulas() {
    // f = x³·y² + exp(x·y) + ln(y) at x = 0.5, y = 1.5, written out by hand:
    let (x0, y0) = (0.5f64, 1.5f64);
    let e = (x0 * y0).exp();
    let x = Value::new(x0).labeled("x");
    let y = Value::new(y0).labeled("y");
    let f = x.pow(3.0) * y.pow(2.0) + (&x * &y).exp() + y.ln();
    let g = grad(&f, &[&x, &y]);
    // ∂f/∂x = 3x²y² + y·e^(xy); ∂f/∂y = 2x³y + x·e^(xy) + 1/y
    assert!(close(
        g[0].data(),
        3.0 * x0.powi(2) * y0.powi(2) + y0 * e,
        1e-14
    ));
    assert!(close(
        g[1].data(),
        2.0 * x0.powi(3) * y0 + x0 * e + 1.0 / y0,
        1e-14
    ));
    let gx = grad(&g[0], &[&x, &y]);
    let gy = grad(&g[1], &[&x, &y]);
    // ∂²f/∂x² = 6xy² + y²e; ∂²f/∂x∂y = 6x²y + e + xy·e; ∂²f/∂y² = 2x³ + x²e - 1/y²
    assert!(close(
        gx[0].data(),
        6.0 * x0 * y0.powi(2) + y0 * y0 * e,
        1e-14
    ));
    assert!(close(
        gx[1].data(),
        6.0 * x0 * x0 * y0 + e + x0 * y0 * e,
        1e-14
    ));
    assert!(close(gy[0].data(), gx[1].data(), 1e-14));
    assert!(close(
        gy[1].data(),
        2.0 * x0.powi(3) + x0 * x0 * e - 1.0 / (y0 * y0),
        1e-14
    ));
    // ∂³f/∂x³ = 6y² + y³e; ∂³f/∂x²∂y = 12xy + 2ye + xy²e; ∂³f/∂y³ = x³e + 2/y³
    let gxx = grad(&gx[0], &[&x, &y]);
    let gyy = grad(&gy[1], &[&y]);
    assert!(close(gxx[0].data(), 6.0 * y0 * y0 + y0.powi(3) * e, 1e-13));
    assert!(close(
        gxx[1].data(),
        12.0 * x0 * y0 + 2.0 * y0 * e + x0 * y0 * y0 * e,
        1e-13
    ));
    assert!(close(
        gyy[0].data(),
        x0.powi(3) * e + 2.0 / y0.powi(3),
        1e-13
    ));
}

#[test]
fn shared_nodes_sum_their_paths_at_every_order() {
    // s = x·x is used twice: f = s·s + s = x⁴ + x², at x = 1.5.
    let x = Value::new(1.5);
    let s = &x * &x;
    let f = &s * &s + &s;
    let d1 = grad(&f, &[&x]);
    let d2 = grad(&d1[0], &[&x]);
    let d3 = grad(&d2[0], &[&x]);
    let d4 = grad(&d3[0], &[&x]);
    // 4x³ + 2x, 12x² + 2, 24x, 24: every product here is exact in binary.
    assert_eq!(d1[0].data(), 4.0 * 1.5f64.powi(3) + 3.0);
    assert_eq!(d2[0].data(), 12.0 * 2.25 + 2.0);
    assert_eq!(d3[0].data(), 36.0);
    assert_eq!(d4[0].data(), 24.0);
    // With respect to the inner node s too: ∂f/∂s holding x fixed = 2s + 1.
    assert_eq!(grad(&f, &[&s])[0].data(), 2.0 * 2.25 + 1.0);
}

#[test]
fn values_outside_the_circuit_get_zero_and_the_output_itself_one() {
    let x = Value::new(2.0);
    let elsewhere = Value::new(5.0);
    let f = x.tanh();
    let g = grad(&f, &[&elsewhere, &f, &x]);
    assert_eq!(g[0].data(), 0.0);
    assert_eq!(g[1].data(), 1.0);
    assert_eq!(g[2].data(), 1.0 - 2f64.tanh().powf(2.0));
    // Constants: their own gradients are 0.
    assert_eq!(grad(&g[1], &[&x])[0].data(), 0.0);
    assert!(grad(&f, &[]).is_empty());
}

#[test]
fn grad_leaves_the_grad_fields_as_they_were() {
    let x = Value::new(0.5);
    let y = (&x * 3.0).sigmoid();
    y.backward();
    let before = (x.grad(), y.grad());
    x.set_grad(7.0);
    let g = grad(&y, &[&x]);
    assert_eq!((x.grad(), y.grad()), (7.0, before.1));
    assert_eq!(g[0].data(), before.0);
}

#[test]
fn kinks_have_second_derivative_zero_on_both_sides_and_at_the_kink() {
    for x0 in [-1.0, 0.0, 2.0] {
        let x = Value::new(x0);
        for f in [
            x.relu() * 3.0,
            x.abs(),
            x.max(&Value::new(0.0)),
            x.min(&(&x * 2.0)),
        ] {
            let d1 = grad(&f, &[&x]);
            let d2 = grad(&d1[0], &[&x]);
            assert_eq!(d2[0].data(), 0.0, "at {x0}: {}", f.op_name());
        }
    }
}

#[test]
fn hessian_is_symmetric_and_matches_the_formula() {
    // Rosenbrock: f = (1 - x)² + 100 (y - x²)², at (-1.2, 1).
    let (x0, y0) = (-1.2f64, 1.0f64);
    let (x, y) = (Value::new(x0), Value::new(y0));
    let f = (1.0 - &x).pow(2.0) + 100.0 * (&y - x.pow(2.0)).pow(2.0);
    let h = hessian(&f, &[&x, &y]);
    // H = [[2 - 400(y - x²) + 800x², -400x], [-400x, 200]]
    let want = [
        [2.0 - 400.0 * (y0 - x0 * x0) + 800.0 * x0 * x0, -400.0 * x0],
        [-400.0 * x0, 200.0],
    ];
    for i in 0..2 {
        for j in 0..2 {
            assert!(
                close(h[i][j], want[i][j], 1e-13),
                "h[{i}][{j}] = {}",
                h[i][j]
            );
        }
    }
    assert_eq!(h[0][1].to_bits(), h[1][0].to_bits());
}

#[test]
fn jvp_is_the_gradient_along_the_direction() {
    let (x, y) = (Value::new(0.3), Value::new(-1.2));
    let f = (&x * &y).tanh() + x.exp() * &y;
    let g = grad(&f, &[&x, &y]);
    let (tx, ty) = (0.7, -0.4);
    let along = jvp(&f, &[(&x, tx), (&y, ty)]);
    assert!(close(along, g[0].data() * tx + g[1].data() * ty, 1e-15));
    // A direction that moves one input is that input's derivative, bit for bit here: each node's
    // tangent is one product of the same local derivatives, in the same order.
    assert_eq!(jvp(&f, &[(&x, 1.0)]).to_bits(), {
        f.backward();
        x.grad().to_bits()
    });
}

#[test]
fn jvp_of_an_unrelated_value_is_zero_even_beside_a_nan() {
    let x = Value::new(1.0);
    let nan = Value::new(-1.0).ln(); // NaN, but no path from x
    let f = &x * 2.0 + &nan * 0.0;
    assert!(f.data().is_nan());
    assert_eq!(jvp(&f, &[(&Value::new(3.0), 1.0)]), 0.0);
    assert_eq!(jvp(&f, &[(&x, 1.0)]), 2.0);
}

/// Steps of two nodes each: a million nodes natively, a hundred under Miri.
const HALF_MILLION: usize = if cfg!(miri) { 50 } else { 500_000 };

#[test]
fn grad_of_a_million_node_chain_and_grad_of_that_run_in_2mib() {
    let (d1, d2, want1, want2) = in_2mib_thread(|| {
        let x = Value::new(0.5);
        let mut v = x.clone();
        for _ in 0..HALF_MILLION {
            v = (&v * &x).tanh(); // two nodes a step, both with derivatives that depend on x
        }
        let d1 = grad(&v, &[&x]);
        let d2 = grad(&d1[0], &[&x]);
        v.backward();
        let want1 = x.grad();
        d1[0].backward();
        let want2 = x.grad();
        (d1[0].data(), d2[0].data(), want1, want2)
    });
    assert_eq!(d1.to_bits(), want1.to_bits());
    assert_eq!(d2.to_bits(), want2.to_bits());
    assert!(d1.is_finite() && d2.is_finite());
}

proptest! {
    // 256 cases natively; 4 under Miri, which runs ~1000x slower.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
    #[test]
    fn grad_is_backward_bit_for_bit_on_random_circuits(
        inputs in prop::collection::vec(-2.0f64..2.0, 1..4),
        program in prop::collection::vec(step(), 1..20),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let nodes = run(&leaves, &program, apply);
        let out = nodes.last().unwrap();
        // With respect to the leaves and to every inner node, shared ones included.
        let wrt: Vec<&Value> = nodes.iter().collect();
        let g = grad(out, &wrt);
        // Every node is new, so a node outside the circuit keeps the 0 it started with: grad's 0.
        out.backward();
        for (v, gv) in nodes.iter().zip(&g) {
            prop_assert_eq!(bits([gv.data()]), bits([v.grad()]));
        }
    }

    #[test]
    fn second_derivatives_of_random_circuits_match_central_differences(
        inputs in prop::collection::vec(-1.5f64..1.5, 1..3),
        program in prop::collection::vec(step(), 1..10),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let out = run(&leaves, &program, apply).pop().unwrap();
        let wrt: Vec<&Value> = leaves.iter().collect();
        let first = grad(&out, &wrt);
        for (i, g_i) in first.iter().enumerate() {
            let second = grad(g_i, &wrt);
            for (j, g_ij) in second.iter().enumerate() {
                // ∂/∂x_j of the first derivative, by rebuilding it with x_j nudged.
                let at = |t: f64| {
                    let mut xs = inputs.clone();
                    xs[j] = t;
                    let leaves: Vec<Value> = xs.iter().map(|&x| Value::new(x)).collect();
                    let out = run(&leaves, &program, apply).pop().unwrap();
                    out.backward();
                    leaves[i].grad()
                };
                if let Some(numeric) = slope(at, inputs[j]) {
                    if g_ij.data().is_finite() {
                        prop_assert!(
                            close(g_ij.data(), numeric, 1e-3),
                            "∂²/∂x{}∂x{}: grad {} vs differences {}", i, j, g_ij.data(), numeric
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_gradient_circuit_replays_from_a_tape_as_it_was_built(
        first in prop::collection::vec(-2.0f64..2.0, 1..4),
        second in prop::collection::vec(-2.0f64..2.0, 4),
        program in prop::collection::vec(step(), 1..16),
    ) {
        let leaves: Vec<Value> = first.iter().map(|&x| Value::new(x)).collect();
        let out = run(&leaves, &program, apply).pop().unwrap();
        let wrt: Vec<&Value> = leaves.iter().collect();
        let g = grad(&out, &wrt);
        let mut tape = g[0].compile();
        for (leaf, &x) in leaves.iter().zip(&second) {
            leaf.set_data(x);
        }
        // The tape re-decides every branch (kinks, steps) on the new data, as a fresh build does.
        let replayed = tape.forward();
        let fresh = run(&leaves, &program, apply).pop().unwrap();
        let rebuilt = grad(&fresh, &wrt);
        prop_assert_eq!(bits([replayed]), bits([rebuilt[0].data()]));
    }
}

/// One case of `tests/data/cas/cas.txt`: a script over the leaves x and y ending in f, and f's
/// exact derivatives at the leaves' values, from SymPy (`tests/data/cas/generate.py`).
struct CasCase {
    name: String,
    lines: Vec<String>,
    f: f64,
    derivatives: Vec<(Vec<String>, f64)>,
}

fn cas_cases() -> Vec<CasCase> {
    let text = include_str!("data/cas/cas.txt");
    let mut cases = Vec::new();
    let mut case: Option<CasCase> = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        let number = || rest.parse::<f64>().unwrap();
        match key {
            "case" => {
                case = Some(CasCase {
                    name: rest.into(),
                    lines: Vec::new(),
                    f: f64::NAN,
                    derivatives: Vec::new(),
                })
            }
            "x" | "y" => case.as_mut().unwrap().lines.push(format!("{key} = {rest}")),
            "line" => case.as_mut().unwrap().lines.push(rest.into()),
            "f" => case.as_mut().unwrap().f = number(),
            "d" => {
                let mut words: Vec<&str> = rest.split(' ').collect();
                let value = words.pop().unwrap().parse().unwrap();
                let order = words.into_iter().map(String::from).collect();
                case.as_mut().unwrap().derivatives.push((order, value));
            }
            "end" => cases.push(case.take().unwrap()),
            other => panic!("cas.txt: unknown line kind {other}"),
        }
    }
    cases
}

#[test]
fn derivatives_up_to_the_third_match_a_computer_algebra_system_through_the_repl_and_the_api() {
    use circuitgrad::script::{Reply, Session};
    let cases = cas_cases();
    assert_eq!(cases.len(), 8);
    // All eight natively; under Miri, which runs ~1000x slower, two.
    let take = if cfg!(miri) { 2 } else { cases.len() };
    for case in cases.into_iter().take(take) {
        let mut s = Session::new();
        for line in &case.lines {
            assert_eq!(s.run(line), Ok(Reply::Nothing), "{}: {line}", case.name);
        }
        let value = |s: &mut Session, name: &str| match s.run(name) {
            Ok(Reply::Text(t)) => t.parse::<f64>().unwrap(),
            other => panic!("{}: {name}: {other:?}", case.name),
        };
        // The leaves are the nearest doubles to SymPy's exact decimals: agreement to 1e-12 of the
        // size of the numbers is what rounding allows here.
        let close = |got: f64, want: f64| (got - want).abs() <= 1e-12 * want.abs().max(1.0);
        assert!(close(value(&mut s, "f"), case.f), "{}: f", case.name);
        for (order, want) in &case.derivatives {
            // Through the REPL: d1 = grad(f, x), d2 = grad(d1, y), …
            let mut of = "f".to_string();
            for (k, v) in order.iter().enumerate() {
                let name = format!("d{}", k + 1);
                let line = format!("{name} = grad({of}, {v})");
                assert_eq!(s.run(&line), Ok(Reply::Nothing), "{}: {line}", case.name);
                of = name;
            }
            let by_repl = value(&mut s, &of);
            assert!(
                close(by_repl, *want),
                "{}: d/d{order:?} = {by_repl} by grad, {want} by SymPy",
                case.name
            );
            // Through the API, on the same nodes: the same number, bit for bit.
            let mut g = s.get("f").unwrap().clone();
            for v in order {
                g = grad(&g, &[s.get(v).unwrap()]).remove(0);
            }
            assert_eq!(g.data().to_bits(), s.get(&of).unwrap().data().to_bits());
        }
    }
}

#[test]
fn pow_with_a_value_exponent_matches_its_formulas_to_the_third_order() {
    // f = x^y at x = 1.5, y = 0.7, with the formulas beside the checks (cas.txt has it through the
    // REPL, in a circuit with shared nodes).
    let (x0, y0) = (1.5f64, 0.7f64);
    let (x, y) = (Value::new(x0), Value::new(y0));
    let f = x.pow(&y);
    let l = x0.ln();
    let p = x0.powf(y0);
    let d = |g: &Value, v: &Value| grad(g, &[v]).remove(0);
    let fx = d(&f, &x);
    let fy = d(&f, &y);
    assert!(close(fx.data(), y0 * x0.powf(y0 - 1.0), 1e-14)); // y·x^(y-1)
    assert!(close(fy.data(), p * l, 1e-14)); // x^y·ln x
    assert!(close(
        d(&fx, &x).data(),
        y0 * (y0 - 1.0) * x0.powf(y0 - 2.0),
        1e-14
    ));
    assert!(close(
        d(&fx, &y).data(),
        x0.powf(y0 - 1.0) * (1.0 + y0 * l),
        1e-14
    ));
    assert!(close(
        d(&fy, &x).data(),
        x0.powf(y0 - 1.0) * (1.0 + y0 * l),
        1e-14
    ));
    assert!(close(d(&fy, &y).data(), p * l * l, 1e-14));
    // Third order: ∂³/∂x³ = y(y-1)(y-2)x^(y-3); ∂³/∂y³ = x^y ln³x;
    // ∂³/∂x∂y² = x^(y-1) ln x (2 + y ln x).
    assert!(close(
        d(&d(&fx, &x), &x).data(),
        y0 * (y0 - 1.0) * (y0 - 2.0) * x0.powf(y0 - 3.0),
        1e-13
    ));
    assert!(close(d(&d(&fy, &y), &y).data(), p * l * l * l, 1e-13));
    assert!(close(
        d(&d(&fx, &y), &y).data(),
        x0.powf(y0 - 1.0) * l * (2.0 + y0 * l),
        1e-13
    ));
}
