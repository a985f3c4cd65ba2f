//! Karpathy's guide: the linear SVM and the 2-layer net on its six points.

use circuitgrad::guide::{Classifier, POINTS, Svm, TwoLayerNet, pull};

fn train(model: &mut impl Classifier, iterations: usize, reg: f64) -> Option<usize> {
    let mut first_perfect = None;
    for iteration in 0..iterations {
        let (x, y, label) = POINTS[iteration % POINTS.len()];
        model.learn_from(x, y, label, 0.01, reg);
        if first_perfect.is_none() && model.accuracy(&POINTS) == 1.0 {
            first_perfect = Some(iteration);
        }
    }
    first_perfect
}

#[test]
fn svm_starts_with_four_of_six_right() {
    let svm = Svm::new(1.0, -2.0, -1.0);
    // Scores x - 2y - 1: -1.2 (+1, wrong), -0.3 (-1), 1.8 (+1), 0.9 (-1, wrong), -4.2 (-1), 7.1 (+1).
    let scores: Vec<f64> = POINTS
        .iter()
        .map(|&(x, y, _)| svm.score(x, y).data())
        .collect();
    let expected = [-1.2, -0.3, 1.8, 0.9, -4.2, 7.1];
    for (got, want) in scores.iter().zip(expected) {
        approx::assert_relative_eq!(*got, want, max_relative = 1e-12);
    }
    assert_eq!(svm.accuracy(&POINTS), 0.6666666666666666);
}

#[test]
fn the_pull_backpropagates_to_the_svm_parameters() {
    // (1.2, 0.7) is positive and scores -1.2 < 1: pull +1, so d(pull·score)/da = x = 1.2; with the
    // regularisation pull -a = -1, a moves by 0.01 (1.2 - 1) = 0.002.
    let mut svm = Svm::new(1.0, -2.0, -1.0);
    assert_eq!(svm.learn_from(1.2, 0.7, 1.0, 0.01, 1.0), 1.0);
    approx::assert_relative_eq!(svm.a.data(), 1.002, max_relative = 1e-15);
    approx::assert_relative_eq!(
        svm.b.data(),
        -2.0 + 0.01 * (0.7 + 2.0),
        max_relative = 1e-15
    );
    approx::assert_relative_eq!(svm.c.data(), -1.0 + 0.01, max_relative = 1e-15); // no regularisation on c
    assert_eq!((pull(1.5, 1.0), pull(-1.5, -1.0)), (0.0, 0.0));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a long training or drawing run: native tests cover it; Miri would take many minutes"
)]
fn svm_with_the_guides_settings_stops_at_five_of_six() {
    let mut svm = Svm::new(1.0, -2.0, -1.0);
    let before = svm.hinge_loss(&POINTS);
    assert_eq!(train(&mut svm, 400, 1.0), None);
    assert_eq!(svm.accuracy(&POINTS), 0.8333333333333334);
    assert!(
        svm.score(1.2, 0.7).data() < 0.0,
        "(1.2, 0.7) stays on the wrong side"
    );
    assert!(svm.hinge_loss(&POINTS) < before);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a long training or drawing run: native tests cover it; Miri would take many minutes"
)]
fn svm_with_a_weaker_pull_separates_all_six_before_400() {
    let mut svm = Svm::new(1.0, -2.0, -1.0);
    let first = train(&mut svm, 400, 0.1).expect("reaches accuracy 1");
    assert!(first < 400);
    assert_eq!(svm.accuracy(&POINTS), 1.0);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a long training or drawing run: native tests cover it; Miri would take many minutes"
)]
fn two_layer_net_with_a_weaker_pull_separates_all_six_from_every_start() {
    for seed in 0..10 {
        let mut net = TwoLayerNet::new(seed);
        let before = net.hinge_loss(&POINTS);
        train(&mut net, 2000, 0.1);
        assert_eq!(net.accuracy(&POINTS), 1.0, "seed {seed}");
        assert!(net.hinge_loss(&POINTS) < before, "seed {seed}");
    }
}
