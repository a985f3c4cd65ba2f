//! The project's tasks, run as `cargo xtask TASK` (the alias is in `.cargo/config.toml`).
//!
//! `cargo xtask playground [--port N]` builds the playground page (the engine compiled to
//! WebAssembly, and the page's static files) into `playground/` in the target directory (the one
//! cargo reports: `CARGO_TARGET_DIR` or `build.target-dir` count) and serves it on
//! http://127.0.0.1:8000. `cargo xtask playground --build-only [--out DIR]` only writes the files.

use std::convert::Infallible;
use std::error::Error;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, ExitCode};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

const USAGE: &str = "\
usage: cargo xtask playground [--build-only] [--out DIR] [--port N]

  playground     build the playground page and serve it on http://127.0.0.1:8000
  --build-only   only write the page's files (to playground/ in cargo's target directory
                 unless --out)
  --out DIR      where to write the files
  --port N       the port to serve on (1 to 65535; default 8000)";

const TARGET: &str = "wasm32-unknown-unknown";
const WASM: &str = "circuitgrad_playground.wasm";

struct Options {
    build_only: bool,
    out: PathBuf,
    port: u16,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match playground(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The options, `None` for `--help`.
fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options {
        build_only: false,
        out: PathBuf::new(), // cargo's target directory's `playground/`, unless --out says
        port: 8000,
    };
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        Some("playground") => {}
        Some("-h" | "--help" | "help") | None => return Ok(None),
        Some(other) => return Err(format!("unknown task {other:?}: the task is `playground`")),
    }
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--build-only" => options.build_only = true,
            "--out" => {
                let dir = args.next().ok_or("--out needs a directory")?;
                options.out = PathBuf::from(dir);
            }
            "--port" => {
                let port = args.next().ok_or("--port needs a number")?;
                options.port =
                    port.parse().ok().filter(|&p| p > 0).ok_or_else(|| {
                        format!("--port {port}: a port is a number from 1 to 65535")
                    })?;
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.out.as_os_str().is_empty() {
        options.out = target_dir()?.join("playground");
    }
    Ok(Some(options))
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The target directory cargo reports for the workspace (`cargo metadata`): `target/` unless
/// `CARGO_TARGET_DIR` or a `build.target-dir` setting says otherwise.
fn target_dir() -> Result<PathBuf, String> {
    let mut command = cargo();
    command.current_dir(workspace_root());
    target_dir_of(&mut command)
}

/// `target_directory` from `command metadata --format-version 1 --no-deps`.
fn target_dir_of(command: &mut Command) -> Result<PathBuf, String> {
    let output = command
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed something that is not JSON: {e}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata reported no target_directory".to_string())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn playground(options: &Options) -> Result<(), Box<dyn Error>> {
    build(&options.out)?;
    if options.build_only {
        println!("wrote the playground to {}", options.out.display());
        return Ok(());
    }
    serve(&options.out, options.port)
}

/// Installs the wasm target if it is missing, compiles the engine, copies the page beside it.
fn build(out: &Path) -> Result<(), Box<dyn Error>> {
    let root = workspace_root();
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == TARGET)
        })
        .unwrap_or(false);
    if !installed {
        eprintln!("installing the {TARGET} target through rustup");
        run(Command::new("rustup").args(["target", "add", TARGET]))?;
    }
    run(cargo().current_dir(&root).args([
        "build",
        "--quiet",
        "--release",
        "--package",
        "circuitgrad-playground",
        "--target",
        TARGET,
    ]))?;
    fs::create_dir_all(out)?;
    let wasm = target_dir()?.join(TARGET).join("release").join(WASM);
    fs::copy(&wasm, out.join(WASM))?;
    for entry in fs::read_dir(root.join("playground").join("www"))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::copy(entry.path(), out.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn run(command: &mut Command) -> Result<(), Box<dyn Error>> {
    let status = command.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})").into())
    }
}

