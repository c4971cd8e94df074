# Sourced by the ablation scripts: builds egrl-bench from HEAD with one patch
# of this directory applied, in a git worktree under $out/src (made once,
# then rebuilt in place), and sets $bench to it. Needs $root and $out.
# Usage: patched_bench NAME.patch
patched_bench() {
  local src=$out/src
  if [[ ! -d $src ]]; then
    git -C "$root" worktree add --detach "$src" HEAD >/dev/null
    git -C "$src" apply "$root/scripts/ablation/$1"
  fi
  [[ -f $src/build/build.ninja ]] || cmake -G Ninja -S "$src" -B "$src/build" \
    -DCMAKE_BUILD_TYPE=Release -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
  ninja -C "$src/build" egrl-bench >/dev/null
  bench=$src/build/bin/egrl-bench
}
