//! The engine's contracts: what `backward()`, `zero_grad()`, the ops and the printing promise.

use circuitgrad::Value;

#[test]
fn backward_twice_gives_the_same_gradients() {
    let a = Value::new(3.0);
    let b = &a * &a;
    let c = &b + &b; // c = 2a², dc/da = 4a = 12
    c.backward();
    c.backward();
    assert_eq!(a.grad(), 12.0);
    assert_eq!(c.grad(), 1.0);
}

#[test]
fn a_node_used_twice_accumulates_both_paths() {
    let a = Value::new(3.0);
    let b = &a * &a; // db/da = 2a
    b.backward();
    assert_eq!(a.grad(), 6.0);

    let a = Value::new(5.0);
    let b = &a * 2.0;
    let c = &b * 3.0 + &b * 4.0; // c = 14a: the topological order is what makes this 14, not 20
    c.backward();
    assert_eq!(a.grad(), 14.0);
}

#[test]
fn a_leaf_shared_by_two_circuits_keeps_the_last_backward() {
    let x = Value::new(2.0);
    let f = &x * 3.0; // df/dx = 3
    let g = &x * &x; // dg/dx = 2x = 4
    f.backward();
    g.backward();
    assert_eq!(x.grad(), 4.0);
    f.backward();
    assert_eq!(x.grad(), 3.0);
}

#[test]
fn backward_from_an_inner_node_covers_only_what_is_below_it() {
    let (x, y) = (Value::new(-2.0), Value::new(5.0));
    let q = &x + &y;
    let f = &q * 4.0;
    f.backward();
    assert_eq!(x.grad(), 4.0);
    q.backward(); // from inside the circuit: dq/dx = 1; f's grad is left as it was
    assert_eq!((x.grad(), q.grad(), f.grad()), (1.0, 1.0, 1.0));
}

#[test]
fn zero_grad_clears_the_value_and_everything_below() {
    let x = Value::new(2.0);
    let y = (&x * &x).tanh();
    y.backward();
    assert!(x.grad() != 0.0);
    y.zero_grad();
    assert_eq!((x.grad(), y.grad()), (0.0, 0.0));
}

#[test]
fn max_of_a_value_with_itself_has_derivative_one() {
    let x = Value::new(1.5);
    let m = x.max(&x); // a tie: each side gets half
    m.backward();
    assert_eq!(x.grad(), 1.0);
}

#[test]
fn max_sends_the_gradient_to_the_larger_input() {
    let (a, b) = (Value::new(4.0), Value::new(-1.0));
    let m = a.max(&b);
    m.backward();
    assert_eq!((m.data(), a.grad(), b.grad()), (4.0, 1.0, 0.0));
}

#[test]
fn relu_has_zero_derivative_at_zero() {
    for (x0, want) in [(-1.0, 0.0), (0.0, 0.0), (2.0, 1.0)] {
        let x = Value::new(x0);
        let y = x.relu();
        y.backward();
        assert_eq!(x.grad(), want, "relu'({x0})");
    }
}

#[test]
fn a_shared_sub_circuit_is_visited_once() {
    let x = Value::new(1.0);
    let mut v = x.clone();
    for _ in 0..80 {
        v = &v + &v; // v = 2^k x: 2^80 paths, 80 nodes
    }
    v.backward();
    assert_eq!(x.grad(), 2f64.powi(80)); // exactly: every partial sum is a power of two
    assert_eq!(v.trace().rows().len(), 81);
}

