//! The workloads W1–W5 of `BENCHMARKS.md`, for circuitgrad and for a flat-tape floor in the same
//! process, so every figure is also a ratio that survives a noisy machine. `reverse` and
//! `micro_grad` run W1 and W4 beside them.
//!
//! `cargo bench` runs everything (about 15 seconds); `cargo bench -- --quick` runs one repetition of
//! each. Memory figures are taken in child processes of this binary (`--child NAME`), so no earlier
//! workload's freed memory hides a later one's growth.

mod floor;
mod mlp;
mod yinyang;

use std::cell::RefCell;
use std::hint::black_box;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

use circuitgrad::Value;
use reverse::Gradient;

const W1_ROUNDS: usize = 200_000;
const SEED: u64 = 42;
const W3_N: usize = 1_000_000;
const STACK: usize = 2 << 20;

/// Runs `f` in a fresh thread with a 2 MiB stack, like a `cargo test` thread.
fn in_2mib_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the workload panicked")
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn repeat(times: usize, mut f: impl FnMut() -> f64) -> f64 {
    median((0..times).map(|_| f()).collect())
}

/// Runs `ours` and `floor` in turn, `times` each, and gives their medians and the median of the
/// ratios of each pair. This machine has phases of a second or so in which everything runs up to
/// twice as slow; a pair run back to back sees the same phase, where five runs of one and then
/// five of the other may not.
fn paired(
    times: usize,
    mut ours: impl FnMut() -> f64,
    mut floor: impl FnMut() -> f64,
) -> (f64, f64, f64) {
    let pairs: Vec<(f64, f64)> = (0..times).map(|_| (ours(), floor())).collect();
    (
        median(pairs.iter().map(|p| p.0).collect()),
        median(pairs.iter().map(|p| p.1).collect()),
        median(pairs.iter().map(|p| p.0 / p.1).collect()),
    )
}

fn per(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1e9 / count as f64
}

// ---------------------------------------------------------------- W1: many tiny graphs

fn w1_circuitgrad() -> f64 {
    let start = Instant::now();
    let mut checksum = 0.0;
    for _ in 0..W1_ROUNDS {
        let x = Value::new(black_box(-2.0));
        let y = Value::new(black_box(5.0));
        let z = Value::new(black_box(-4.0));
        let f = (&x + &y) * &z;
        f.backward();
        checksum += x.grad() + y.grad() + z.grad();
    }
    assert_eq!(checksum, -5.0 * W1_ROUNDS as f64);
    per(start.elapsed(), W1_ROUNDS)
}

fn w1_floor() -> f64 {
    let start = Instant::now();
    let mut tape = floor::Tape::new();
    let mut checksum = 0.0;
    for _ in 0..W1_ROUNDS {
        tape.clear();
        let x = tape.leaf(black_box(-2.0));
        let y = tape.leaf(black_box(5.0));
        let z = tape.leaf(black_box(-4.0));
        let q = tape.add(x, y);
        let f = tape.mul(q, z);
        tape.backward(f);
        checksum += tape.grad[x as usize] + tape.grad[y as usize] + tape.grad[z as usize];
    }
    assert_eq!(checksum, -5.0 * W1_ROUNDS as f64);
    per(start.elapsed(), W1_ROUNDS)
}

fn w1_reverse(cleared: bool) -> f64 {
    let start = Instant::now();
    let mut checksum = 0.0;
    let shared = reverse::Tape::new();
    for _ in 0..W1_ROUNDS {
        let fresh;
        let tape = if cleared {
            shared.clear();
            &shared
        } else {
            fresh = reverse::Tape::new();
            &fresh
        };
        let x = tape.add_var(black_box(-2.0));
        let y = tape.add_var(black_box(5.0));
        let z = tape.add_var(black_box(-4.0));
        let f = (x + y) * z;
        let grads = f.grad();
        checksum += grads.wrt(&x) + grads.wrt(&y) + grads.wrt(&z);
    }
    assert_eq!(checksum, -5.0 * W1_ROUNDS as f64);
    per(start.elapsed(), W1_ROUNDS)
}

