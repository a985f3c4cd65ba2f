//! Pictures of circuits: DOT text, the crate's own SVG, the size limit, and the README's pictures.

mod common;

use circuitgrad::Value;
use circuitgrad::draw::{MAX_DRAWN_VALUES, TooBig};
use common::in_2mib_thread;

fn seed_circuit() -> Value {
    let x = Value::new(-2.0).labeled("x");
    let y = Value::new(5.0).labeled("y");
    let z = Value::new(-4.0).labeled("z");
    let q = (&x + &y).labeled("q");
    let f = (&q * &z).labeled("f");
    f.backward();
    f
}

fn neuron() -> Value {
    let [a, b, c, x, y] = [("a", 1.0), ("b", 2.0), ("c", -3.0), ("x", -1.0), ("y", 3.0)]
        .map(|(name, v)| Value::new(v).labeled(name));
    let ax = (&a * &x).labeled("ax");
    let by = (&b * &y).labeled("by");
    let sum = ((&ax + &by).labeled("ax+by") + &c).labeled("ax+by+c");
    let s = sum.sigmoid().labeled("s");
    s.backward();
    s
}

#[test]
fn seed_circuit_dot() {
    let dot = seed_circuit().to_dot().unwrap();
    // 5 values, 2 ops: one edge from each op to its value and one from each input to its op.
    assert_eq!(dot.matches("shape=ellipse").count(), 2);
    assert_eq!(dot.matches(" -> ").count(), 2 + 4);
    assert_named_snapshot!("seed_circuit_dot", dot);
}

#[test]
fn svg_has_a_box_per_value_and_an_oval_per_op() {
    let svg = neuron().to_svg().unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<rect x=").count(), 10); // a, x, b, y, c, ax, by, ax+by, ax+by+c, s
    assert_eq!(svg.matches("<ellipse").count(), 5); // *, *, +, +, sigmoid
    for text in [
        ">sigmoid</text>",
        ">ax+by+c</text>",
        ">data 0.8808</text>",
        ">grad 0.1050</text>",
    ] {
        assert!(svg.contains(text), "{text}");
    }
}

#[test]
fn labels_are_escaped_in_both_formats() {
    let v = Value::new(1.0).labeled("<a|b> & \"c\"");
    let dot = v.to_dot().unwrap();
    assert!(dot.contains(r#"\<a\|b\> & \"c\""#), "{dot}");
    let svg = v.to_svg().unwrap();
    assert!(svg.contains("&lt;a|b&gt; &amp; &quot;c&quot;"), "{svg}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "draws a 2,000-value circuit: native tests cover it; Miri would take minutes"
)]
fn a_circuit_past_the_limit_is_refused_with_its_size() {
    let mut v = Value::new(1.0);
    for _ in 0..MAX_DRAWN_VALUES {
        v = &v + 1.0;
    }
    let err = TooBig {
        values: MAX_DRAWN_VALUES + 1,
        limit: MAX_DRAWN_VALUES,
    };
    assert_eq!(v.to_svg().unwrap_err(), err);
    assert_eq!(v.to_dot().unwrap_err(), err);
    assert!(
        err.to_string()
            .contains(&format!("{} values", MAX_DRAWN_VALUES + 1))
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a long training or drawing run: native tests cover it; Miri would take many minutes"
)]
fn the_largest_drawable_chain_draws_in_2mib() {
    let bytes = in_2mib_thread(|| {
        let mut v = Value::new(1.0);
        for _ in 1..MAX_DRAWN_VALUES {
            v = v.tanh();
        }
        v.to_svg().unwrap().len() + v.to_dot().unwrap().len()
    });
    assert!(bytes > 0);
}

#[test]
fn the_readmes_pictures_are_up_to_date() {
    // The README shows docs/*.svg; they must be what the crate draws today.
    // Refresh with: cargo run --example tutorial -- --out docs
    for (name, value) in [("seed_circuit", seed_circuit()), ("neuron", neuron())] {
        let path = format!("{}/docs/{name}.svg", env!("CARGO_MANIFEST_DIR"));
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == value.to_svg().unwrap(),
            "{path} is stale: see the comment above"
        );
    }
}
