//! # A REPL for circuits
//!
//! Type a circuit line by line, backpropagate, read every gradient, draw it:
//!
//! ```text
//! >>> x = -2
//! >>> y = 5
//! >>> z = -4
//! >>> f = (x + y) * z
//! >>> :backward f
//! x.grad = -4
//! ...
//! ```
//!
//! `cargo run --example repl` gives line editing and history on a terminal. When standard input is
//! not a terminal it runs it as a script, printing only results and errors, and stops at its end:
//! `cargo run --example repl < session.txt`. Errors go to standard error, each starting
//! `line N: error:` in a script (`error:` on a terminal). A script's exit code is 1 if any line
//! failed and 0 if none did, unless `:quit CODE` gives one; `--help` prints how to use it.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use circuitgrad::script::{Reply, Session};
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

const USAGE: &str = "\
usage: repl [--help]

On a terminal: type a line, Enter runs it; :help lists what a line can be.
On a pipe (repl < session.txt): runs each line as a script, prints results,
reports failed lines as `line N: error: ...` on standard error, and exits 1 if
any line failed, 0 if none did, or CODE for :quit CODE.";

/// What running one line came to.
enum Outcome {
    Ran,
    Failed,
    Quit(Option<u8>),
}

/// Runs one line and prints what it says; errors name the line `number`, if given.
fn answer(session: &mut Session, line: &str, number: Option<usize>) -> Outcome {
    match session.run(line) {
        Ok(Reply::Nothing) => Outcome::Ran,
        Ok(Reply::Text(text)) => {
            println!("{text}");
            Outcome::Ran
        }
        Ok(Reply::Quit(code)) => Outcome::Quit(code),
        Err(e) => {
            match number {
                Some(n) => eprintln!("{}", e.render_numbered(line, n)),
                None => eprintln!("{}", e.render(line)),
            }
            Outcome::Failed
        }
    }
}

/// Standard input as a script. Bytes that are not UTF-8 reach the session as U+FFFD, which it
/// reports as an unexpected character, rather than ending the script.
fn script(session: &mut Session) -> ExitCode {
    let mut input = std::io::stdin().lock();
    let mut bytes = Vec::new();
    let mut failed = false;
    for number in 1.. {
        bytes.clear();
        match input.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {
                let line = String::from_utf8_lossy(&bytes);
                match answer(session, line.trim_end_matches(['\n', '\r']), Some(number)) {
                    Outcome::Ran => {}
                    Outcome::Failed => failed = true,
                    // A plain `:quit` keeps the status the script earned, as a shell's `exit`.
                    Outcome::Quit(Some(code)) => return ExitCode::from(code),
                    Outcome::Quit(None) => break,
                }
            }
            Err(e) => {
                eprintln!("error: could not read standard input: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn interactive(session: &mut Session, mut editor: DefaultEditor) -> ExitCode {
    println!("circuitgrad: type a circuit (x = -2, f = x * 3), :help for more, :quit to leave");
    loop {
        match editor.readline(">>> ") {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                if let Outcome::Quit(code) = answer(session, &line, None) {
                    return ExitCode::from(code.unwrap_or(0));
                }
            }
            Err(ReadlineError::Interrupted) => continue, // Ctrl-C drops the line being typed
            Err(ReadlineError::Eof) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: could not read the terminal: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
}

fn main() -> ExitCode {
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "--help" || arg == "-h" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        eprintln!("error: unknown argument `{arg}`\n{USAGE}");
        return ExitCode::from(2);
    }
    let mut session = Session::new();
    if std::io::stdin().is_terminal() {
        match DefaultEditor::new() {
            Ok(editor) => return interactive(&mut session, editor),
            Err(e) => eprintln!("error: no line editing ({e}); reading lines as a script"),
        }
    }
    script(&mut session)
}
