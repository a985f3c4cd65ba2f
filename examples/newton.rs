//! # Newton's method against gradient descent, in Rosenbrock's valley
//!
//! `f(x, y) = (1 − x)² + 100·(y − x²)²` has its minimum, 0, at (1, 1), at the end of a long curved
//! valley: the gradient points across the valley, not along it, so gradient descent zigzags down
//! its walls in tiny steps. Newton's method also uses the curvature, the Hessian `H`, and steps to
//! the bottom of the local quadratic: `p ← p − H⁻¹∇f`. Both get `∇f` from the crate (`grad`), and
//! Newton gets `H` from `hessian`: the gradient differentiated again, as a circuit.
//!
//! ```text
//! cargo run --release --example newton                       # from (-1.2, 1), the classic start
//! cargo run --release --example newton -- --start 0,-1 --lr 0.0005 --tol 1e-6
//! ```
//!
//! It prints the iterations of both until `|∇f|` is below the tolerance, and writes
//! `newton_paths.svg` (both paths over the valley's contours) under `newton/` in cargo's target
//! directory unless `--out` says where.

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use circuitgrad::{Value, grad, hessian};
use common::plot::{self, Fallible};
use plotters::prelude::*;

const USAGE: &str = "\
usage: newton [--start X,Y] [--lr LR] [--tol TOL] [--max-steps N] [--out DIR]

  --start X,Y      where both methods start (default -1.2,1)
  --lr LR          gradient descent's step size (a positive number; default 0.001)
  --tol TOL        stop when |grad f| is below TOL (a positive number; default 1e-8)
  --max-steps N    give up after N steps (a whole number from 1; default 100000)
  --out DIR        where the picture goes (default: newton/ in cargo's target directory)
  --help           this text";

struct Args {
    start: (f64, f64),
    lr: f64,
    tol: f64,
    max_steps: usize,
    out: PathBuf,
}

fn parse_args() -> Args {
    let args = common::Args::parse(
        USAGE,
        &[],
        &["--start", "--lr", "--tol", "--max-steps", "--out"],
    );
    Args {
        start: args.value("--start", (-1.2, 1.0), USAGE, point),
        lr: args.value("--lr", 1e-3, USAGE, positive_number),
        tol: args.value("--tol", 1e-8, USAGE, positive_number),
        max_steps: args.value("--max-steps", 100_000, USAGE, common::positive),
        out: args.out("newton"),
    }
}

fn point(text: &str) -> Result<(f64, f64), String> {
    let parts: Vec<Option<f64>> = text
        .split(',')
        .map(|s| s.trim().parse().ok().filter(|x: &f64| x.is_finite()))
        .collect();
    match parts[..] {
        [Some(x), Some(y)] => Ok((x, y)),
        _ => Err("takes two finite numbers, like -1.2,1".to_string()),
    }
}

fn positive_number(text: &str) -> Result<f64, String> {
    text.parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x > 0.0)
        .ok_or_else(|| "takes a finite number above 0".to_string())
}

/// Rosenbrock's function, as a circuit of `x` and `y`.
fn rosenbrock(x: &Value, y: &Value) -> Value {
    (1.0 - x).pow(2) + 100.0 * (y - x.pow(2)).pow(2)
}

