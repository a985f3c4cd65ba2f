//! # micrograd's moons demo
//!
//! An MLP with two hidden layers of 16 ReLU neurons learns to separate the two moons: 100 points,
//! full batch, micrograd's loss (mean hinge loss plus 1e-4 times the sum of squared parameters),
//! 100 steps of SGD with the learning rate falling from 1.0 to 0.1 (over however many steps
//! `--steps` asks for: `lr = 1.0 - 0.9·k/steps`). A loss that turns NaN or infinite stops the run
//! with a message.
//!
//! ```text
//! cargo run --release --example moons                     # the dynamic engine
//! cargo run --release --example moons -- --replay         # the same steps through a compiled tape
//! cargo run --release --example moons -- --out pictures   # where the two SVG plots go
//! ```
//!
//! It writes `moons_boundary.svg` (the decision boundary, with the points over it) and
//! `moons_loss.svg` (loss and accuracy per step), under `moons/` in cargo's target directory
//! unless `--out` says where.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use circuitgrad::data::{self, Points};
use circuitgrad::nn::{Mlp, NonFiniteLoss, accuracy, margin_loss};
use common::plot::{self, Fallible};
use plotters::prelude::*;

const USAGE: &str = "\
usage: moons [--replay] [--steps N] [--lr LR] [--out DIR]

  --replay     train through a compiled tape instead of rebuilding the circuit
  --steps N    how many steps (a whole number from 1; default 100)
  --lr LR      the first step's learning rate, falling to a tenth of it by the last (a finite
               number above 0; default 1.0)
  --out DIR    where the plots go (default: moons/ in cargo's target directory)
  --help       this text";
const ALPHA: f64 = 1e-4;

struct Args {
    replay: bool,
    steps: usize,
    lr: f64,
    out: PathBuf,
}

fn parse_args() -> Args {
    let args = common::Args::parse(USAGE, &["--replay"], &["--steps", "--lr", "--out"]);
    Args {
        replay: args.flag("--replay"),
        steps: args.value("--steps", 100, USAGE, common::positive),
        lr: args.value("--lr", 1.0, USAGE, |t| {
            t.parse()
                .ok()
                .filter(|x: &f64| x.is_finite() && *x > 0.0)
                .ok_or_else(|| "takes a finite number above 0".to_string())
        }),
        out: args.out("moons"),
    }
}

/// One step's numbers.
struct Step {
    loss: f64,
    accuracy: f64,
}

/// From `lr` at the first step down to a tenth of it at the last, whatever the number of steps
/// (micrograd's `1.0 - 0.9·k/100` for 100 steps; with a fixed 100 it would turn negative past step
/// 111 and climb the loss instead).
fn learning_rate(lr: f64, k: usize, steps: usize) -> f64 {
    lr * (1.0 - 0.9 * k as f64 / steps as f64)
}

fn sgd(mlp: &Mlp, lr: f64, k: usize, steps: usize) {
    let lr = learning_rate(lr, k, steps);
    for p in mlp.parameters() {
        p.set_data(p.data() - lr * p.grad());
    }
}

/// The dynamic engine: build the circuit, backpropagate (which clears every grad below the loss
/// first), step, and let the circuit drop, every step.
fn train(mlp: &Mlp, points: &Points, steps: usize, lr: f64) -> Training {
    let mut history = Vec::new();
    for k in 0..steps {
        let (loss, scores) = margin_loss(mlp, points, ALPHA).expect("the MLP takes 2 inputs");
        if let Err(e) = NonFiniteLoss::check(k as u64 + 1, loss.data()) {
            // Where it started: the first point whose score's circuit has a NaN or an infinity.
            return (history, Some(e.locate(&loss, scores)));
        }
        loss.backward();
        sgd(mlp, lr, k, steps);
        history.push(Step {
            loss: loss.data(),
            accuracy: accuracy(scores.iter().map(|s| s.data()), &points.labels),
        });
    }
    (history, None)
}

/// The steps taken, and why training stopped early, if it did.
type Training = (Vec<Step>, Option<NonFiniteLoss>);

/// The same steps through a tape: build and compile the circuit once, then replay it.
fn train_replayed(mlp: &Mlp, points: &Points, steps: usize, lr: f64) -> Training {
    let (loss, scores) = margin_loss(mlp, points, ALPHA).expect("the MLP takes 2 inputs");
    let mut tape = loss.compile();
    let at: Vec<usize> = scores.iter().filter_map(|s| tape.index_of(s)).collect();
    let mut history = Vec::new();
    for k in 0..steps {
        let loss = tape.forward();
        if let Err(e) = NonFiniteLoss::check(k as u64 + 1, loss) {
            // The tape keeps numbers, not nodes: the circuit built again at these parameters says
            // where it started.
            let (loss, scores) = margin_loss(mlp, points, ALPHA).expect("the MLP takes 2 inputs");
            return (history, Some(e.locate(&loss, scores)));
        }
        tape.backward();
        sgd(mlp, lr, k, steps);
        history.push(Step {
            loss,
            accuracy: accuracy(at.iter().filter_map(|&i| tape.value(i)), &points.labels),
        });
    }
    (history, None)
}

fn main() -> ExitCode {
    let args = parse_args();
    let points = data::moons();
    let mlp = Mlp::new(2, &[16, 16, 1], 42);
    println!(">>> mlp = Mlp::new(2, &[16, 16, 1], 42)\n{mlp}");
    println!(
        "{} parameters, {} points\n",
        mlp.parameters().len(),
        points.len()
    );

    let mode = if args.replay {
        "a replayed tape"
    } else {
        "the dynamic engine"
    };
    println!("training {} steps with {mode}:", args.steps);
    let start = Instant::now();
    let (history, stopped) = match args.replay {
        true => train_replayed(&mlp, &points, args.steps, args.lr),
        false => train(&mlp, &points, args.steps, args.lr),
    };
    let elapsed = start.elapsed();
    for (k, step) in history.iter().enumerate() {
        println!(
            "step {k:3} loss {:.6} accuracy {:.2}",
            step.loss, step.accuracy
        );
    }
    let per_step = elapsed.as_secs_f64() * 1e3 / args.steps.max(1) as f64;
    println!("\n{per_step:.3} ms per step");

    match plot(&mlp, &points, &history, &args.out) {
        Ok(paths) => paths.iter().for_each(|p| println!("wrote {}", p.display())),
        Err(e) => {
            eprintln!(
                "error: could not write the plots to {}: {e}",
                args.out.display()
            );
            return ExitCode::FAILURE;
        }
    }
    if let Some(e) = stopped {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    if let Some(last) = history.last() {
        println!(
            "final: steps={} loss={} accuracy={}",
            history.len(),
            last.loss,
            last.accuracy
        );
    }
    ExitCode::SUCCESS
}

fn plot(
    mlp: &Mlp,
    points: &Points,
    history: &[Step],
    out: &std::path::Path,
) -> Fallible<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    let boundary = out.join("moons_boundary.svg");
    let curves = out.join("moons_loss.svg");
    plot_boundary(mlp, points, &boundary, history.len())?;
    plot_history(history, &curves)?;
    Ok(vec![boundary, curves])
}

const BLUE: RGBColor = RGBColor(40, 90, 200);
const RED: RGBColor = RGBColor(210, 60, 50);

/// The sign of the MLP's score over a grid (a filled contour at 0), with the points over it.
fn plot_boundary(mlp: &Mlp, points: &Points, path: &std::path::Path, steps: usize) -> Fallible<()> {
    let root = SVGBackend::new(path, (720, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let caption = format!("decision boundary after {steps} steps");
    let mut chart = plot::plane(&root, &caption, 20, -1.6..2.6, -1.0..1.5)?;
    let positive = |x: f64, y: f64| mlp.eval(&[x, y]).is_ok_and(|score| score[0] > 0.0);
    let side = |&positive: &bool| {
        let color = if positive { BLUE } else { RED };
        Some(color.mix(0.18).filled())
    };
    plot::fill_cells(&mut chart, (210, 125), positive, side)?;
    for (label, color, name) in [(1.0, BLUE, "label +1"), (-1.0, RED, "label -1")] {
        let xy = points
            .xy
            .iter()
            .zip(&points.labels)
            .filter(|(_, y)| **y == label);
        chart
            .draw_series(xy.map(|(p, _)| Circle::new((p[0], p[1]), 4, color.filled())))?
            .label(name)
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

/// Loss (left axis) and accuracy (right axis) per step.
fn plot_history(history: &[Step], path: &std::path::Path) -> Fallible<()> {
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    // Only finite losses reach the axis (training stops at the first other one anyway).
    let finite = history.iter().map(|s| s.loss).filter(|l| l.is_finite());
    let max_loss = finite.fold(0.0, f64::max) * 1.05;
    let steps = history.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption("training", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .right_y_label_area_size(50)
        .build_cartesian_2d(0..steps, 0.0..max_loss.max(1e-9))?
        .set_secondary_coord(0..steps, 0.0..1.05);
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("loss")
        .draw()?;
    chart.configure_secondary_axes().y_desc("accuracy").draw()?;
    chart
        .draw_series(LineSeries::new(
            history
                .iter()
                .enumerate()
                .map(|(k, s)| (k, s.loss))
                .filter(|(_, l)| l.is_finite()),
            RED.stroke_width(2),
        ))?
        .label("loss")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED.stroke_width(2)));
    chart
        .draw_secondary_series(LineSeries::new(
            history.iter().enumerate().map(|(k, s)| (k, s.accuracy)),
            BLUE.stroke_width(2),
        ))?
        .label("accuracy")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLUE.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::MiddleRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