fn w1_micro_grad() -> f64 {
    use micro_grad::value::Var;
    let start = Instant::now();
    let mut checksum = 0.0;
    for _ in 0..W1_ROUNDS {
        let x = Var::new(black_box(-2.0));
        let y = Var::new(black_box(5.0));
        let z = Var::new(black_box(-4.0));
        let f = x.add(&y).mul(&z);
        Var::backward(&f);
        checksum += x.grad_of() + y.grad_of() + z.grad_of();
    }
    assert_eq!(checksum, -5.0 * W1_ROUNDS as f64);
    per(start.elapsed(), W1_ROUNDS)
}

// ---------------------------------------------------------------- W2: one deep chain

/// ns per step of `v = v * 0.9999 + 0.0001`, D steps, build + backward + drop, repeated to about a
/// million steps, in a fresh 2 MiB thread.
fn w2_circuitgrad(depth: usize) -> f64 {
    in_2mib_thread(move || {
        let reps = (1_000_000 / depth).max(1);
        let start = Instant::now();
        for _ in 0..reps {
            let x = Value::new(0.5);
            let mut v = x.clone();
            for _ in 0..depth {
                v = &v * black_box(0.9999) + black_box(0.0001);
            }
            v.backward();
            check_w2(x.grad(), depth);
        }
        per(start.elapsed(), reps * depth)
    })
}

fn w2_floor(depth: usize) -> f64 {
    in_2mib_thread(move || {
        let reps = (1_000_000 / depth).max(1);
        let start = Instant::now();
        for _ in 0..reps {
            let mut tape = floor::Tape::new();
            let x = tape.leaf(0.5);
            let mut v = x;
            for _ in 0..depth {
                let c = tape.leaf(black_box(0.9999));
                v = tape.mul(v, c);
                let c = tape.leaf(black_box(0.0001));
                v = tape.add(v, c);
            }
            tape.backward(v);
            check_w2(tape.grad[x as usize], depth);
        }
        per(start.elapsed(), reps * depth)
    })
}

fn w2_reverse(depth: usize) -> f64 {
    in_2mib_thread(move || {
        let reps = (1_000_000 / depth).max(1);
        let start = Instant::now();
        for _ in 0..reps {
            let tape = reverse::Tape::new();
            let x = tape.add_var(0.5);
            let mut v = x;
            for _ in 0..depth {
                v = v * black_box(0.9999) + black_box(0.0001);
            }
            check_w2(v.grad().wrt(&x), depth);
        }
        per(start.elapsed(), reps * depth)
    })
}

fn check_w2(grad: f64, depth: usize) {
    let want = 0.9999f64.powi(depth as i32);
    assert!(
        (grad - want).abs() <= 1e-9 * want,
        "W2 grad {grad}, want 0.9999^{depth} = {want}"
    );
}

/// Resident memory of this process, in bytes.
fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// In a child process: bytes of resident memory per step while a D = 1e6 chain is built.
fn w2_bytes_child(system: &str) -> f64 {
    let system = system.to_string();
    in_2mib_thread(move || {
        let depth = 1_000_000;
        let before = rss();
        let grown = if system == "circuitgrad" {
            let x = Value::new(0.5);
            let mut v = x.clone();
            for _ in 0..depth {
                v = &v * 0.9999 + 0.0001;
            }
            let grown = rss() - before;
            v.backward();
            check_w2(x.grad(), depth);
            grown
        } else {
            let mut tape = floor::Tape::new();
            let x = tape.leaf(0.5);
            let mut v = x;
            for _ in 0..depth {
                let c = tape.leaf(0.9999);
                v = tape.mul(v, c);
                let c = tape.leaf(0.0001);
                v = tape.add(v, c);
            }
            let grown = rss() - before;
            tape.backward(v);
            check_w2(tape.grad[x as usize], depth);
            grown
        };
        grown as f64 / depth as f64
    })
}

