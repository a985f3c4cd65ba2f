//! Neurons, layers and MLPs; the moons data; micrograd's demo loss and a short training run.

use circuitgrad::data::{self, Points};
use circuitgrad::nn::{Activation, Layer, Mlp, Neuron, SizeMismatch, accuracy, margin_loss};
use circuitgrad::{Rng, Value};

#[test]
fn an_mlp_has_micrographs_shape_and_parameter_count() {
    let mlp = Mlp::new(2, &[16, 16, 1], 42);
    // (2 weights + bias) x 16, (16 + 1) x 16, (16 + 1) x 1
    assert_eq!(mlp.parameters().len(), 3 * 16 + 17 * 16 + 17);
    assert_eq!(
        mlp.layers()
            .iter()
            .map(|l| l.neurons().len())
            .collect::<Vec<_>>(),
        [16, 16, 1]
    );
    assert!(mlp.to_string().ends_with("Layer of [LinearNeuron(16)]]"));
}

#[test]
fn initialisation_is_deterministic_uniform_weights_and_zero_biases() {
    let values = |mlp: &Mlp| mlp.parameters().iter().map(Value::data).collect::<Vec<_>>();
    let (a, b) = (Mlp::new(2, &[4, 1], 7), Mlp::new(2, &[4, 1], 7));
    assert_eq!(values(&a), values(&b));
    assert_ne!(values(&a), values(&Mlp::new(2, &[4, 1], 8)));
    for neuron in a.layers().iter().flat_map(Layer::neurons) {
        let ps = neuron.parameters();
        let (weights, bias) = ps.split_at(ps.len() - 1);
        assert!(weights.iter().all(|w| (-1.0..1.0).contains(&w.data())));
        assert_eq!(bias[0].data(), 0.0);
    }
}

#[test]
fn a_neuron_computes_its_weighted_sum_and_relu() {
    let n = Neuron::with_weights(&[2.0, -1.0], 0.5, Activation::Relu);
    assert_eq!(n.call(&[1.0, 1.0]).unwrap().data(), 1.5); // relu(2 - 1 + 0.5)
    assert_eq!(n.call(&[-1.0, 1.0]).unwrap().data(), 0.0); // relu(-2 - 1 + 0.5)
    let x = [Value::new(1.0), Value::new(3.0)];
    let out = Neuron::with_weights(&[2.0, -1.0], 0.5, Activation::Linear)
        .call(&x)
        .unwrap();
    out.backward();
    assert_eq!((out.data(), x[0].grad(), x[1].grad()), (-0.5, 2.0, -1.0)); // d/dx_i = w_i
}

#[test]
fn call_and_eval_agree_and_wrong_sizes_are_errors() {
    let mlp = Mlp::new(3, &[5, 5, 2], 1);
    let x = [0.1, -0.4, 0.9];
    let by_graph: Vec<f64> = mlp.call(&x).unwrap().iter().map(Value::data).collect();
    assert_eq!(mlp.eval(&x).unwrap(), by_graph);
    let wrong = SizeMismatch {
        what: "inputs",
        expected: 3,
        got: 2,
    };
    assert_eq!(mlp.call(&[1.0, 2.0]).unwrap_err(), wrong);
    assert_eq!(mlp.eval(&[1.0, 2.0]).unwrap_err(), wrong);
    let before: Vec<f64> = mlp.parameters().iter().map(Value::data).collect();
    assert!(mlp.set_parameters(&[0.0; 3]).is_err());
    assert_eq!(
        mlp.parameters().iter().map(Value::data).collect::<Vec<_>>(),
        before
    ); // intact
}

