//! W4: micrograd's moons demo. MLP(2, [16, 16, 1]), ReLU hidden layers, linear output, weights
//! uniform(-1, 1) from a fixed seed, biases 0; the full batch of 100 points; loss = mean(relu(1 -
//! y·score)) + 1e-4·Σp²; 100 SGD steps at lr = 1.0 - 0.9·k/100; grads cleared before each backward.
//!
//! Every system starts from the same weights, listed in one order: for each layer, for each neuron,
//! its weights then its bias.

use std::time::Instant;

use circuitgrad::Value;
use circuitgrad::nn::{Mlp, accuracy, margin_loss};

use crate::floor;

pub const SIZES: [usize; 3] = [16, 16, 1];
pub const STEPS: usize = 100;
const ALPHA: f64 = 1e-4;

pub use circuitgrad::data::Points as Moons;

pub fn moons() -> Moons {
    circuitgrad::data::moons()
}

/// The seeded weights of `Mlp::new(2, &[16, 16, 1], seed)`, for the systems that are not ours:
/// for each layer, for each neuron, its weights then its bias.
pub fn initial_parameters(seed: u64) -> Vec<f64> {
    Mlp::new(2, &SIZES, seed)
        .parameters()
        .iter()
        .map(Value::data)
        .collect()
}

fn learning_rate(step: usize) -> f64 {
    1.0 - 0.9 * step as f64 / STEPS as f64
}

pub struct Run {
    pub ms_per_step: f64,
    pub accuracy: f64,
    pub loss: f64,
    pub nodes: usize,
}

impl Run {
    /// The figures of a run of `STEPS` steps that started at `start`.
    fn finish(start: Instant, accuracy: f64, loss: f64, nodes: usize) -> Run {
        let ms_per_step = start.elapsed().as_secs_f64() * 1e3 / STEPS as f64;
        Run {
            ms_per_step,
            accuracy,
            loss,
            nodes,
        }
    }
}

/// Lays the flat parameter list out as layers of (weights, bias).
fn layers<T: Clone>(params: &[T]) -> Vec<Vec<(Vec<T>, T)>> {
    let mut at = 0;
    let mut fan_in = 2;
    SIZES
        .iter()
        .map(|&size| {
            let layer = (0..size)
                .map(|_| {
                    let neuron = (
                        params[at..at + fan_in].to_vec(),
                        params[at + fan_in].clone(),
                    );
                    at += fan_in + 1;
                    neuron
                })
                .collect();
            fan_in = size;
            layer
        })
        .collect()
}

fn sgd(params: &[Value], step: usize) {
    let lr = learning_rate(step);
    for p in params {
        p.set_data(p.data() - lr * p.grad());
    }
}

/// The dynamic engine: the circuit is rebuilt, backpropagated and dropped at every step.
pub fn circuitgrad(data: &Moons, seed: u64) -> Run {
    let mlp = Mlp::new(2, &SIZES, seed);
    let params = mlp.parameters();
    let (mut loss_value, mut acc, mut nodes) = (0.0, 0.0, 0);
    let start = Instant::now();
    for step in 0..STEPS {
        let (loss, scores) = margin_loss(&mlp, data, ALPHA).unwrap();
        loss.backward();
        sgd(&params, step);
        loss_value = loss.data();
        acc = accuracy(scores.iter().map(Value::data), &data.labels);
        if step == 0 {
            nodes = loss.trace().rows().len();
        }
    }
    Run::finish(start, acc, loss_value, nodes)
}

/// The same loop through a tape: the circuit is built and compiled once (timed, too), then replayed.
pub fn circuitgrad_replay(data: &Moons, seed: u64) -> Run {
    let mlp = Mlp::new(2, &SIZES, seed);
    let params = mlp.parameters();
    let start = Instant::now();
    let (loss, scores) = margin_loss(&mlp, data, ALPHA).unwrap();
    let mut tape = loss.compile();
    let at: Vec<usize> = scores.iter().map(|s| tape.index_of(s).unwrap()).collect();
    drop((loss, scores));
    let (mut loss_value, mut acc) = (0.0, 0.0);
    for step in 0..STEPS {
        loss_value = tape.forward();
        tape.backward();
        sgd(&params, step);
        acc = accuracy(at.iter().map(|&i| tape.value(i).unwrap()), &data.labels);
    }
    Run::finish(start, acc, loss_value, tape.len())
}

