#!/usr/bin/env bash
# The notebooks, run headless from a fresh machine. Installs what they need, each only if missing:
# the evcxr Jupyter kernel at a pinned version (built from source: minutes the first time), the
# rust-src component, and Jupyter's nbconvert in a virtual environment; registers the kernel;
# executes every notebook; and fails if a cell errors, if a notebook shows no SVG picture, or if a
# committed notebook's outputs are not what it prints now. The executed copies are written to
# notebooks/ in cargo's target directory.
#
#   bash notebooks/run.sh            # run and check
#   bash notebooks/run.sh --update   # run, then write the outputs into the committed notebooks
set -euo pipefail
cd "$(dirname "$0")/.."

EVCXR_VERSION=0.22.0
update=
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  *) echo "usage: bash notebooks/run.sh [--update]" >&2; exit 2 ;;
esac

target=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
out="$target/notebooks"
venv="$target/notebook-venv"
mkdir -p "$out"

if ! cargo install --list | grep -q "^evcxr_jupyter v$EVCXR_VERSION:"; then
  echo "installing evcxr_jupyter $EVCXR_VERSION (built from source; this takes a while once)"
  cargo install --locked --quiet "evcxr_jupyter@$EVCXR_VERSION"
fi
rustup component add rust-src >/dev/null 2>&1
if [[ ! -x "$venv/bin/jupyter-nbconvert" ]]; then
  echo "installing nbconvert into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check nbconvert==7.17.2 nbclient==0.11.0
fi
evcxr_jupyter --install >/dev/null

for notebook in notebooks/*.ipynb; do
  echo "running $notebook"
  JUPYTER_PLATFORM_DIRS=1 "$venv/bin/jupyter-nbconvert" --log-level=WARN --to notebook --execute \
    --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.kernel_name=rust \
    --output-dir "$out" "$notebook"
done

# Each executed notebook must show a picture, and the committed one the same outputs (or, with
# --update, take them). Cell metadata (execution times) is left out: it changes every run.
"$venv/bin/python" - "$out" "$update" <<'EOF'
import json, pathlib, sys

out, update = pathlib.Path(sys.argv[1]), sys.argv[2] == "1"
failed = False
for committed_path in sorted(pathlib.Path("notebooks").glob("*.ipynb")):
    executed = json.loads((out / committed_path.name).read_text())
    for cell in executed["cells"]:
        cell["metadata"] = {}
    outputs = [c.get("outputs", []) for c in executed["cells"]]
    pictures = sum(
        1
        for cell in outputs
        for o in cell
        if "image/svg+xml" in o.get("data", {}) or "<svg" in "".join(o.get("data", {}).get("text/html", ""))
    )
    if pictures == 0:
        print(f"{committed_path}: no SVG picture in its outputs", file=sys.stderr)
        failed = True
    text = json.dumps(executed, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if update:
        committed_path.write_text(text)
        print(f"updated {committed_path}: {pictures} pictures")
    elif json.loads(committed_path.read_text()) != executed:
        print(f"{committed_path}: its committed outputs are not what it prints now; "
              "run bash notebooks/run.sh --update and look at the diff", file=sys.stderr)
        failed = True
    else:
        print(f"{committed_path}: every cell ran, {pictures} pictures, outputs as committed")
sys.exit(1 if failed else 0)
EOF
