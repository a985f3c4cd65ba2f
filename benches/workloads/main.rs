//! The workloads of BENCHMARKS.md, for circuitgrad and for a flat-tape floor in the same process,
//! so every figure is also a ratio that survives a noisy machine. `reverse` and `micro_grad` run
//! W1–W4 beside them, and micrograd's own Python program W5 when its folder is found.
//!
//! `cargo bench` runs everything; `cargo bench -- --quick` runs one repetition of each;
//! `cargo bench -- --profile NAME` runs one workload alone (for `perf` or callgrind) and prints its
//! time. Memory figures are taken in child processes of this binary (`--child NAME`), so no earlier
//! workload's freed memory hides a later one's growth.

mod floor;
mod grad;
mod harness;
mod neuron;
mod w1;
mod w2;
mod w3;
mod w4;
mod w5;

use harness::{Row, child, in_2mib_thread, median, paired, print_rows, repeat};

/// `grad::w2` run `times` times: the medians of each figure.
fn repeat_grad(times: usize, f: impl Fn() -> grad::Figures) -> grad::Figures {
    let runs: Vec<grad::Figures> = (0..times).map(|_| f()).collect();
    grad::Figures {
        backward_ms: median(runs.iter().map(|r| r.backward_ms).collect()),
        grad_ms: median(runs.iter().map(|r| r.grad_ms).collect()),
        grad_nodes: runs[0].grad_nodes,
    }
}

