//! # micrograd's second edition, to the last digit
//!
//! Karpathy's newer micrograd (the LLM101n module, EurekaLabsAI/micrograd) trains a 3-class MLP on
//! the yin-yang set: 100 points from `RNG(42)`, `MLP(2, [8, 3])` with tanh then linear layers,
//! cross-entropy, AdamW. This example runs the same program on circuitgrad and prints the same
//! lines, the same digits: the same generator, the same circuit node for node (so gradients add up
//! in the same order), and the same floating-point operations (`powf` where Python writes `**`).
//!
//! ```text
//! cargo run --release --example yinyang                   # the dynamic engine
//! cargo run --release --example yinyang -- --replay       # the same steps through compiled tapes
//! cargo run --release --example yinyang -- --out DIR      # where the two SVG plots go
//! cargo run --release --example yinyang -- --stable       # log-sum-exp cross-entropy instead
//! ```
//!
//! Where it is not digit for digit: `--stable` uses [`cross_entropy`], which rounds differently
//! from micrograd's formula in the last bits (the losses agree to about 1e-15 relative), and
//! `--lr`/`--steps` other than 0.1/100 run a program micrograd does not. Python prints a float with
//! its shortest round-trip digits (`repr`), and so does this example (`python_repr` below).
//!
//! It writes `yinyang_regions.svg` (each class's region, with the points) and `yinyang_loss.svg`
//! (train and val loss per step) under `yinyang/` in cargo's target directory unless `--out` says
//! where.

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use circuitgrad::data::{Dataset, YinYang};
use circuitgrad::nn::{
    Activation, AdamW, AdamWConfig, Init, Mlp, NnError, NonFiniteLoss, Optimizer, argmax,
    class_accuracy, cross_entropy, cross_entropy_micrograd, dataset_loss, point_losses,
};
use circuitgrad::{Tape, Value, XorshiftStar};
use common::plot::{self, Fallible};
use plotters::prelude::*;

