//! What every example does with its command line: `--help` prints its usage, anything it does
//! not understand is refused with exit code 2, and pictures go under cargo's target directory
//! (`target/`, or where `CARGO_TARGET_DIR` or `build.target-dir` put it) unless `--out DIR` says
//! where, wherever the example is run from.
#![allow(dead_code)] // each example uses its own part of this module

pub mod plot;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::exit;

/// A parsed command line: the flags given, and each option's value.
pub struct Args {
    flags: Vec<&'static str>,
    values: HashMap<&'static str, String>,
}

impl Args {
    /// Parses the command line: `flags` take no value, `options` take one. Prints `usage` and
    /// exits 0 on `--help`; prints what is wrong and `usage` and exits 2 on anything else unknown.
    pub fn parse(usage: &str, flags: &[&'static str], options: &[&'static str]) -> Args {
        let mut args = Args {
            flags: Vec::new(),
            values: HashMap::new(),
        };
        let refuse = |message: String| -> ! {
            eprintln!("error: {message}\n{usage}");
            exit(2)
        };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            if arg == "--help" || arg == "-h" {
                println!("{usage}");
                exit(0);
            }
            if let Some(&flag) = flags.iter().find(|f| **f == arg) {
                args.flags.push(flag);
            } else if let Some(&option) = options.iter().find(|o| **o == arg) {
                match it.next() {
                    Some(value) => {
                        args.values.insert(option, value);
                    }
                    None => refuse(format!("{option} needs a value")),
                }
            } else {
                refuse(format!("unknown argument `{arg}`"));
            }
        }
        args
    }

    /// Whether `flag` was given.
    pub fn flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    /// The value of `option`, parsed and checked by `parse` (which says what is allowed), or
    /// `default`; exits 2 with the message if the value is refused.
    pub fn value<T>(
        &self,
        option: &str,
        default: T,
        usage: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> T {
        match self.values.get(option) {
            None => default,
            Some(text) => parse(text).unwrap_or_else(|message| {
                eprintln!("error: {option} {message}, not `{text}`\n{usage}");
                exit(2)
            }),
        }
    }

    /// `--out DIR`, or `NAME` in cargo's target directory.
    pub fn out(&self, name: &str) -> PathBuf {
        self.values
            .get("--out")
            .map_or_else(|| target_dir().join(name), PathBuf::from)
    }
}

/// Cargo's target directory for this crate: the one `cargo metadata` reports when cargo ran the
/// example (`cargo run`, `cargo test`); otherwise the one this binary was built in (cargo marks its
/// root with `CACHEDIR.TAG`); otherwise `target/` in the crate.
pub fn target_dir() -> PathBuf {
    reported_target_dir()
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            exe.ancestors()
                .find(|dir| dir.join("CACHEDIR.TAG").is_file())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// `target_directory` from `cargo metadata`, when cargo started this process (it sets `CARGO`).
fn reported_target_dir() -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO")?;
    let output = std::process::Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    metadata["target_directory"].as_str().map(PathBuf::from)
}

/// A whole number from 1.
pub fn positive(text: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|&n: &usize| n > 0)
        .ok_or_else(|| "takes a whole number from 1".to_string())
}

/// A finite number at least 0.
pub fn non_negative(text: &str) -> Result<f64, String> {
    text.parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| "takes a finite number at least 0".to_string())
}
