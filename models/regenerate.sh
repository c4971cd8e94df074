#!/usr/bin/env bash
# ---------------------------------------------------------------------------
# Regenerates the bundled linalg-on-tensors models with egrl-import, checks
# each with mlir-opt (parse + verify, and --canonicalize --cse), and prints
# the table of models/README.md.  Usage: models/regenerate.sh [MODEL...]
# Needs Debian's /usr/bin/python3 (torch, torchvision, onnx); override with
# PYTHON=..., and the MLIR tools directory with EGRL_LLVM_BIN=...
# ---------------------------------------------------------------------------
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${PYTHON:-/usr/bin/python3}"
mlir_opt="${EGRL_LLVM_BIN:-/usr/lib/llvm-22/bin}/mlir-opt"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(tiny_cnn resnet50 resnet101 mobilenet_v2 bert_base)
stats="$(mktemp -d)"
trap 'rm -rf "$stats"' EXIT

for m in "${models[@]}"; do
  start=$(date +%s.%N)
  "$py" "$here/../python/egrl-import" torch "$m" -o "$here/$m.mlir" --stats "$stats/$m.json"
  end=$(date +%s.%N)
  "$py" - "$stats/$m.json" "$start" "$end" <<'PY'
import json, sys
p = sys.argv[1]
s = json.load(open(p))
s["wall_seconds"] = round(float(sys.argv[3]) - float(sys.argv[2]), 1)
json.dump(s, open(p, "w"))
PY
  if [ -x "$mlir_opt" ]; then
    "$mlir_opt" "$here/$m.mlir" > /dev/null
    "$mlir_opt" --canonicalize --cse "$here/$m.mlir" > /dev/null
    echo "$m: parses and verifies; --canonicalize --cse OK" >&2
  else
    echo "$m: $mlir_opt not found, not verified" >&2
  fi
done

"$py" - "$stats" "${models[@]}" <<'PY'
import json, os, sys
d, names = sys.argv[1], sys.argv[2:]
print("| file | parameters | kept buffers | weight constants | weight elements | linalg ops | size (bytes) | import time (s) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for n in names:
    s = json.load(open(os.path.join(d, n + ".json")))
    assert s["weight_elements"] == s["parameters"] + s["kept_buffer_elements"], n
    print(f"| {n}.mlir | {s['parameters']:,} | {s['kept_buffer_elements']:,} | {s['weight_constants']} | "
          f"{s['weight_elements']:,} | {s['linalg_ops']} | {s['bytes']:,} | {s['seconds']} ({s['wall_seconds']} wall) |")
print()
for n in names:
    s = json.load(open(os.path.join(d, n + ".json")))
    print(f"- {n}: " + ", ".join(f"{k.split('.', 1)[1]} {v}" for k, v in s["linalg_op_counts"].items()))
PY