fn w2_bytes(system: &str) -> f64 {
    child(system)
}

/// Runs this binary with `--child NAME` and reads the one number it prints.
fn child(system: &str) -> f64 {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = Command::new(exe)
        .args(["--child", system])
        .output()
        .expect("run the child");
    assert!(
        out.status.success(),
        "child {system}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a number")
}

// ---------------------------------------------------------------- W3: a long running sum

fn w3_circuitgrad() -> f64 {
    let start = Instant::now();
    let n = W3_N;
    let a: Vec<Value> = (0..n).map(|i| Value::new(i as f64 / n as f64)).collect();
    let b: Vec<Value> = (0..n)
        .map(|i| Value::new(1.0 - i as f64 / n as f64))
        .collect();
    let mut s = &a[0] * &b[0];
    for i in 1..n {
        s += &a[i] * &b[i];
    }
    s.backward();
    assert_eq!(a[n - 1].grad(), b[n - 1].data()); // ds/da_i = b_i
    drop((s, a, b));
    start.elapsed().as_secs_f64()
}

fn w3_floor() -> f64 {
    let start = Instant::now();
    let n = W3_N;
    let mut tape = floor::Tape::new();
    let a: Vec<u32> = (0..n).map(|i| tape.leaf(i as f64 / n as f64)).collect();
    let b: Vec<u32> = (0..n)
        .map(|i| tape.leaf(1.0 - i as f64 / n as f64))
        .collect();
    let mut s = tape.mul(a[0], b[0]);
    for i in 1..n {
        let ab = tape.mul(a[i], b[i]);
        s = tape.add(s, ab);
    }
    tape.backward(s);
    assert_eq!(tape.grad[a[n - 1] as usize], tape.val[b[n - 1] as usize]);
    drop(tape);
    start.elapsed().as_secs_f64()
}

/// What any engine whose nodes are `Rc<RefCell<Node>>` pays before it computes anything: `count`
/// allocations of a node's size (72 bytes, the node's 48 and the counts and flag), all alive at once,
/// as a circuit's are, then freed. Nothing can be recycled: the nodes are alive together. Returns
/// nanoseconds per allocation.
fn allocations_alone(count: usize) -> f64 {
    let start = Instant::now();
    let nodes: Vec<Rc<RefCell<[u64; 6]>>> = (0..count)
        .map(|i| Rc::new(RefCell::new([i as u64; 6])))
        .collect();
    black_box(&nodes);
    drop(nodes);
    per(start.elapsed(), count)
}

fn w3_reverse() -> f64 {
    let start = Instant::now();
    let n = W3_N;
    let tape = reverse::Tape::new();
    let a: Vec<_> = (0..n).map(|i| tape.add_var(i as f64 / n as f64)).collect();
    let b: Vec<_> = (0..n)
        .map(|i| tape.add_var(1.0 - i as f64 / n as f64))
        .collect();
    let mut s = a[0] * b[0];
    for i in 1..n {
        s = s + a[i] * b[i];
    }
    let grads = s.grad();
    assert_eq!(grads.wrt(&a[n - 1]), b[n - 1].val());
    drop(grads);
    start.elapsed().as_secs_f64()
}

// ---------------------------------------------------------------- a neuron's sum, three ways