#[test]
fn every_op_matches_its_derivative_from_the_math() {
    // (expression, x0, d/dx from the math)
    let x0 = 0.5_f64;
    type Case = (&'static str, fn(&Value) -> Value, f64);
    let cases: [Case; 21] = [
        ("x + x", (|x| x + x), 2.0),
        ("x - 3x", (|x| x - x * 3.0), -2.0),
        ("x * x", (|x| x * x), 2.0 * x0),
        ("1 / x", (|x| 1.0 / x), -1.0 / (x0 * x0)),
        ("x / 4", (|x| x / 4.0), 0.25),
        (
            "x / (x + 1)",
            (|x| x / (x + 1.0)),
            1.0 / ((x0 + 1.0) * (x0 + 1.0)),
        ),
        ("2 - x", (|x| 2.0 - x), -1.0),
        ("-x", (|x| -x), -1.0),
        ("x^3", (|x| x.pow(3.0)), 3.0 * x0 * x0),
        ("exp x", (|x| x.exp()), x0.exp()),
        ("ln x", (|x| x.ln()), 1.0 / x0),
        ("tanh x", (|x| x.tanh()), 1.0 - x0.tanh().powi(2)),
        ("sigmoid x", (|x| x.sigmoid()), {
            let s = 1.0 / (1.0 + (-x0).exp());
            s * (1.0 - s)
        }),
        ("relu x", (|x| x.relu()), 1.0),
        ("sqrt x", (|x| x.sqrt()), 0.5 / x0.sqrt()),
        ("abs(x - 1)", (|x| (x - 1.0).abs()), -1.0), // x0 < 1: the slope of 1 - x
        ("square x", (|x| x.square()), 2.0 * x0),
        // A tie at x0 = 0.5: each side gets ½, so ½·d(x)/dx + ½·d(1 - x)/dx = ½ - ½
        ("max(x, 1 - x)", (|x| x.max(&(1.0 - x))), 0.0),
        ("min(x, x²)", (|x| x.min(&(x * x))), 2.0 * x0), // x0² < x0
        // d/dx x^x = x^x (ln x + 1), through both the base and the exponent
        ("x^x", (|x| x.pow(x)), x0.powf(x0) * (x0.ln() + 1.0)),
        (
            "2^x",
            (|x| Value::new(2.0).pow(x)),
            2f64.powf(x0) * 2f64.ln(),
        ),
    ];
    for (name, f, want) in cases {
        let x = Value::new(x0);
        f(&x).backward();
        let got = x.grad();
        assert!(
            approx::relative_eq!(got, want, max_relative = 1e-15),
            "d({name})/dx = {got}, want {want}"
        );
    }
}

#[test]
fn domain_problems_follow_ieee_754() {
    let ln = Value::new(-1.0).ln();
    assert!(ln.data().is_nan());
    assert_eq!((1.0 / Value::new(0.0)).data(), f64::INFINITY);
    assert_eq!((Value::new(1.0) / 0.0).data(), f64::INFINITY);
    assert_eq!(Value::new(0.0).ln().data(), f64::NEG_INFINITY);
    assert_eq!(Value::new(1000.0).exp().data(), f64::INFINITY);
    // NaN propagates through backward instead of panicking.
    let x = Value::new(-1.0);
    let y = x.ln() * 2.0;
    y.backward();
    assert_eq!(x.grad(), -2.0); // d ln(x)/dx = 1/x is defined at -1; only the value is NaN
    assert!(y.data().is_nan());
}

#[test]
fn sum_of_values_and_of_references() {
    let xs: Vec<Value> = [1.0, 2.0, 3.0].into_iter().map(Value::new).collect();
    let s: Value = xs.iter().sum();
    let t: Value = xs.iter().map(|x| x * x).sum();
    assert_eq!((s.data(), t.data()), (6.0, 14.0));
    t.backward();
    assert_eq!(
        xs.iter().map(Value::grad).collect::<Vec<_>>(),
        [2.0, 4.0, 6.0]
    );
    let empty: Value = Vec::<Value>::new().into_iter().sum();
    assert_eq!(empty.data(), 0.0);
}

#[test]
fn display_is_short_and_debug_shows_one_node() {
    let x = Value::new(-2.0).labeled("x");
    let f = (&x * 6.0).labeled("f");
    f.backward();
    assert_eq!(f.to_string(), "Value(data=-12, grad=1)");
    assert_eq!(
        format!("{f:?}"),
        r#"Value { data: -12, grad: 1, op: "* 6", label: Some("f"), inputs: 1 }"#
    );
}

#[test]
fn labels_can_be_set_read_and_renamed() {
    let x = Value::new(1.0);
    assert_eq!(x.label(), None);
    x.set_label("x");
    let alias = x.clone();
    alias.set_label("renamed");
    assert_eq!(x.label().as_deref(), Some("renamed")); // a label belongs to the node
}

#[test]
fn set_data_changes_the_node_not_what_was_built_from_it() {
    let w = Value::new(1.0);
    let y = &w * 2.0;
    w.set_data(5.0);
    assert_eq!((w.data(), y.data()), (5.0, 2.0));
    assert_eq!((&w * 2.0).data(), 10.0);
}

#[test]
fn reading_and_writing_through_many_handles_never_conflicts() {
    // Everything that could hold a RefCell borrow across a call: aliasing operands, reading while
    // other handles exist, backward from an input, traces, Debug of a node inside a circuit.
    let a = Value::new(2.0);
    let b = a.clone();
    let c = &a * &b + a.max(&a) - &a / &b;
    let d = c.clone();
    c.backward();
    assert_eq!(a.grad(), b.grad());
    assert_eq!(a.grad(), 2.0 * 2.0 + 1.0 - 0.0); // d(a² + a - 1)/da = 2a + 1
    a.backward();
    d.zero_grad();
    let _ = (format!("{a:?} {d} {}", d.trace()), a.inputs(), d.inputs());
    a.set_data(a.data() + a.grad());
}
