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
    // The tutorial's ∂s/∂a, a circuit of its own, after its own backward().
    let neuron_grad = {
        let s = neuron();
        let leaves = leaves_by_label(&s);
        let ds = circuitgrad::grad(&s, &[&leaves["a"], &leaves["x"]]);
        ds[0].backward();
        ds[0].clone()
    };
    for (name, value) in [
        ("seed_circuit", seed_circuit()),
        ("neuron", neuron()),
        ("neuron_grad", neuron_grad),
    ] {
        let path = format!("{}/docs/{name}.svg", env!("CARGO_MANIFEST_DIR"));
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == value.to_svg().unwrap(),
            "{path} is stale: see the comment above"
        );
    }
}

/// The labelled leaves below `root`, by label.
fn leaves_by_label(root: &Value) -> std::collections::HashMap<String, Value> {
    let mut found = std::collections::HashMap::new();
    let mut stack = vec![root.clone()];
    while let Some(v) = stack.pop() {
        if let (true, Some(label)) = (v.inputs().is_empty(), v.label()) {
            found.insert(label, v.clone());
        }
        stack.extend(v.inputs());
    }
    found
}

/// Whether the segment from `a` to `b` (horizontal or vertical) passes through the inside of the
/// box, shrunk by half a pixel so that touching its edge does not count.
fn segment_enters_box(a: (f64, f64), b: (f64, f64), node: &circuitgrad::draw::NodeBox) -> bool {
    let (x0, x1) = (node.x + 0.5, node.x + node.width - 0.5);
    let (y0, y1) = (node.y + 0.5, node.y + node.height - 0.5);
    let (lx, hx) = (a.0.min(b.0), a.0.max(b.0));
    let (ly, hy) = (a.1.min(b.1), a.1.max(b.1));
    hx > x0 && lx < x1 && hy > y0 && ly < y1
}

fn assert_no_edge_crosses_a_box(v: &Value) {
    let layout = v.layout().unwrap();
    for edge in &layout.edges {
        assert!(edge.points.len() >= 2);
        for pair in edge.points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert!(a.0 == b.0 || a.1 == b.1, "a slanted segment {a:?} {b:?}");
            for (k, node) in layout.nodes.iter().enumerate() {
                assert!(
                    !segment_enters_box(a, b, node),
                    "edge {}→{} crosses box {k} ({:?}) between {a:?} and {b:?}",
                    edge.from,
                    edge.to,
                    node.cells
                );
            }
        }
        // It starts on its input's box and ends at its op's oval.
        let from = &layout.nodes[edge.from];
        assert_eq!(
            edge.points[0],
            (from.x + from.width, from.y + from.height / 2.0)
        );
        assert_eq!(
            edge.points.last().unwrap().1,
            layout.nodes[edge.to].op_center.1
        );
    }
}

#[test]
fn no_edge_crosses_a_box_in_the_guides_two_layer_net() {
    // The issue's 38-node 2-layer net: 3 ReLU neurons of 2 inputs and a linear output.
    let leaf = |x: f64| Value::new(x);
    let (x, y) = (leaf(1.2), leaf(0.7));
    let hidden: Vec<Value> = [(1.0, -2.0, 0.5), (0.3, 0.8, -1.0), (-0.4, 1.1, 0.2)]
        .into_iter()
        .map(|(a, b, c)| (leaf(a) * &x + leaf(b) * &y + leaf(c)).relu())
        .collect();
    let score = hidden
        .iter()
        .zip([0.5, -1.0, 2.0])
        .fold(leaf(0.1), |s, (h, w)| s + leaf(w) * h);
    score.backward();
    assert_no_edge_crosses_a_box(&score);
    #[cfg(feature = "svg")]
    {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("draw");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("two_layer_net.svg"), score.to_svg().unwrap()).unwrap();
    }
}

proptest::proptest! {
    // 64 random circuits natively, 2 under Miri.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 64 }))]
    #[test]
    fn no_edge_crosses_a_box_in_random_circuits(
        leaves in proptest::collection::vec(-2.0f64..2.0, 1..5),
        program in proptest::collection::vec(common::step(), 1..40),
    ) {
        let leaves: Vec<Value> = leaves.into_iter().map(Value::new).collect();
        let nodes = common::run(&leaves, &program, common::apply);
        let out = nodes.iter().skip(nodes.len().saturating_sub(3)).sum::<Value>();
        assert_no_edge_crosses_a_box(&out);
    }
}