#[test]
fn degenerate_mlps_are_errors_or_empty_never_panics() {
    let points = data::moons();
    let two_outputs = Mlp::new(2, &[3, 2], 0);
    let err = margin_loss(&two_outputs, &points, 1e-4).unwrap_err();
    assert_eq!(
        err,
        SizeMismatch {
            what: "outputs",
            expected: 1,
            got: 2
        }
    );
    for sizes in [&[][..], &[3, 0][..]] {
        let mlp = Mlp::new(2, sizes, 0);
        assert!(margin_loss(&mlp, &points, 1e-4).is_err());
        // No layers, or an empty last layer: no outputs, the same way on both paths.
        assert_eq!(
            mlp.call(&[1.0, 2.0]).unwrap().len(),
            mlp.eval(&[1.0, 2.0]).unwrap().len()
        );
    }
}

#[test]
fn margin_loss_is_the_mean_hinge_plus_the_l2_pull() {
    // One neuron, w = 1, b = 0, so score = x. Points: x = 2 (label 1, margin met), x = 0.5
    // (label 1, hinge 0.5), x = 1 (label -1, hinge 2). Loss = (0 + 0.5 + 2) / 3 + alpha (1 + 0).
    let mlp = Mlp::new(2, &[1], 0);
    mlp.set_parameters(&[1.0, 0.0, 0.0]).unwrap();
    let points = Points {
        xy: vec![[2.0, 0.0], [0.5, 0.0], [1.0, 0.0]],
        labels: vec![1.0, 1.0, -1.0],
    };
    let (loss, scores) = margin_loss(&mlp, &points, 0.1).unwrap();
    approx::assert_relative_eq!(loss.data(), 2.5 / 3.0 + 0.1, max_relative = 1e-15);
    assert_eq!(
        accuracy(scores.iter().map(Value::data), &points.labels),
        2.0 / 3.0
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a long training or drawing run: native tests cover it; Miri would take many minutes"
)]
fn a_short_moons_run_lowers_the_loss_and_raises_the_accuracy() {
    let points = data::moons();
    let run = |replay: bool| {
        let mlp = Mlp::new(2, &[8, 8, 1], 42);
        let (loss, scores) = margin_loss(&mlp, &points, 1e-4).unwrap();
        let mut tape = loss.compile();
        let at: Vec<usize> = scores.iter().map(|s| tape.index_of(s).unwrap()).collect();
        let mut history = Vec::new();
        for k in 0..30 {
            let (loss, acc) = if replay {
                let loss = tape.forward();
                tape.backward();
                (
                    loss,
                    accuracy(at.iter().map(|&i| tape.value(i).unwrap()), &points.labels),
                )
            } else {
                let (loss, scores) = margin_loss(&mlp, &points, 1e-4).unwrap();
                loss.backward();
                (
                    loss.data(),
                    accuracy(scores.iter().map(Value::data), &points.labels),
                )
            };
            for p in mlp.parameters() {
                p.set_data(p.data() - (1.0 - 0.9 * k as f64 / 100.0) * p.grad());
            }
            history.push((loss, acc));
        }
        history
    };
    let dynamic = run(false);
    let (first, last) = (dynamic[0], dynamic[29]);
    assert!(last.0 < first.0 / 2.0, "loss {} -> {}", first.0, last.0);
    assert!(last.1 > first.1, "accuracy {} -> {}", first.1, last.1);
    assert_eq!(run(true), dynamic); // the replayed run takes exactly the same steps
}

#[test]
fn the_moons_data_has_fifty_points_a_side() {
    let points = data::moons();
    assert_eq!(points.len(), 100);
    assert_eq!(points.labels.iter().filter(|&&y| y == 1.0).count(), 50);
    let err = data::parse_points("x,y,label\n1,2,1\n1,2,+2\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3: the label must be -1 or 1, found 2"
    );
}

#[test]
fn layers_draw_weights_in_order_from_the_rng() {
    let mut rng = Rng::new(9);
    let layer = Layer::new(2, 2, Activation::Relu, &mut Rng::new(9));
    let expected: Vec<f64> = (0..4).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let weights: Vec<f64> = layer
        .neurons()
        .iter()
        .flat_map(|n| {
            n.parameters()[..2]
                .iter()
                .map(Value::data)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(weights, expected);
}
