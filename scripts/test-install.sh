#!/usr/bin/env bash
# Installs a built tree into a temporary prefix, moves the prefix (so only
# relative paths can work), then runs the installed tools from there and
# builds and runs test/Consumer, a project that uses find_package(EGRL).
# ctest runs it as `install-consumer` (test/CMakeLists.txt).
# Usage: scripts/test-install.sh [build dir]   (default: $EGRL_BUILD_DIR or build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${EGRL_BUILD_DIR:-$root/build}}" && pwd)
start=$(date +%s%N)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/egrl-install.XXXXXX")
# EGRL_KEEP_INSTALL_TEST=1 keeps the prefix and logs for a look.
[[ -n ${EGRL_KEEP_INSTALL_TEST:-} ]] || trap 'rm -rf "$tmp"' EXIT
# Only what the installed prefix finds by itself counts.
unset EGRL_TARGETS_DIR EGRL_MODELS_DIR EGRL_POLICIES_DIR EGRL_POLICY_LIBRARY
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
elapsed() {
  local ms=$((($(date +%s%N) - start) / 1000000))
  printf '%d.%01d' $((ms / 1000)) $((ms % 1000 / 100))
}
step() { echo "test-install: [$(elapsed) s] $*"; }

step "cmake --install $build --prefix $tmp/staged"
cmake --install "$build" --prefix "$tmp/staged" >"$tmp/install.log" \
  || { cat "$tmp/install.log"; fail "cmake --install"; }
mkdir "$tmp/moved"
mv "$tmp/staged" "$tmp/moved/egrl"
prefix=$tmp/moved/egrl
data=$prefix/share/egrl

for f in bin/egrl-opt bin/egrl-bench bin/egrl-train bin/egrl-import \
    lib/libEGRLCore.so lib/libEGRLPolicy.so lib/libEGRLPlugin.so \
    lib/libEGRLTransforms.a include/egrl/Transforms/Passes.h \
    include/egrl/Transforms/Passes.h.inc \
    include/egrl/Dialect/EGRL/IR/EGRLAttrs.h.inc \
    lib/cmake/egrl/EGRLConfig.cmake lib/cmake/egrl/EGRLTargets.cmake \
    share/egrl/targets/nnpi-1000.json share/egrl/models/tiny_cnn.mlir \
    share/egrl/models/tiny_cnn-fused.json share/egrl/policies/nnpi-1000.json \
    share/egrl/python/egrl_import/cli.py share/doc/egrl/docs/generated/EGRLPasses.md \
    share/doc/egrl/README.md share/doc/egrl/docs/results/speeds.md \
    share/doc/egrl/policies/README.md; do
  [[ -e $prefix/$f ]] || fail "not installed: $f"
