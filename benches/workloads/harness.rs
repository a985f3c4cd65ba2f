//! What every workload uses: fresh 2 MiB threads, medians, paired runs against the floor, child
//! processes for memory, and the table the run prints.

use std::process::Command;
use std::time::Duration;

/// A `cargo test` thread's stack.
const STACK: usize = 2 << 20;

/// Runs `f` in a fresh thread with a 2 MiB stack, like a `cargo test` thread.
pub fn in_2mib_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the workload panicked")
}

pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

pub fn repeat(times: usize, mut f: impl FnMut() -> f64) -> f64 {
    median((0..times).map(|_| f()).collect())
}

/// Runs `ours` and `floor` in turn, `times` each, and gives their medians and the median of the
/// ratios of each pair. This machine has phases of a second or so in which everything runs up to
/// twice as slow; a pair run back to back sees the same phase, where five runs of one and then
/// five of the other may not.
pub fn paired(
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

pub fn per(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1e9 / count as f64
}

/// Resident memory of this process, in bytes.
pub fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Runs this binary with `--child NAME` and reads the one number it prints.
pub fn child(system: &str) -> f64 {
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

pub struct Row {
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
    pub fn apart(name: &str, ours: f64, floor: f64, target: Option<f64>, peers: String) -> Row {
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
    pub fn paired(
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

pub fn print_rows(rows: &[Row]) {
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
