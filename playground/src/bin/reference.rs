//! What the browser test checks the page against, computed natively with the library alone:
//! the trace (`Value::backward`, then `Value::trace`) of the loss circuit of one datapoint under
//! the page's opening model (yin-yang from seed 42, MLP(2, [8, 3]), micrograd's init), as JSON.
//!
//! `cargo run -p circuitgrad-playground --bin reference -- X Y CLASS` (no arguments: the first
//! training point).

use circuitgrad::XorshiftStar;
use circuitgrad::data::YinYang;
use circuitgrad::nn::{Activation, Init, Mlp, cross_entropy_micrograd};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut rng = XorshiftStar::new(42);
    let splits = YinYang::default()
        .generate(&mut rng)
        .expect("the default radii are valid");
    let mlp = Mlp::builder(2)
        .layer(8, Activation::Tanh)
        .layer(3, Activation::Linear)
        .init(Init::ScaledUniform)
        .build(&mut rng)
        .expect("the anchor's model builds");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (point, class) = match args.as_slice() {
        [] => (splits.train.points[0], splits.train.labels[0]),
        [x, y, c] => match (x.parse(), y.parse(), c.parse()) {
            (Ok(x), Ok(y), Ok(c)) if c < 3 => ([x, y], c),
            _ => return usage(),
        },
        _ => return usage(),
    };
    let logits = mlp.call(&point).expect("two inputs");
    let loss = cross_entropy_micrograd(&logits, class).expect("a class below 3");
    loss.backward();
    let rows: Vec<String> = loss
        .trace()
        .rows()
        .iter()
        .map(|r| format!("[{:?},{:?}]", r.data, r.grad))
        .collect();
    println!(
        "{{\"point\":[{:?},{:?},{class}],\"rows\":[{}]}}",
        point[0],
        point[1],
        rows.join(",")
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: reference [X Y CLASS]   (numbers, and a class 0, 1 or 2)");
    ExitCode::from(2)
}