pub fn floor(data: &Moons, init: &[f64]) -> Run {
    let mut params = init.to_vec();
    let mut tape = floor::Tape::new();
    let n = data.labels.len() as f64;
    let (mut loss_value, mut acc, mut nodes) = (0.0, 0.0, 0);
    let start = Instant::now();
    for step in 0..STEPS {
        tape.clear();
        let ids: Vec<u32> = params.iter().map(|&p| tape.leaf(p)).collect();
        let net = layers(&ids);
        let mut scores = Vec::with_capacity(data.xy.len());
        for &[x0, x1] in &data.xy {
            let mut h = vec![tape.leaf(x0), tape.leaf(x1)];
            for (depth, layer) in net.iter().enumerate() {
                let last = depth == SIZES.len() - 1;
                h = layer
                    .iter()
                    .map(|(w, b)| {
                        let mut act = *b;
                        for (&w, &x) in w.iter().zip(&h) {
                            let wx = tape.mul(w, x);
                            act = tape.add(act, wx);
                        }
                        if last { act } else { tape.relu(act) }
                    })
                    .collect();
            }
            scores.push(h[0]);
        }
        let mut margins = None;
        for (&s, &y) in scores.iter().zip(&data.labels) {
            let minus_y = tape.leaf(-y);
            let ys = tape.mul(minus_y, s);
            let one = tape.leaf(1.0);
            let m = tape.add(one, ys);
            let m = tape.relu(m);
            margins = Some(margins.map_or(m, |total| tape.add(total, m)));
        }
        let mut reg = None;
        for &p in &ids {
            let p2 = tape.mul(p, p);
            reg = Some(reg.map_or(p2, |total| tape.add(total, p2)));
        }
        let inv_n = tape.leaf(1.0 / n);
        let data_loss = tape.mul(margins.unwrap(), inv_n);
        let alpha = tape.leaf(ALPHA);
        let reg_loss = tape.mul(reg.unwrap(), alpha);
        let loss = tape.add(data_loss, reg_loss);
        tape.backward(loss);
        let lr = learning_rate(step);
        for (p, &id) in params.iter_mut().zip(&ids) {
            *p -= lr * tape.grad[id as usize];
        }
        loss_value = tape.val[loss as usize];
        acc = accuracy(scores.iter().map(|&s| tape.val[s as usize]), &data.labels);
        nodes = tape.len();
    }
    Run::finish(start, acc, loss_value, nodes)
}

pub fn reverse(data: &Moons, init: &[f64]) -> Run {
    use reverse::{Gradient, Tape, Var};
    let mut params = init.to_vec();
    let n = data.labels.len() as f64;
    let (mut loss_value, mut acc, mut nodes) = (0.0, 0.0, 0);
    // reverse has no ReLU: relu(v) = (v + |v|) / 2.
    fn relu<'a>(v: Var<'a>) -> Var<'a> {
        (v + v.abs()) * 0.5
    }
    let start = Instant::now();
    for step in 0..STEPS {
        let tape = Tape::new();
        let vars = tape.add_vars(&params);
        let net = layers(&vars);
        let mut scores = Vec::with_capacity(data.xy.len());
        for &[x0, x1] in &data.xy {
            let mut h: Vec<Var> = net[0]
                .iter()
                .map(|(w, b)| relu(*b + w[0] * x0 + w[1] * x1))
                .collect();
            for (depth, layer) in net.iter().enumerate().skip(1) {
                let last = depth == SIZES.len() - 1;
                h = layer
                    .iter()
                    .map(|(w, b)| {
                        let act = w.iter().zip(&h).fold(*b, |acc, (&w, &x)| acc + w * x);
                        if last { act } else { relu(act) }
                    })
                    .collect();
            }
            scores.push(h[0]);
        }
        let margins = scores
            .iter()
            .zip(&data.labels)
            .map(|(&s, &y)| relu(1.0 - s * y))
            .reduce(|a, b| a + b)
            .unwrap();
        let reg = vars.iter().map(|&p| p * p).reduce(|a, b| a + b).unwrap();
        let loss = margins * (1.0 / n) + reg * ALPHA;
        let grads = loss.grad().wrt(&vars);
        let lr = learning_rate(step);
        for (p, g) in params.iter_mut().zip(grads) {
            *p -= lr * g;
        }
        loss_value = loss.val();
        acc = accuracy(scores.iter().map(Var::val), &data.labels);
        nodes = tape.len();
    }
    Run::finish(start, acc, loss_value, nodes)
}

pub fn micro_grad(data: &Moons, init: &[f64]) -> Run {
    use micro_grad::nn::{MLP, Module};
    use micro_grad::value::Var;
    let model = MLP::new(2, &SIZES);
    let params = model.parameters();
    assert_eq!(params.len(), init.len());
    for (p, &v) in params.iter().zip(init) {
        p.set_data(v);
    }
    let n = data.labels.len() as f64;
    let (mut loss_value, mut acc) = (0.0, 0.0);
    let start = Instant::now();
    for step in 0..STEPS {
        let scores: Vec<Var> = data
            .xy
            .iter()
            .map(|&[x0, x1]| model.forward_scalar(&[Var::new(x0), Var::new(x1)]))
            .collect();
        let margins = scores
            .iter()
            .zip(&data.labels)
            .map(|(s, &y)| Var::new(1.0).sub(&s.mul(&Var::new(y))).relu())
            .reduce(|a, b| a.add(&b))
            .unwrap();
        let reg = params
            .iter()
            .map(|p| p.mul(p))
            .reduce(|a, b| a.add(&b))
            .unwrap();
        let loss = margins
            .mul(&Var::new(1.0 / n))
            .add(&reg.mul(&Var::new(ALPHA)));
        model.zero_grad();
        Var::backward(&loss);
        let lr = learning_rate(step);
        for p in &params {
            p.set_data(p.data_of() - lr * p.grad_of());
        }
        loss_value = loss.data_of();
        acc = accuracy(scores.iter().map(Var::data_of), &data.labels);
    }
    Run::finish(start, acc, loss_value, 0)
}