/// ns per neuron (16 inputs, `relu(b + Σ wᵢxᵢ)`, build + backward + drop), with the inputs as leaves
/// (`Value`s: a leaf and a product per input), as `f64`s (scalar operands: one node per input), and
/// replayed from a tape.
fn neuron_forms() -> [f64; 3] {
    use circuitgrad::nn::Neuron;
    const ROUNDS: usize = 50_000;
    let weights: Vec<f64> = (0..16).map(|i| (i as f64 - 7.5) / 8.0).collect();
    let xs: Vec<f64> = (0..16).map(|i| (i as f64) / 16.0).collect();
    let neuron = Neuron::with_weights(&weights, 0.1, circuitgrad::nn::Activation::Relu);
    let start = Instant::now();
    for _ in 0..ROUNDS {
        let leaves: Vec<Value> = xs.iter().map(|&x| Value::new(black_box(x))).collect();
        neuron.call(&leaves).unwrap().backward();
    }
    let as_leaves = per(start.elapsed(), ROUNDS);
    let start = Instant::now();
    for _ in 0..ROUNDS {
        let inputs: Vec<f64> = xs.iter().map(|&x| black_box(x)).collect();
        neuron.call(&inputs).unwrap().backward();
    }
    let as_scalars = per(start.elapsed(), ROUNDS);
    let mut tape = neuron.call(&xs).unwrap().compile();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        black_box(tape.forward());
        tape.backward();
    }
    [as_leaves, as_scalars, per(start.elapsed(), ROUNDS)]
}

// ---------------------------------------------------------------- the report

struct Row {
    name: String,
    ours: f64,
    floor: f64,
    /// circuitgrad / floor: the median of paired runs' ratios where the two ran in turn
    /// ([`paired`]), otherwise the ratio of the medians.
    ratio: f64,
    target: Option<f64>,
    peers: String,
}

impl Row {
    /// A row whose two figures were measured apart: the ratio is that of the medians.
    fn apart(name: &str, ours: f64, floor: f64, target: Option<f64>, peers: String) -> Row {
        Row {
            name: name.into(),
            ours,
            floor,
            ratio: ours / floor,
            target,
            peers,
        }
    }

    /// A row from [`paired`] runs.
    fn paired(
        name: &str,
        (ours, floor, ratio): (f64, f64, f64),
        target: Option<f64>,
        peers: String,
    ) -> Row {
        Row {
            name: name.into(),
            ours,
            floor,
            ratio,
            target,
            peers,
        }
    }
}

