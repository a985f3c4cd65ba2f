#!/usr/bin/env bash
# The playground's browser test, from a fresh machine: installs what it needs (Chromium and Node.js
# from Debian, playwright-core from npm, the wasm32 target through rustup), builds the page, computes
# the native reference, serves the page with `cargo xtask playground` and drives it in headless
# Chromium. Screenshots land in playground-screenshots/ in cargo's target directory. (The
# `reference` binary is part of the playground crate, so it is built with `portable-math`, as the
# page is.)
set -euo pipefail
cd "$(dirname "$0")/../.."

need() { command -v "$1" >/dev/null 2>&1; }
updated=
install() {
  echo "installing $* from Debian's packages"
  [[ -n $updated ]] || { apt-get update -qq; updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need chromium || install chromium
# One at a time: some Node.js packages bring npm with them (and conflict with Debian's npm).
need node || install nodejs
need npm || install npm
# playwright-core 1.57 runs on Node.js 18 (Debian 12's) and later.
(cd playground/e2e && npm ci --no-audit --no-fund --silent)

cargo xtask playground --build-only
# Cargo's target directory (CARGO_TARGET_DIR or build.target-dir count), as cargo reports it.
target=$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
ref=$target/playground-reference
mkdir -p "$ref"
# The native example twice: on the platform's math library (as micrograd's Python), and on the
# `libm` crate's (`portable-math`), the one the page's WebAssembly uses.
cargo run --quiet --release --example yinyang -- --steps 10 >"$ref/yinyang.txt"
cargo run --quiet --release --example yinyang --features portable-math -- --steps 10 >"$ref/yinyang_portable.txt"
cargo run --quiet --release -p circuitgrad-playground --bin reference >"$ref/trace_first.json"
cargo run --quiet --release -p circuitgrad-playground --bin reference -- 0.5 -1.0 2 >"$ref/trace_typed.json"

port=${PLAYGROUND_PORT:-8765}
cargo xtask playground --port "$port" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.2
done
node playground/e2e/test.mjs "http://127.0.0.1:$port/" "$ref" "$target/playground-screenshots"
