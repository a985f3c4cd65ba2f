//! The tutorial and Karpathy's guide, number by number. Expected values are the ones the post and
//! the guide print (Python and JavaScript print the same shortest round-trip digits as Rust's `{}`).

use approx::assert_relative_eq;
use circuitgrad::Value;
use circuitgrad::gates::{
    self, Ascent, NoSuchInput, add, ascend, ascent_step, custom, max, multiply, numerical_gradient,
};

fn multiply_gate([x, y]: [f64; 2]) -> f64 {
    multiply(x, y)
}

fn custom_gate([x, y]: [f64; 2]) -> f64 {
    custom(x, y)
}

#[test]
fn gates_compute_their_functions() {
    assert_eq!(multiply(-2.0, 3.0), -6.0);
    assert_eq!(multiply(3.0, 4.0), 12.0);
    assert_eq!(multiply(3.01, 4.0), 12.04); // nudging x up along a positive gradient raises f
    assert_eq!(add(-2.0, 5.0), 3.0);
    assert_eq!(max(-2.0, 3.0), 3.0);
    assert_eq!(custom(3.0, 4.0), 99.0); // 100 - (3 - 4)^2
    assert_eq!(custom(3.5, 3.5), 100.0); // the maximum, at x = y
}

#[test]
fn numerical_gradient_of_multiply_is_the_other_input() {
    // d(xy)/dx = y = 4; the forward difference with h = 0.0001 prints 4.000000000008441.
    assert_eq!(
        numerical_gradient(multiply_gate, [3.0, 4.0], 0),
        Ok(4.000000000008441)
    );
    assert_eq!(gates::H, 0.0001);
}

#[test]
fn asking_for_a_missing_input_is_a_typed_error_naming_the_allowed_ones() {
    let err = numerical_gradient(multiply_gate, [3.0, 4.0], 2).unwrap_err();
    assert_eq!(
        err,
        NoSuchInput {
            asked: 2,
            inputs: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "no input 2: this gate has 2 inputs, numbered 0 to 1"
    );
    let err: Box<dyn std::error::Error> = Box::new(err); // usable with `?` and error crates
    assert!(err.to_string().contains("numbered 0 to 1"));
}

#[test]
fn one_ascent_step_on_the_custom_gate_raises_it() {
    let step = ascent_step(custom_gate, [3.0, 4.0], 0.001);
    assert_eq!(step.before, 99.0);
    assert_eq!(step.inputs, [3.001999899999987, 3.9979998999999964]);
    assert_eq!(step.after, 99.00798399999998);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "a long training or drawing run: native tests cover it; Miri would take many minutes"
)]
fn ascent_until_the_gain_is_tiny_reaches_the_posts_result() {
    // The post returns [value before the last step, x after it, y after it].
    let Ascent {
        value,
        inputs,
        converged,
        steps,
    } = ascend(custom_gate, [3.0, 4.0], 0.001, 0.000005, 100_000);
    assert!(converged);
    assert_eq!(
        [value, inputs[0], inputs[1]],
        [99.99937812746526, 3.487488988616036, 3.512326611377091]
    );
    assert!(steps > 1);
}

#[test]
fn ascent_that_cannot_converge_stops_at_max_steps() {
    // x * y grows without bound along its gradient: the gain never falls under the threshold.
    let run = ascend(multiply_gate, [3.0, 4.0], 0.01, 1e-9, 50);
    assert!(!run.converged);
    assert_eq!(run.steps, 50);
}

#[test]
fn seed_circuit_gradients_by_hand_and_by_backward_agree() {
    let (x0, y0, z0) = (-2.0, 5.0, -4.0);
    // By hand: q = x + y, f = q * z. Local gradients: dq/dx = dq/dy = 1, df/dq = z, df/dz = q.
    let q0 = add(x0, y0);
    let (dq_dx, dq_dy, df_dq, df_dz) = (1.0, 1.0, z0, q0);
    let by_hand = [df_dq * dq_dx, df_dq * dq_dy, df_dz];
    assert_eq!(by_hand, [-4.0, -4.0, 3.0]);

    let (x, y, z) = (Value::new(x0), Value::new(y0), Value::new(z0));
    let f = (&x + &y) * &z;
    f.backward();
    assert_eq!(f.data(), -12.0);
    assert_eq!([x.grad(), y.grad(), z.grad()], by_hand);

    // A step of 0.01 along the gradient: (-2.04 + 4.96) * -3.97 = -11.5924.
    let step = |v: &Value| v.data() + 0.01 * v.grad();
    assert_eq!((step(&x) + step(&y)) * step(&z), -11.5924);
}

#[test]
fn guide_multiply_gate_numerical_and_analytic_gradients() {
    assert_eq!(
        numerical_gradient(multiply_gate, [-2.0, 3.0], 0),
        Ok(3.00000000000189)
    );
    assert_eq!(
        numerical_gradient(multiply_gate, [-2.0, 3.0], 1),
        Ok(-2.0000000000042206)
    );
    // Analytic: d(xy)/dx = y = 3, d(xy)/dy = x = -2; a 0.01 step: (-1.97) * 2.98 = -5.8706.
    let (x, y) = (Value::new(-2.0), Value::new(3.0));
    let f = &x * &y;
    f.backward();
    assert_eq!((x.grad(), y.grad()), (3.0, -2.0));
    assert_eq!(multiply(-2.0 + 0.01 * 3.0, 3.0 + 0.01 * -2.0), -5.8706);
}

#[test]
fn sigmoid_neuron_matches_the_guide() {
    let [a, b, c, x, y] = [1.0, 2.0, -3.0, -1.0, 3.0].map(Value::new);
    let neuron = || (&a * &x + &b * &y + &c).sigmoid();
    let s = neuron();
    s.backward();
    assert_eq!(s.data(), 0.8807970779778823); // sigmoid(1·-1 + 2·3 - 3) = sigmoid(2)
    // ds = s(1 - s) = 0.10499358540350662; each input gets ds times the other factor.
    let ds = s.data() * (1.0 - s.data());
    assert_eq!(ds, 0.10499358540350662);
    assert_eq!(a.grad(), -0.10499358540350662); // x · ds
    assert_eq!(b.grad(), 0.31498075621051985); // y · ds
    assert_eq!(c.grad(), 0.10499358540350662); // 1 · ds
    assert_eq!(x.grad(), 0.10499358540350662); // a · ds
    assert_eq!(y.grad(), 0.20998717080701323); // b · ds
    for v in [&a, &b, &c, &x, &y] {
        v.set_data(v.data() + 0.01 * v.grad());
    }
    assert_eq!(neuron().data(), 0.8825501816218984);
}

#[test]
fn custom_gate_as_a_circuit_agrees_with_its_numerical_gradient() {
    // 100 - (x - y)^2: d/dx = -2(x - y) = 2, d/dy = 2(x - y) = -2 at (3, 4).
    let (x, y) = (Value::new(3.0), Value::new(4.0));
    let f = 100.0 - (&x - &y).pow(2.0);
    f.backward();
    assert_eq!((f.data(), x.grad(), y.grad()), (99.0, 2.0, -2.0));
    let numeric = numerical_gradient(custom_gate, [3.0, 4.0], 0).unwrap();
    assert_relative_eq!(numeric, x.grad(), max_relative = 1e-3); // forward difference: O(h) error
}
