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
//! `cargo run --example repl < session.txt`. Errors go to standard error, each starting `error:`.
//! The exit code is 0, or the one given to `:quit CODE`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use circuitgrad::script::{Reply, Session};
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

/// Runs one line and prints what it says; `Some(code)` when it asks to quit.
fn answer(session: &mut Session, line: &str) -> Option<u8> {
    match session.run(line) {
        Ok(Reply::Nothing) => None,
        Ok(Reply::Text(text)) => {
            println!("{text}");
            None
        }
        Ok(Reply::Quit(code)) => Some(code),
        Err(e) => {
            eprintln!("{}", e.render(line));
            None
        }
    }
}

/// Standard input as a script. Bytes that are not UTF-8 reach the session as U+FFFD, which it
/// reports as an unexpected character, rather than ending the script.
fn script(session: &mut Session) -> ExitCode {
    let mut input = std::io::stdin().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match input.read_until(b'\n', &mut bytes) {
            Ok(0) => return ExitCode::SUCCESS,
            Ok(_) => {
                let line = String::from_utf8_lossy(&bytes);
                if let Some(code) = answer(session, line.trim_end_matches(['\n', '\r'])) {
                    return ExitCode::from(code);
                }
            }
            Err(e) => {
                eprintln!("error: could not read standard input: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
}

fn interactive(session: &mut Session, mut editor: DefaultEditor) -> ExitCode {
    println!(
        "circuitgrad: type a circuit (x = -2, f = (x + y) * z), :help for more, :quit to leave"
    );
    loop {
        match editor.readline(">>> ") {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                if let Some(code) = answer(session, &line) {
                    return ExitCode::from(code);
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
    let mut session = Session::new();
    if std::io::stdin().is_terminal() {
        match DefaultEditor::new() {
            Ok(editor) => return interactive(&mut session, editor),
            Err(e) => eprintln!("error: no line editing ({e}); reading lines as a script"),
        }
    }
    script(&mut session)
}