const USAGE: &str = "\
usage: yinyang [--replay] [--stable] [--steps N] [--lr LR] [--out DIR]

  --replay     train through compiled tapes instead of rebuilding the circuit each step
  --stable     log-sum-exp cross-entropy instead of micrograd's formula
  --steps N    how many steps (a whole number from 1; default 100)
  --lr LR      AdamW's learning rate (finite, at least 0; default 0.1)
  --out DIR    where the plots go (default: yinyang/ in cargo's target directory)
  --help       this text";

struct Args {
    replay: bool,
    stable: bool,
    steps: u64,
    lr: f64,
    out: PathBuf,
}

fn parse_args() -> Args {
    let args = common::Args::parse(
        USAGE,
        &["--replay", "--stable"],
        &["--steps", "--lr", "--out"],
    );
    Args {
        replay: args.flag("--replay"),
        stable: args.flag("--stable"),
        steps: args.value("--steps", 100, USAGE, common::positive) as u64,
        lr: args.value(
            "--lr",
            AdamWConfig::MICROGRAD.lr,
            USAGE,
            common::non_negative,
        ),
        out: args.out("yinyang"),
    }
}

/// A float as Python's `repr` prints it: shortest round-trip digits, `1.0` not `1`, and
/// scientific notation (`1e-05`) below 1e-4 and from 1e16.
fn python_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        let s = format!("{x:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    let s = x.to_string();
    if s.contains('.') { s } else { s + ".0" }
}

/// The loss a split's points are scored with.
type Loss = fn(&[Value], usize) -> Result<Value, NnError>;

/// A split's mean loss, either rebuilt every time (the dynamic engine) or compiled once and replayed.
enum Objective {
    Dynamic(Dataset),
    Replayed(Tape),
}

impl Objective {
    fn new(mlp: &Mlp, data: &Dataset, loss: Loss, replay: bool) -> Result<Objective, NnError> {
        Ok(if replay {
            Objective::Replayed(dataset_loss(mlp, data, loss)?.compile())
        } else {
            Objective::Dynamic(data.clone())
        })
    }

    /// The loss at the current parameters, and (with `grads`) their gradients left in them.
    fn run(&mut self, mlp: &Mlp, loss: Loss, grads: bool) -> Result<f64, NnError> {
        match self {
            Objective::Dynamic(data) => {
                let l = dataset_loss(mlp, data, loss)?;
                if grads {
                    l.backward();
                }
                Ok(l.data())
            }
            Objective::Replayed(tape) => {
                let l = tape.forward();
                if grads {
                    tape.backward();
                }
                Ok(l)
            }
        }
    }
}

struct History {
    train: Vec<f64>,
    val: Vec<(u64, f64)>,
}

fn main() -> ExitCode {
    let args = parse_args();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    // One generator for everything, in micrograd's order: the data first, then the weights.
    let mut rng = XorshiftStar::new(42);
    let splits = YinYang::default().generate(&mut rng)?;
    let mlp = Mlp::builder(2)
        .layer(8, Activation::Tanh)
        .layer(3, Activation::Linear)
        .init(Init::ScaledUniform)
        .build(&mut rng)?;
    let config = AdamWConfig {
        lr: args.lr,
        ..AdamWConfig::MICROGRAD
    };
    let mut optimizer = AdamW::new(mlp.parameters(), config)?;
    let loss: Loss = if args.stable {
        cross_entropy
    } else {
        cross_entropy_micrograd
    };

    let mut train = Objective::new(&mlp, &splits.train, loss, args.replay)?;
    let mut val = Objective::new(&mlp, &splits.val, loss, args.replay)?;
    let mut history = History {
        train: Vec::new(),
        val: Vec::new(),
    };
    let n = args.steps;
    let mut stopped = None;
    for step in 0..n {
        if step % 10 == 0 {
            let v = val.run(&mlp, loss, false)?;
            history.val.push((step, v));
            println!("step {}/{n}, val loss {v:.6}", step + 1);
        }
        let l = train.run(&mlp, loss, true)?;
        if let Err(e) = NonFiniteLoss::check(step + 1, l) {
            // Where it started: the first training point whose loss circuit has a NaN or an
            // infinity, and the op in it, at the parameters of this step.
            let total = dataset_loss(&mlp, &splits.train, loss)?;
            stopped = Some(e.locate(&total, point_losses(&mlp, &splits.train, loss)?));
            break;
        }
        optimizer.step();
        optimizer.zero_grad();
        history.train.push(l);
        println!("step {}/{n}, train loss {}", step + 1, python_repr(l));
    }

    if let Some(e) = stopped {
        write_plots(&mlp, &splits.train, &history, &args.out)?;
        return Err(e.into()); // no test numbers from a model that diverged
    }
    let test = dataset_loss(&mlp, &splits.test, loss)?.data();
    let accuracy = class_accuracy(&mlp, &splits.test)?;
    let right = (accuracy * splits.test.len() as f64).round();
    println!(
        "test loss {}, test accuracy {accuracy} ({right}/{} points)",
        python_repr(test),
        splits.test.len()
    );
    write_plots(&mlp, &splits.train, &history, &args.out)
}

fn write_plots(mlp: &Mlp, data: &Dataset, history: &History, out: &Path) -> Fallible<()> {
    for path in plot(mlp, data, history, out)? {
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn plot(mlp: &Mlp, data: &Dataset, history: &History, out: &Path) -> Fallible<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    let regions = out.join("yinyang_regions.svg");
    let curves = out.join("yinyang_loss.svg");
    plot_regions(mlp, data, &regions, history.train.len())?;
    plot_history(history, &curves)?;
    Ok(vec![regions, curves])
}

const COLORS: [RGBColor; 3] = [
    RGBColor(210, 60, 50),
    RGBColor(40, 150, 70),
    RGBColor(40, 90, 200),
];

/// Each cell of a grid over [-2, 2]² coloured by the class with the largest logit; points on top.
fn plot_regions(mlp: &Mlp, data: &Dataset, path: &Path, steps: usize) -> Fallible<()> {
    let root = SVGBackend::new(path, (560, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let caption = format!("class regions after {steps} steps");
    let mut chart = plot::plane(&root, &caption, 20, -2.2..2.2, -2.2..2.2)?;
    let class_at = |x: f64, y: f64| mlp.eval(&[x, y]).ok().and_then(|logits| argmax(&logits));
    let shade = |class: &Option<usize>| Some(COLORS[(*class)? % 3].mix(0.2).filled());
    plot::fill_cells(&mut chart, (110, 110), class_at, shade)?;
    for (class, color) in COLORS.iter().enumerate() {
        let points = data
            .points
            .iter()
            .zip(&data.labels)
            .filter(|(_, l)| **l == class);
        chart
            .draw_series(points.map(|(p, _)| Circle::new((p[0], p[1]), 4, color.filled())))?
            .label(format!("class {class}"))
            .legend(move |(x, y)| Circle::new((x, y), 4, color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Train loss every step and val loss every 10 steps; only finite numbers reach the axes.
fn plot_history(history: &History, path: &Path) -> Fallible<()> {
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let finite = history
        .train
        .iter()
        .chain(history.val.iter().map(|(_, v)| v))
        .copied()
        .filter(|l| l.is_finite());
    let top = finite.fold(0.0, f64::max).max(1e-9) * 1.05;
    let steps = history.train.len().max(1) as u64;
    let mut chart = ChartBuilder::on(&root)
        .caption("cross-entropy loss", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(0..steps, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("loss")
        .draw()?;
    let series = [
        (
            "train",
            COLORS[0],
            history
                .train
                .iter()
                .enumerate()
                .map(|(k, &l)| (k as u64, l))
                .collect::<Vec<_>>(),
        ),
        ("val", COLORS[2], history.val.clone()),
    ];
    for (name, color, points) in series {
        chart
            .draw_series(LineSeries::new(
                points.into_iter().filter(|(_, l)| l.is_finite()),
                color.stroke_width(2),
            ))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