fn print_rows(rows: &[Row]) {
    println!(
        "{:<34} {:>12} {:>12} {:>7} {:>7}  peers in this run",
        "workload", "circuitgrad", "floor", "ratio", "target"
    );
    for r in rows {
        let ratio = r.ratio;
        let target = r.target.map_or("-".into(), |t| format!("≤ {t}"));
        let verdict = match r.target {
            Some(t) if ratio <= t => " ok",
            Some(_) => " MISSED",
            None => "",
        };
        println!(
            "{:<34} {:>12.3} {:>12.3} {:>7.2} {:>7}{verdict}  {}",
            r.name, r.ours, r.floor, ratio, target, r.peers
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        // W5 is a whole program, timed in a fresh process as the Python one is, so that no
        // earlier workload's freed nodes or heap shape is left for it to walk through.
        match args[i + 1].as_str() {
            "w5" => println!("{}", yinyang::circuitgrad().ms_per_step),
            "w5replay" => println!("{}", yinyang::circuitgrad_replay().ms_per_step),
            "w5floor" => println!("{}", yinyang::floor().ms_per_step),
            system => println!("{}", w2_bytes_child(system)),
        }
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        // One workload on its own, for `perf record`: `cargo bench -- --profile w4`.
        match args[i + 1].as_str() {
            "w1" => println!("{}", w1_circuitgrad()),
            "w2" => println!("{}", w2_circuitgrad(1_000_000)),
            "w3" => println!("{}", in_2mib_thread(w3_circuitgrad)),
            "w5" => println!("{}", yinyang::circuitgrad().ms_per_step),
            // W4 after W3 on the same thread, as in a full run, with and without clearing the
            // node pool in between: what a heap full of W3's freed nodes does to W4.
            "w3w4" | "w3clearw4" => {
                w3_circuitgrad();
                if args[i + 1] == "w3clearw4" {
                    circuitgrad::pool::clear();
                }
                println!("{}", mlp::circuitgrad(&mlp::moons(), SEED).ms_per_step);
            }
            "w5replay" => println!("{}", yinyang::circuitgrad_replay().ms_per_step),
            "replay" => println!(
                "{}",
                mlp::circuitgrad_replay(&mlp::moons(), SEED).ms_per_step
            ),
            _ => println!("{}", mlp::circuitgrad(&mlp::moons(), SEED).ms_per_step),
        }
        return;
    }
    let runs = |n: usize| if quick { 1 } else { n };

    println!(
        "circuitgrad workloads (BENCHMARKS.md), medians of {} runs",
        runs(3)
    );
    println!(
        "node: size_of = {} B, allocation = {} B (Rc counts + RefCell flag + node)\n",
        circuitgrad::NODE_SIZE,
        circuitgrad::NODE_SIZE + 24
    );
    let mut rows = Vec::new();

    let reverse_new = repeat(runs(5), || w1_reverse(false));
    let reverse_cleared = repeat(runs(5), || w1_reverse(true));
    let micro = repeat(runs(5), w1_micro_grad);
    rows.push(Row::paired(
        "W1 ns/round",
        paired(runs(9), w1_circuitgrad, w1_floor),
        Some(3.0),
        format!(
            "reverse {reverse_new:.0} (new tape) {reverse_cleared:.0} (cleared), micro_grad {micro:.0}"
        ),
    ));

    for depth in [1_000, 10_000, 100_000, 1_000_000] {
        rows.push(Row::paired(
            &format!("W2 ns/step D={depth:e}, 2 MiB thread"),
            paired(runs(3), || w2_circuitgrad(depth), || w2_floor(depth)),
            (depth == 1_000_000).then_some(3.0),
            format!("reverse {:.1}", repeat(runs(3), || w2_reverse(depth))),
        ));
    }
    // Two nodes a step (`* 0.9999` and `+ 0.0001`), allocated in the workload's fresh thread.
    rows.push(Row::paired(
        "W2 ns/step D=1e6, allocations alone",
        paired(
            runs(3),
            || in_2mib_thread(|| 2.0 * allocations_alone(2_000_000)),
            || w2_floor(1_000_000),
        ),
        None,
        "a lower bound for one Rc per node".into(),
    ));
    rows.push(Row::apart(
        "W2 bytes/step D=1e6 (RSS growth)",
        repeat(runs(3), || w2_bytes("circuitgrad")),
        repeat(runs(3), || w2_bytes("floor")),
        Some(2.5),
        String::new(),
    ));

    rows.push(Row::paired(
        "W3 seconds, N=1e6",
        paired(runs(3), w3_circuitgrad, w3_floor),
        Some(3.0),
        format!("reverse {:.3}", repeat(runs(3), w3_reverse)),
    ));
    // 2N leaves, N products and N - 1 sums.
    let w3_nodes = 4 * W3_N - 1;
    rows.push(Row::paired(
        "W3 seconds, allocations alone",
        paired(
            runs(3),
            || allocations_alone(w3_nodes) * w3_nodes as f64 / 1e9,
            w3_floor,
        ),
        None,
        "a lower bound for one Rc per node".into(),
    ));
    rows.push(Row::paired(
        "W3 seconds, in a fresh 2 MiB thread",
        paired(
            runs(3),
            || in_2mib_thread(w3_circuitgrad),
            || in_2mib_thread(w3_floor),
        ),
        None,
        format!(
            "reverse {:.3}",
            repeat(runs(3), || in_2mib_thread(w3_reverse))
        ),
    ));

    let data = mlp::moons();
    let init = mlp::initial_parameters(SEED);
    let mut runs_ours = Vec::new();
    let mut runs_replay = Vec::new();
    let mut runs_floor = Vec::new();
    let mut runs_reverse = Vec::new();
    let mut runs_micro = Vec::new();
    for _ in 0..runs(3) {
        runs_ours.push(mlp::circuitgrad(&data, SEED));
        runs_replay.push(mlp::circuitgrad_replay(&data, SEED));
        runs_floor.push(mlp::floor(&data, &init));
        runs_reverse.push(mlp::reverse(&data, &init));
        runs_micro.push(mlp::micro_grad(&data, &init));
    }
    let ms = |runs: &[mlp::Run]| median(runs.iter().map(|r| r.ms_per_step).collect());
    // The runs of one round went in turn: paired with the floor's of the same round.
    let with_floor = |runs: &[mlp::Run]| {
        let ratios = runs.iter().zip(&runs_floor);
        let ratio = median(ratios.map(|(r, f)| r.ms_per_step / f.ms_per_step).collect());
        (ms(runs), ms(&runs_floor), ratio)
    };
    rows.push(Row::paired(
        "W4 ms/step",
        with_floor(&runs_ours),
        Some(6.5),
        format!(
            "reverse {:.2}, micro_grad {:.2}",
            ms(&runs_reverse),
            ms(&runs_micro)
        ),
    ));
    rows.push(Row::paired(
        "W4 ms/step, replayed tape",
        with_floor(&runs_replay),
        Some(1.5),
        String::new(),
    ));

    let w5_ours: Vec<f64> = (0..runs(3)).map(|_| child("w5")).collect();
    let w5_replay: Vec<f64> = (0..runs(3)).map(|_| child("w5replay")).collect();
    let w5_floor: Vec<f64> = (0..runs(3)).map(|_| child("w5floor")).collect();
    let w5_ms = |runs: &[f64]| median(runs.to_vec());
    let python = yinyang::anchor_dir().and_then(|dir| yinyang::python(&dir));
    let python_peer = python
        .as_ref()
        .map_or("anchor (Python) not found".to_string(), |(ms, _)| {
            format!("micrograd.py {ms:.1}")
        });
    rows.push(Row::apart(
        "W5 ms/step",
        w5_ms(&w5_ours),
        w5_ms(&w5_floor),
        None,
        python_peer.clone(),
    ));
    rows.push(Row::apart(
        "W5 ms/step, replayed tapes",
        w5_ms(&w5_replay),
        w5_ms(&w5_floor),
        None,
        python_peer,
    ));
    print_rows(&rows);
    let (ours, replayed, floor) = (
        yinyang::circuitgrad(),
        yinyang::circuitgrad_replay(),
        yinyang::floor(),
    );
    println!(
        "\nW5 last train loss: circuitgrad {}, replayed {}, floor {}{}",
        ours.last_loss,
        replayed.last_loss,
        floor.last_loss,
        python
            .as_ref()
            .map_or(String::new(), |(_, l)| format!(", micrograd.py {l}"))
    );
    if let Some((py, _)) = python {
        println!(
            "W5 speed-up over micrograd.py: dynamic {:.0}x (goal >= 100x), replayed {:.0}x (goal >= 1000x)",
            py / w5_ms(&w5_ours),
            py / w5_ms(&w5_replay)
        );
    }

    let [leaves, scalars, replayed] = neuron_forms();
    println!(
        "\nneuron, 16 inputs, build + backward + drop: {leaves:.0} ns with Value inputs (a leaf \
         and a product each), {scalars:.0} ns with f64 inputs (one node each), {replayed:.0} ns replayed"
    );
    println!("\nW4 after {} steps:", mlp::STEPS);
    for (name, run) in [
        ("circuitgrad", &runs_ours[0]),
        ("  replayed", &runs_replay[0]),
        ("floor", &runs_floor[0]),
        ("reverse", &runs_reverse[0]),
        ("micro_grad", &runs_micro[0]),
    ] {
        let nodes = if run.nodes > 0 {
            format!("{} nodes", run.nodes)
        } else {
            "-".into()
        };
        println!(
            "  {name:<12} accuracy {:.2}  loss {:.6}  {nodes}",
            run.accuracy, run.loss
        );
    }
}