done
# Nothing installed may point back into the build or source tree.
for f in "$prefix"/bin/egrl-* "$prefix"/lib/*.so; do
  runpath=$(readelf -d "$f" 2>/dev/null | grep -E 'RUNPATH|RPATH' || true)
  [[ $runpath != *"$build"* && $runpath != *"$root"* ]] \
    || fail "$f has a build-tree RUNPATH: $runpath"
done
# An empty RUNPATH entry is the current directory to the loader: neither
# installed nor build-tree binaries may have one (cmake/EGRLInstall.cmake).
for f in "$prefix"/bin/egrl-* "$prefix"/lib/*.so "$build"/bin/egrl-* \
  "$build"/lib/*.so; do
  path=$(readelf -d "$f" 2>/dev/null \
    | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p' || true)
  [[ -z $path || ( $path != :* && $path != *: && $path != *::* ) ]] \
    || fail "$f has an empty RUNPATH entry (the current directory): $path"
done
if grep -rq -e "$build" -e "$root" "$prefix/lib/cmake"; then
  fail "the CMake package names the build tree"
fi

# A target, a model and a policy only the moved prefix has: found by name
# only if the tools look next to the installed libEGRLCore.so, not at the
# compiled-in paths.
cp "$data/targets/nnpi-1000.json" "$data/targets/installed-only.json"
cp "$data/models/tiny_cnn.mlir" "$data/models/installed_only.mlir"
cp "$data/policies/nnpi-1000.json" "$data/policies/installed-only.json"

step "installed egrl-opt places a bundled model on a prefix-only target"
"$prefix/bin/egrl-opt" "$data/models/tiny_cnn.mlir" \
  --egrl-memory-placement="strategy=greedy target=installed-only" \
  -o "$tmp/opt.mlir" 2>"$tmp/opt.log" || { cat "$tmp/opt.log"; fail egrl-opt; }
grep -q 'egrl.record = #egrl.record<target = "nnpi-1000"' "$tmp/opt.mlir" \
  || fail "egrl-opt output has no egrl.record"
grep -q 'egrl.placement = #egrl.placement<' "$tmp/opt.mlir" \
  || fail "egrl-opt output has no placement"
"$prefix/bin/egrl-opt" "$data/models/tiny_cnn.mlir" \
  --egrl-memory-placement="target=nnpi-9000" -o /dev/null 2>"$tmp/bad.log" \
  && fail "egrl-opt accepted an unknown target"
grep -q "bundled in $data/targets: .*installed-only" "$tmp/bad.log" \
  || { cat "$tmp/bad.log"; fail "unknown-target error does not list the prefix's targets"; }

step "installed egrl-bench: a bundled model by name, and the LibTorch policy library"
(cd "$tmp" && LD_DEBUG=libs "$prefix/bin/egrl-bench" installed_only \
   --target=installed-only --strategies=greedy,policy \
   --policy=installed-only --seeds=1 --out="$tmp/bench" \
   >"$tmp/bench.out" 2>"$tmp/bench.log") \
  || { grep -v '^ *[0-9]*:' "$tmp/bench.log"; fail egrl-bench; }
for lib in libEGRLCore.so libEGRLPolicy.so; do
  grep -q "calling init: $prefix/bin/../lib/$lib\|calling init: $prefix/lib/$lib" \
    "$tmp/bench.log" || fail "egrl-bench did not load the prefix's $lib"
done
[[ -s $tmp/bench/bench.json ]] || fail "egrl-bench wrote no bench.json"

step "installed egrl-train and egrl-import"
"$prefix/bin/egrl-train" --help >/dev/null || fail "egrl-train --help"
"$prefix/bin/egrl-import" --help >/dev/null || fail "egrl-import --help"
# The installed importer imports, and its output places with the installed
# egrl-opt (Debian's torch is only needed here).
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  "$prefix/bin/egrl-import" torch tiny_cnn -o "$tmp/imported.mlir" \
    >"$tmp/import.log" 2>&1 || fail "egrl-import torch tiny_cnn: $(cat "$tmp/import.log")"
  "$prefix/bin/egrl-opt" "$tmp/imported.mlir" --egrl-memory-placement \
    -o "$tmp/imported-placed.mlir" 2>/dev/null || fail "egrl-opt on the imported model"
  grep -q "egrl.placement" "$tmp/imported-placed.mlir" ||
    fail "the imported model got no placement"
fi

step "mlir-opt with the installed plugin"
mlir_opt=/usr/lib/llvm-22/bin/mlir-opt
if [[ -x $mlir_opt ]]; then
  "$mlir_opt" "$data/models/tiny_cnn.mlir" \
    --load-dialect-plugin="$prefix/lib/libEGRLPlugin.so" \
    --load-pass-plugin="$prefix/lib/libEGRLPlugin.so" \
    --pass-pipeline="builtin.module(egrl-memory-placement{strategy=greedy target=installed-only})" \
    -o "$tmp/plugin.mlir" 2>/dev/null || fail "mlir-opt with the installed plugin"
  cmp -s "$tmp/plugin.mlir" "$tmp/opt.mlir" || fail "plugin and egrl-opt differ"
fi

step "consumer project: find_package(EGRL) + EGRL::Transforms"
cmake -G Ninja -S "$root/test/Consumer" -B "$tmp/consumer" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  >"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; fail "consumer configure"; }
cmake --build "$tmp/consumer" >>"$tmp/consumer.log" 2>&1 \
  || { cat "$tmp/consumer.log"; fail "consumer build"; }
consumer=$tmp/consumer/consumer-opt
# (Whole outputs into variables: `cmd | grep -q` can fail under pipefail
# when grep exits before cmd has written everything.)
listed=$("$consumer" --list-targets)
[[ " $listed " == *" installed-only "* ]] \
  || fail "consumer does not see the prefix's targets: $listed"
"$consumer" "$data/models/tiny_cnn.mlir" \
  --egrl-memory-placement="strategy=greedy target=nnpi-1000" \
  -o "$tmp/consumer.mlir" 2>"$tmp/consumer-run.log" \
  || { cat "$tmp/consumer-run.log"; fail "consumer run"; }
grep -q 'egrl.placement = #egrl.placement<' "$tmp/consumer.mlir" \
  || fail "consumer output has no placement"
libs=$(ldd "$consumer")
[[ $libs == *"libEGRLCore.so => $prefix/lib/libEGRLCore.so"* ]] \
  || fail "consumer does not use the prefix's libEGRLCore.so: $libs"

echo "test-install: PASS in $(elapsed) s (install, tools, plugin, consumer build and run)"