const SEED: u64 = 42;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        // W5 is a whole program, timed in a fresh process as the Python one is, so that no
        // earlier workload's freed nodes or heap shape is left for it to walk through.
        match args[i + 1].as_str() {
            "w5" => println!("{}", w5::circuitgrad().ms_per_step),
            "w5replay" => println!("{}", w5::circuitgrad_replay().ms_per_step),
            "w5floor" => println!("{}", w5::floor().ms_per_step),
            "w2grad" => println!("{}", grad::w2_bytes_child()),
            "w4grad" => println!("{}", grad::w4_bytes_child()),
            system => println!("{}", w2::bytes_child(system)),
        }
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        // One workload on its own, for `perf record`: `cargo bench -- --profile w4`.
        match args[i + 1].as_str() {
            "w1" => println!("{}", w1::circuitgrad()),
            "w2" => println!("{}", w2::circuitgrad(1_000_000)),
            "w3" => println!("{}", in_2mib_thread(w3::circuitgrad)),
            "w5" => println!("{}", w5::circuitgrad().ms_per_step),
            // W4 after W3 on the same thread, as in a full run, with and without clearing the
            // node pool in between: what a heap full of W3's freed nodes does to W4.
            "w3w4" | "w3clearw4" => {
                w3::circuitgrad();
                if args[i + 1] == "w3clearw4" {
                    circuitgrad::pool::clear();
                }
                println!("{}", w4::circuitgrad(&w4::moons(), SEED).ms_per_step);
            }
            "w5replay" => println!("{}", w5::circuitgrad_replay().ms_per_step),
            "replay" => println!("{}", w4::circuitgrad_replay(&w4::moons(), SEED).ms_per_step),
            _ => println!("{}", w4::circuitgrad(&w4::moons(), SEED).ms_per_step),
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

    let reverse_new = repeat(runs(5), || w1::reverse(false));
    let reverse_cleared = repeat(runs(5), || w1::reverse(true));
    let micro = repeat(runs(5), w1::micro_grad);
    rows.push(Row::paired(
        "W1 ns/round",
        paired(runs(9), w1::circuitgrad, w1::floor),
        Some(3.0),
        format!(
            "reverse {reverse_new:.0} (new tape) {reverse_cleared:.0} (cleared), micro_grad {micro:.0}"
        ),
    ));

    for depth in [1_000, 10_000, 100_000, 1_000_000] {
        rows.push(Row::paired(
            &format!("W2 ns/step D={depth:e}, 2 MiB thread"),
            paired(runs(3), || w2::circuitgrad(depth), || w2::floor(depth)),
            (depth == 1_000_000).then_some(3.0),
            format!("reverse {:.1}", repeat(runs(3), || w2::reverse(depth))),
        ));
    }
    // Two nodes a step (`* 0.9999` and `+ 0.0001`), allocated in the workload's fresh thread.
    rows.push(Row::paired(
        "W2 ns/step D=1e6, allocations alone",
        paired(
            runs(3),
            || in_2mib_thread(|| 2.0 * w3::allocations_alone(2_000_000)),
            || w2::floor(1_000_000),
        ),
        None,
        "a lower bound for one Rc per node".into(),
    ));
    rows.push(Row::apart(
        "W2 bytes/step D=1e6 (RSS growth)",
        repeat(runs(3), || w2::bytes("circuitgrad")),
        repeat(runs(3), || w2::bytes("floor")),
        Some(2.5),
        String::new(),
    ));

    rows.push(Row::paired(
        "W3 seconds, N=1e6",
        paired(runs(3), w3::circuitgrad, w3::floor),
        Some(3.0),
        format!("reverse {:.3}", repeat(runs(3), w3::reverse)),
    ));
    // 2N leaves, N products and N - 1 sums.
    let w3_nodes = 4 * w3::N - 1;
    rows.push(Row::paired(
        "W3 seconds, allocations alone",
        paired(
            runs(3),
            || w3::allocations_alone(w3_nodes) * w3_nodes as f64 / 1e9,
            w3::floor,
        ),
        None,
        "a lower bound for one Rc per node".into(),
    ));
    rows.push(Row::paired(
        "W3 seconds, in a fresh 2 MiB thread",
        paired(
            runs(3),
            || in_2mib_thread(w3::circuitgrad),
            || in_2mib_thread(w3::floor),
        ),
        None,
        format!(
            "reverse {:.3}",
            repeat(runs(3), || in_2mib_thread(w3::reverse))
        ),
    ));

    let data = w4::moons();
    let init = w4::initial_parameters(SEED);
    let mut runs_ours = Vec::new();
    let mut runs_replay = Vec::new();
    let mut runs_floor = Vec::new();
    let mut runs_reverse = Vec::new();
    let mut runs_micro = Vec::new();
    for _ in 0..runs(3) {
        runs_ours.push(w4::circuitgrad(&data, SEED));
        runs_replay.push(w4::circuitgrad_replay(&data, SEED));
        runs_floor.push(w4::floor(&data, &init));
        runs_reverse.push(w4::reverse(&data, &init));
        runs_micro.push(w4::micro_grad(&data, &init));
    }
    let ms = |runs: &[w4::Run]| median(runs.iter().map(|r| r.ms_per_step).collect());
    // The runs of one round went in turn: paired with the floor's of the same round.
    let with_floor = |runs: &[w4::Run]| {
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
    let python = w5::anchor_dir().and_then(|dir| w5::python(&dir));
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
    let (ours, replayed, floor) = (w5::circuitgrad(), w5::circuitgrad_replay(), w5::floor());
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

    println!(
        "\ngrad against backward() (one pass each, the circuit built first; ms, medians of {}):",
        runs(3)
    );
    for (name, figures, bytes) in [
        (
            "W2, D = 1e6 (constant local derivatives)",
            repeat_grad(runs(3), || grad::w2(false)),
            None,
        ),
        (
            "W2 with tanh, 1e6 nodes",
            repeat_grad(runs(3), || grad::w2(true)),
            Some(child("w2grad")),
        ),
        (
            "W4, one loss, 65,412 nodes, 337 parameters",
            grad::w4(runs(5)),
            Some(child("w4grad")),
        ),
    ] {
        println!(
            "  {name:<44} backward {:>8.2}  grad {:>8.2}  ({:.1}x)  gradient circuit {} nodes{}",
            figures.backward_ms,
            figures.grad_ms,
            figures.grad_ms / figures.backward_ms,
            figures.grad_nodes,
            bytes.map_or(String::new(), |b| format!(
                ", {b:.0} bytes per original node"
            ))
        );
    }

    let [leaves, scalars, replayed] = neuron::forms();
    println!(
        "\nneuron, 16 inputs, build + backward + drop: {leaves:.0} ns with Value inputs (a leaf \
         and a product each), {scalars:.0} ns with f64 inputs (one node each), {replayed:.0} ns replayed"
    );
    println!("\nW4 after {} steps:", w4::STEPS);
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
