//! The REPL example as a person uses it: a script through a pipe, and a session in a terminal.
//! `cargo test` builds the examples first; the binary sits in `target/<profile>/examples/`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn repl_binary() -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let path = deps.parent().unwrap().join("examples").join("repl");
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds it",
        path.display()
    );
    path
}

/// Runs the REPL with `input` on a pipe: (stdout, stderr, exit code).
fn run_script(input: &[u8]) -> (String, String, Option<i32>) {
    let mut child = Command::new(repl_binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (text(out.stdout), text(out.stderr), out.status.code())
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs the REPL binary in a child process, which Miri cannot start"
)]
fn a_script_through_a_pipe_prints_only_results_and_errors() {
    let (stdout, stderr, code) = run_script(
        b"x = -2\ny = 5\nz = -4\nq = x + y\nf = q * z\nf\n:backward f\nf = (x + ) * z\nf\n",
    );
    assert_eq!(
        stdout,
        "-12\nx.grad = -4\ny.grad = -4\nz.grad = 3\nq.grad = -4\nf.grad = 1\n-12\n"
    );
    assert_eq!(
        stderr,
        "line 8: error: expected a number, a name, `-`, a function call or `(`, found `)`\n  \
         at column 10\n  f = (x + ) * z\n           ^\n"
    );
    assert_eq!(code, Some(1)); // a failed line: the script goes on, and exits 1 at its end
    let (_, stderr, code) = run_script(b"x = 1\ny = x * 2\n");
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs the REPL binary in a child process, which Miri cannot start"
)]
fn quit_sets_the_exit_code_and_stops_reading() {
    let (stdout, _, code) = run_script(b"1 + 1\n:quit 3\n2 + 2\n");
    assert_eq!((stdout.as_str(), code), ("2\n", Some(3)));
    // A plain :quit keeps the status the script earned, as a shell's `exit` does: a failed line
    // survives it; an explicit code still wins.
    let (stdout, _, code) = run_script(b"x = 1 +\n1 + 1\n:quit\n2 + 2\n");
    assert_eq!((stdout.as_str(), code), ("2\n", Some(1)));
    let (_, _, code) = run_script(b"1 + 1\n:quit\n");
    assert_eq!(code, Some(0));
    let (_, _, code) = run_script(b"x = 1 +\n:quit 0\n");
    assert_eq!(code, Some(0));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs the REPL binary in a child process, which Miri cannot start"
)]
fn bytes_that_are_not_utf8_are_an_error_not_the_end() {
    let (stdout, stderr, code) = run_script(b"x = \xff\xfe\n3 * 2\n");
    assert_eq!((stdout.as_str(), code), ("6\n", Some(1)));
    assert!(
        stderr.starts_with("line 1: error: expected a number"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
#[cfg_attr(
    miri,
    ignore = "runs the REPL binary in a child process, which Miri cannot start"
)]
fn in_a_terminal_lines_can_be_edited_and_recalled() {
    let mut p = rexpect::spawn(repl_binary().to_str().unwrap(), Some(10_000)).unwrap();
    p.exp_string(">>> ").unwrap();
    // A typo fixed with backspace before Enter: "y = 55" becomes "y = 5".
    p.send("y = 55").unwrap();
    p.send("\x7f").unwrap();
    p.send_line("").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("y * 2").unwrap();
    p.exp_string("10").unwrap();
    p.exp_string(">>> ").unwrap();
    // The up arrow recalls the last line; Ctrl-A moves to its start to insert "-".
    p.send("\x1b[A").unwrap();
    p.send_control('a').unwrap();
    p.send("-").unwrap();
    p.send_line("").unwrap();
    p.exp_string("-10").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}
