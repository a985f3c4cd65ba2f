//! W5: micrograd's second edition. Yin-yang from `RNG(42)` (80/10/10), MLP(2, [8, 3]) with a tanh
//! hidden layer and scaled uniform weights, micrograd's cross-entropy, AdamW(lr 0.1, betas
//! 0.9/0.95, eps 1e-8, weight decay 1e-4), 100 steps, the val loss every 10.
//!
//! Each run is the whole program (data, model, 100 steps), timed as one and reported per step. The
//! anchor's own Python program runs beside it when its folder is found: `$CIRCUITGRAD_ANCHOR`, or
//! `../shared/anchors/micrograd2` next to the crate (it is not part of the crate, so without it the
//! Python figure is simply not printed).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use circuitgrad::data::{Dataset, Splits, YinYang};
use circuitgrad::nn::{
    Activation, AdamW, AdamWConfig, Init, Mlp, Optimizer, cross_entropy_micrograd, dataset_loss,
};
use circuitgrad::{Tape, Value, XorshiftStar};

use crate::floor;

pub const STEPS: usize = 100;

pub struct Run {
    pub ms_per_step: f64,
    pub last_loss: f64,
}

fn setup() -> (Splits, Mlp) {
    let mut rng = XorshiftStar::new(42);
    let splits = YinYang::default().generate(&mut rng).expect("valid radii");
    let mlp = Mlp::builder(2)
        .layer(8, Activation::Tanh)
        .layer(3, Activation::Linear)
        .init(Init::ScaledUniform)
        .build(&mut rng)
        .expect("a valid shape");
    (splits, mlp)
}

fn finish(start: Instant, last_loss: f64) -> Run {
    Run {
        ms_per_step: start.elapsed().as_secs_f64() * 1e3 / STEPS as f64,
        last_loss,
    }
}

/// The dynamic engine: every loss built, backpropagated and dropped.
pub fn circuitgrad() -> Run {
    let start = Instant::now();
    let (splits, mlp) = setup();
    let mut opt = AdamW::new(mlp.parameters(), AdamWConfig::MICROGRAD).expect("valid settings");
    let loss = |data: &Dataset| dataset_loss(&mlp, data, cross_entropy_micrograd).expect("shape");
    let mut last = 0.0;
    for step in 0..STEPS {
        if step % 10 == 0 {
            std::hint::black_box(loss(&splits.val).data());
        }
        let l = loss(&splits.train);
        l.backward();
        opt.step();
        opt.zero_grad();
        last = l.data();
    }
    finish(start, last)
}

/// The same steps through two compiled tapes (train and val), each built once.
pub fn circuitgrad_replay() -> Run {
    let start = Instant::now();
    let (splits, mlp) = setup();
    let mut opt = AdamW::new(mlp.parameters(), AdamWConfig::MICROGRAD).expect("valid settings");
    let tape = |data: &Dataset| -> Tape {
        dataset_loss(&mlp, data, cross_entropy_micrograd)
            .expect("shape")
            .compile()
    };
    let (mut train, mut val) = (tape(&splits.train), tape(&splits.val));
    let mut last = 0.0;
    for step in 0..STEPS {
        if step % 10 == 0 {
            std::hint::black_box(val.forward());
        }
        last = train.forward();
        train.backward();
        opt.step();
        opt.zero_grad();
    }
    finish(start, last)
}

/// The floor: the same circuit on the flat tape, rebuilt every step, and AdamW on plain numbers.
pub fn floor() -> Run {
    let start = Instant::now();
    let (splits, mlp) = setup();
    let mut params: Vec<f64> = mlp.parameters().iter().map(Value::data).collect();
    let (mut m, mut v) = (vec![0.0; params.len()], vec![0.0; params.len()]);
    let AdamWConfig {
        lr,
        betas: (b1, b2),
        eps,
        weight_decay,
    } = AdamWConfig::MICROGRAD;
    let mut tape = floor::Tape::new();
    let mut last = 0.0;
    for step in 0..STEPS {
        if step % 10 == 0 {
            tape.clear();
            let (_, loss) = floor_loss(&mut tape, &params, &splits.val);
            std::hint::black_box(tape.val[loss as usize]);
        }
        tape.clear();
        let (ids, loss) = floor_loss(&mut tape, &params, &splits.train);
        tape.backward(loss);
        last = tape.val[loss as usize];
        let t = (step + 1) as f64;
        for (i, p) in params.iter_mut().enumerate() {
            let g = tape.grad[ids[i] as usize];
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            let m_hat = m[i] / (1.0 - b1.powf(t));
            let v_hat = v[i] / (1.0 - b2.powf(t));
            *p -= lr * (m_hat / (v_hat.sqrt() + eps) + weight_decay * *p);
        }
    }
    finish(start, last)
}

/// The mean cross-entropy of a split on the floor's tape: (parameter ids, loss id).
fn floor_loss(tape: &mut floor::Tape, params: &[f64], data: &Dataset) -> (Vec<u32>, u32) {
    let ids: Vec<u32> = params.iter().map(|&p| tape.leaf(p)).collect();
    // Layer 1: 8 neurons of (w0, w1, b); layer 2: 3 neurons of (w0..w7, b).
    let mut total = None;
    for (&[x0, x1], &label) in data.points.iter().zip(&data.labels) {
        let x = [tape.leaf(x0), tape.leaf(x1)];
        let hidden: Vec<u32> = (0..8)
            .map(|j| {
                let n = &ids[3 * j..3 * j + 3];
                let mut act = n[2];
                for k in 0..2 {
                    let wx = tape.mul(n[k], x[k]);
                    act = tape.add(act, wx);
                }
                tape.tanh(act)
            })
            .collect();
        let logits: Vec<u32> = (0..3)
            .map(|j| {
                let n = &ids[24 + 9 * j..24 + 9 * j + 9];
                let mut act = n[8];
                for k in 0..8 {
                    let wh = tape.mul(n[k], hidden[k]);
                    act = tape.add(act, wh);
                }
                act
            })
            .collect();
        let ex: Vec<u32> = logits.iter().map(|&l| tape.exp(l)).collect();
        let denom = tape.add(ex[0], ex[1]);
        let denom = tape.add(denom, ex[2]);
        let inv = tape.pow(denom, -1.0);
        let p = tape.mul(ex[label], inv);
        let logp = tape.ln(p);
        let minus_one = tape.leaf(-1.0);
        let nll = tape.mul(logp, minus_one);
        total = Some(total.map_or(nll, |t| tape.add(t, nll)));
    }
    let inv_n = tape.leaf(1.0 / data.len() as f64);
    let loss = tape.mul(total.expect("points"), inv_n);
    (ids, loss)
}

/// The anchor's folder, if it is there.
pub fn anchor_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CIRCUITGRAD_ANCHOR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/anchors/micrograd2"),
        PathBuf::from,
    );
    dir.join("micrograd.py").exists().then_some(dir)
}

/// `python3 micrograd.py` in the anchor's folder, timed as a whole process: (ms per step, its last
/// train loss as printed).
pub fn python(dir: &std::path::Path) -> Option<(f64, String)> {
    let start = Instant::now();
    let out = Command::new("python3")
        .arg("micrograd.py")
        .current_dir(dir)
        .output()
        .ok()?;
    let ms = start.elapsed().as_secs_f64() * 1e3 / STEPS as f64;
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rfind(|l| l.contains("train loss"))?
        .rsplit(' ')
        .next()?
        .to_string();
    Some((ms, last))
}