/// What `f` is at a point, on plain numbers (for the picture's contours).
fn rosenbrock_at(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// One method's run: the points it went through, and how it ended.
struct Run {
    path: Vec<(f64, f64)>,
    ending: String,
}

/// `p ← p − H⁻¹∇f` until `|∇f| < tol`.
fn newton(args: &Args) -> Run {
    let (mut px, mut py) = args.start;
    let mut path = vec![(px, py)];
    println!(
        "  {:>6}  {:>22}  {:>22}  {:>12}  {:>10}",
        "iter", "x", "y", "f", "|∇f|"
    );
    for k in 0..=args.max_steps {
        let (x, y) = (Value::new(px), Value::new(py));
        let f = rosenbrock(&x, &y);
        let g = grad(&f, &[&x, &y]);
        let (gx, gy) = (g[0].data(), g[1].data());
        let norm = gx.hypot(gy);
        println!(
            "  {k:>6}  {px:>22}  {py:>22}  {:>12.5e}  {norm:>10.3e}",
            f.data()
        );
        if !norm.is_finite() {
            return stopped(path, format!("the gradient is not finite {}", at_step(k)));
        }
        if norm < args.tol {
            return converged(path, k, args.tol);
        }
        if k == args.max_steps {
            break;
        }
        // The Newton step solves H·d = ∇f (2 × 2, by Cramer's rule).
        let h = hessian(&f, &[&x, &y]);
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        if det == 0.0 || !det.is_finite() {
            return stopped(
                path,
                format!("the Hessian is singular at step {k} (det H = {det}): no Newton step"),
            );
        }
        let dx = (h[1][1] * gx - h[0][1] * gy) / det;
        let dy = (h[0][0] * gy - h[1][0] * gx) / det;
        (px, py) = (px - dx, py - dy);
        path.push((px, py));
    }
    stopped(
        path,
        format!("not converged in {} iterations", args.max_steps),
    )
}

/// `p ← p − lr·∇f` until `|∇f| < tol`, printing the first steps and then every power of ten.
fn gradient_descent(args: &Args) -> Run {
    let (mut px, mut py) = args.start;
    let (x, y) = (Value::new(px), Value::new(py));
    let mut path = vec![(px, py)];
    println!(
        "  {:>6}  {:>22}  {:>22}  {:>12}  {:>10}",
        "iter", "x", "y", "f", "|∇f|"
    );
    for k in 0..=args.max_steps {
        x.set_data(px);
        y.set_data(py);
        let f = rosenbrock(&x, &y);
        f.backward();
        let (gx, gy) = (x.grad(), y.grad());
        let norm = gx.hypot(gy);
        let last = norm < args.tol || !norm.is_finite() || k == args.max_steps;
        if k < 5 || (k as f64).log10().fract() == 0.0 || last {
            println!(
                "  {k:>6}  {px:>22}  {py:>22}  {:>12.5e}  {norm:>10.3e}",
                f.data()
            );
        }
        if !norm.is_finite() && k == 0 {
            return stopped(path, "the gradient is not finite at the start".to_string());
        }
        if !norm.is_finite() {
            return stopped(
                path,
                format!("the gradient is not finite at step {k}: the step size is too large"),
            );
        }
        if norm < args.tol {
            return converged(path, k, args.tol);
        }
        if k == args.max_steps {
            break;
        }
        (px, py) = (px - args.lr * gx, py - args.lr * gy);
        path.push((px, py));
    }
    stopped(
        path,
        format!("not converged in {} iterations", args.max_steps),
    )
}

fn at_step(k: usize) -> String {
    if k == 0 {
        "at the start".to_string()
    } else {
        format!("at step {k}")
    }
}

fn stopped(path: Vec<(f64, f64)>, ending: String) -> Run {
    Run { path, ending }
}

fn converged(path: Vec<(f64, f64)>, k: usize, tol: f64) -> Run {
    stopped(path, format!("converged in {k} iterations: |∇f| < {tol:e}"))
}

fn main() -> ExitCode {
    let args = parse_args();
    let (x0, y0) = args.start;
    println!(
        "f(x, y) = (1 - x)² + 100·(y - x²)², Rosenbrock's valley: its minimum is 0, at (1, 1)."
    );
    println!(
        "Both methods start at ({x0}, {y0}), where f = {}.\n",
        rosenbrock_at(x0, y0)
    );

    let x = Value::new(x0).labeled("x");
    let y = Value::new(y0).labeled("y");
    let f = rosenbrock(&x, &y).labeled("f");
    println!(">>> g = grad(&f, &[&x, &y])     // ∇f, as circuits");
    let g = grad(&f, &[&x, &y]);
    println!("{:?}", [g[0].data(), g[1].data()]);
    println!(">>> hessian(&f, &[&x, &y])      // grad of grad");
    println!("{:?}\n", hessian(&f, &[&x, &y]));

    println!("Newton's method, p ← p − H⁻¹∇f:");
    let newton = newton(&args);
    println!("  {}\n", newton.ending);
    println!("Gradient descent, p ← p − lr·∇f with lr = {}:", args.lr);
    let descent = gradient_descent(&args);
    println!("  {}\n", descent.ending);

    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    let path = args.out.join("newton_paths.svg");
    match plot(&newton.path, &descent.path, args.start, &path) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// Both paths over the valley: its levels as bands of colour (log scale), Newton's steps as dots
/// joined by lines, gradient descent's as a line.
fn plot(
    newton: &[(f64, f64)],
    descent: &[(f64, f64)],
    start: (f64, f64),
    path: &Path,
) -> Fallible<()> {
    // The plane around the start, the minimum and both paths (a wild Newton step is cut off).
    let finite = |p: &&(f64, f64)| {
        p.0.is_finite() && p.1.is_finite() && p.0.abs() < 10.0 && p.1.abs() < 10.0
    };
    let shown: Vec<(f64, f64)> = newton
        .iter()
        .chain(descent)
        .filter(finite)
        .copied()
        .collect();
    // The minimum is always in view; the start and the paths where they are within 10 of 0.
    let (mut x0, mut x1, mut y0, mut y1) = (1.0f64, 1.0f64, 1.0f64, 1.0f64);
    for &(x, y) in shown.iter().chain(Some(&start).filter(finite)) {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let (mx, my) = (0.15 * (x1 - x0).max(0.5), 0.15 * (y1 - y0).max(0.5));
    let (x0, x1, y0, y1) = (x0 - mx, x1 + mx, y0 - my, y1 + my);

    let root = SVGBackend::new(path, (720, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let caption = format!(
        "Newton ({} steps) and gradient descent ({} steps) in Rosenbrock's valley",
        newton.len() - 1,
        descent.len() - 1
    );
    let mut chart = plot::plane(&root, &caption, 17, x0..x1, y0..y1)?;
    // Bands of log10 f, half a decade each: from deep blue (the valley floor, f near 0) to pale
    // yellow (the walls, f in the thousands), every other band a little lighter so the levels
    // read as contours.
    let band = |x: f64, y: f64| (2.0 * (rosenbrock_at(x, y) + 1e-3).log10()).floor() as i32;
    let shade = |&band: &i32| {
        let t = ((band + 6) as f64 / 14.0).clamp(0.0, 1.0);
        let lift = if band % 2 == 0 { 0.0 } else { 18.0 };
        let channel = |dark: f64, light: f64| (dark + (light - dark) * t + lift).min(255.0) as u8;
        let color = RGBColor(
            channel(30.0, 250.0),
            channel(60.0, 240.0),
            channel(140.0, 190.0),
        );
        Some(color.filled())
    };
    plot::fill_cells(&mut chart, (160, 130), band, shade)?;

    // At most about 2,000 points of gradient descent's path: the line looks the same.
    let stride = descent.len().div_ceil(2000).max(1);
    let descent_shown: Vec<(f64, f64)> = descent
        .iter()
        .enumerate()
        .filter(|(k, _)| k % stride == 0 || *k == descent.len() - 1)
        .map(|(_, &p)| p)
        .filter(|p| finite(&p))
        .collect();
    let red = RGBColor(230, 40, 30);
    chart
        .draw_series(LineSeries::new(descent_shown, red.stroke_width(2)))?
        .label("gradient descent")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], red.stroke_width(2)));
    let newton_shown: Vec<(f64, f64)> = newton.iter().copied().filter(|p| finite(&p)).collect();
    chart
        .draw_series(LineSeries::new(newton_shown.clone(), WHITE.stroke_width(2)))?
        .label("Newton's method")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK.stroke_width(2)));
    chart.draw_series(
        newton_shown
            .iter()
            .map(|&p| Circle::new(p, 4, WHITE.filled())),
    )?;
    chart
        .draw_series(
            Some(start)
                .filter(|p| finite(&p))
                .map(|p| Circle::new(p, 6, BLACK.filled())),
        )?
        .label("start")
        .legend(|(x, y)| Circle::new((x + 9, y), 5, BLACK.filled()));
    chart
        .draw_series([Circle::new((1.0, 1.0), 6, GREEN.filled())])?
        .label("the minimum, (1, 1)")
        .legend(|(x, y)| Circle::new((x + 9, y), 5, GREEN.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