/// Serves `dir` until the process is stopped: GET of its files, nothing else. Each connection is
/// a task of its own, so a browser's parallel keep-alive connections are all answered.
fn serve(dir: &Path, port: u16) -> Result<(), Box<dyn Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e} (try --port N)"))?;
        println!("the playground is on http://127.0.0.1:{port}/ (Ctrl+C stops it)");
        loop {
            // A failed accept (a connection reset before it was taken, too many open files) is
            // that connection's problem, not the server's; a pause before the next try keeps an
            // error that lasts from spinning.
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            };
            let dir = dir.to_path_buf();
            let service = service_fn(move |request: Request<Incoming>| {
                let response = match *request.method() {
                    Method::GET | Method::HEAD => respond(&dir, request.uri().path()),
                    _ => plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD"),
                };
                async move { Ok::<_, Infallible>(response) }
            });
            tokio::task::spawn(async move {
                // A client that goes away mid-request ends its connection, nothing more.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

/// The response to a GET of `url`: the file it names in `dir`, or 404.
fn respond(dir: &Path, url: &str) -> Response<Full<Bytes>> {
    match file_for(dir, url).and_then(|path| Some((fs::read(&path).ok()?, path))) {
        Some((bytes, path)) => with(StatusCode::OK, content_type(&path), bytes),
        None => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    with(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

fn with(status: StatusCode, kind: &'static str, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}

/// The file a URL names inside `dir`; `None` for anything that would leave it.
fn file_for(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next()?.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let relative = Path::new(path);
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| dir.join(relative))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_stay_inside_the_served_directory() {
        let dir = Path::new("/srv/page");
        assert_eq!(file_for(dir, "/"), Some(dir.join("index.html")));
        assert_eq!(file_for(dir, "/app.js?v=2"), Some(dir.join("app.js")));
        assert_eq!(file_for(dir, "/../secret"), None);
        assert_eq!(file_for(dir, "/a/../../b"), None);
    }

    /// A GET of `path` on `stream`, kept alive, and the response's head and body.
    fn get(stream: &mut std::net::TcpStream, path: &str) -> (String, Vec<u8>) {
        use std::io::{Read, Write};
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut bytes = Vec::new();
        let mut buffer = [0; 4096];
        loop {
            let n = stream
                .read(&mut buffer)
                .expect("an answer within the timeout");
            assert!(n > 0, "the server closed the connection");
            bytes.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&bytes).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let head = text[..end].to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .unwrap()
                    .parse()
                    .unwrap();
                if bytes.len() >= end + 4 + length {
                    return (head, bytes[end + 4..end + 4 + length].to_vec());
                }
            }
        }
    }

    #[test]
    fn every_one_of_a_browsers_parallel_connections_is_answered() {
        let dir = std::env::temp_dir().join(format!("circuitgrad-serve-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("index.html"), "<p>page</p>").unwrap();
        fs::write(dir.join("app.js"), "export {};").unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let served = dir.clone();
        std::thread::spawn(move || serve(&served, port).map_err(|e| e.to_string()));
        let connect = || {
            for _ in 0..100 {
                if let Ok(stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                    stream
                        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                        .unwrap();
                    return stream;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            panic!("the server never listened");
        };
        // Eight connections open at once, as a browser keeps them, each asked in turn, the last
        // first; every one is answered while the others stay open.
        let mut streams: Vec<_> = (0..8).map(|_| connect()).collect();
        for stream in streams.iter_mut().rev() {
            let (head, body) = get(stream, "/app.js");
            assert!(head.starts_with("http/1.1 200"), "{head}");
            assert!(head.contains("content-type: text/javascript"), "{head}");
            assert_eq!(body, b"export {};");
        }
        // And again on the same connections (kept alive): the page, a 404, a way out refused.
        let (head, body) = get(&mut streams[0], "/");
        assert!(head.starts_with("http/1.1 200") && head.contains("text/html"));
        assert_eq!(body, b"<p>page</p>");
        assert!(
            get(&mut streams[1], "/missing.js")
                .0
                .starts_with("http/1.1 404")
        );
        assert!(
            get(&mut streams[2], "/../secret")
                .0
                .starts_with("http/1.1 404")
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_arguments_say_what_is_allowed() {
        let args = |s: &[&str]| parse(&s.iter().map(|a| a.to_string()).collect::<Vec<_>>());
        assert!(
            args(&["playground", "--port", "0"])
                .err()
                .unwrap()
                .contains("1 to 65535")
        );
        assert!(args(&["playground", "--port", "http"]).is_err());
        assert!(args(&["build"]).err().unwrap().contains("playground"));
        assert!(args(&["--help"]).unwrap().is_none());
        let o = args(&["playground", "--build-only", "--out", "x", "--port", "9000"])
            .unwrap()
            .unwrap();
        assert!(o.build_only && o.out == Path::new("x") && o.port == 9000);
    }

    #[test]
    fn the_page_goes_where_cargo_puts_its_builds() {
        // With CARGO_TARGET_DIR set, cargo builds there, and the page is copied from there.
        let elsewhere = std::env::temp_dir().join("circuitgrad-xtask-target");
        let mut command = cargo();
        command
            .current_dir(workspace_root())
            .env("CARGO_TARGET_DIR", &elsewhere);
        assert_eq!(target_dir_of(&mut command).unwrap(), elsewhere);
        // Without it, the workspace's own target/.
        let mut command = cargo();
        command
            .current_dir(workspace_root())
            .env_remove("CARGO_TARGET_DIR");
        let own = target_dir_of(&mut command).unwrap();
        assert!(own.ends_with("target") || std::env::var_os("CARGO_BUILD_TARGET_DIR").is_some());
    }
}
