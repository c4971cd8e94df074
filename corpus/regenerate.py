#!/usr/bin/python3
# ---------------------------------------------------------------------------
# Regenerates the training corpus from scratch: for every model of
# python/egrl_import/corpus_models.py,
#   python/egrl-import torch corpus:NAME -o NAME.mlir --stats ...   (a temp dir)
#   egrl-opt NAME.mlir --egrl-print-graph="json=true granularity=fused|op ..."
# and writes corpus/NAME.json (fused) and corpus/op/NAME.op.json (op), one
# node per line (the graph egrl-opt printed, keys sorted, compact).  Then it
# prints the markdown table of docs/models.md ("Training corpus"), whose
# numbers come from `--egrl-print-graph="element-bytes=1"` (NNP-I's int8).
#
#   /usr/bin/python3 corpus/regenerate.py [-j 2] [NAME...]
#
# Needs Debian's /usr/bin/python3 (torch, torchvision) and a built egrl-opt
# ($EGRL_BUILD_DIR/bin, else build/bin; or --egrl-opt PATH).  Deterministic:
# regenerating gives byte-identical files.  --check compares instead of
# writing (exit 1 if a file would change).
# ---------------------------------------------------------------------------
"""Regenerate corpus/*.json and corpus/op/*.op.json; print the docs table."""

import argparse
import concurrent.futures as cf
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "python"))

SUMMARY = re.compile(r"egrl graph @\w+: (\d+) nodes \((\w+)\), (\d+) MACs, weights (\d+) B.*?"
                     r"peak live activations (\d+) B")


def compact(graph: dict) -> str:
    """The graph as egrl-opt wrote it, one node per line (keys sorted)."""
    head = {k: v for k, v in graph.items() if k != "nodes"}
    lines = [json.dumps(head, sort_keys=True, separators=(",", ":"))[:-1] + ',"nodes":[']
    nodes = [json.dumps(n, sort_keys=True, separators=(",", ":")) for n in graph["nodes"]]
    lines.append(",\n".join(nodes))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return p


def one(name: str, egrl_opt: str, tmp: str, python: str) -> dict:
    t0 = time.perf_counter()
    mlir = os.path.join(tmp, name + ".mlir")
    stats = os.path.join(tmp, name + ".stats.json")
    run([python, os.path.join(REPO, "python", "egrl-import"), "torch", "corpus:" + name, "-o", mlir,
         "--stats", stats])
    s = json.load(open(stats))
    assert s["weight_elements"] == s["parameters"] + s["kept_buffer_elements"], name
    out = {"name": name, "parameters": s["parameters"], "kept_buffers": s["kept_buffer_elements"],
           "mlir_bytes": s["bytes"], "import_seconds": s["seconds"], "files": {}}
    for g in ("fused", "op"):
        js = os.path.join(tmp, f"{name}.{g}.json")
        run([egrl_opt, mlir, "-o", os.devnull,
             f"--egrl-print-graph=json=true granularity={g} output={js}"])
        text = run([egrl_opt, mlir, "-o", os.devnull,
                    f"--egrl-print-graph=element-bytes=1 granularity={g}"]).stdout
        m = SUMMARY.search(text)
        if not m or m.group(2) != g:
            raise RuntimeError(f"{name}: no graph summary in egrl-opt's output:\n{text[:500]}")
        graph = json.load(open(js))
        assert len(graph["nodes"]) == int(m.group(1)), name
        out[g] = {"nodes": int(m.group(1)), "macs": int(m.group(3)), "weight_bytes": int(m.group(4)),
                  "peak_bytes": int(m.group(5))}
        out["files"][g] = compact(graph)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def mib(b):
    return f"{b / 2**20:.2f} MiB" if b >= 2**20 else f"{b / 2**10:.0f} KiB"


def table(results, descriptions) -> str:
    rows = ["| model | what | nodes `fused` | nodes `op` | MACs | weight bytes | peak live activations (`fused`) |"
            " JSON bytes (`fused` + `op`) |",
            "|---|---|---:|---:|---:|---:|---:|---:|"]
    tot = 0
    for r in results:
        f, o = r["fused"], r["op"]
        assert f["macs"] == o["macs"] and f["weight_bytes"] == o["weight_bytes"], r["name"]
        size = sum(len(t.encode()) for t in r["files"].values())
        tot += size
        rows.append(f"| {r['name']} | {descriptions[r['name']]} | {f['nodes']} | {o['nodes']} | {f['macs']:,} | "
                    f"{f['weight_bytes']:,} ({mib(f['weight_bytes'])}) | {f['peak_bytes']:,} ({mib(f['peak_bytes'])}) |"
                    f" {size:,} |")
    nf = sum(r["fused"]["nodes"] for r in results)
    no = sum(r["op"]["nodes"] for r in results)
    rows.append(f"| **{len(results)} graphs** | | {nf:,} | {no:,} | | | | {tot:,} |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*", help="corpus models (default: all)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="models imported in parallel (default 1)")
    ap.add_argument("--egrl-opt", default=None, help="egrl-opt binary (default $EGRL_BUILD_DIR/bin or build/bin)")
    ap.add_argument("--python", default="/usr/bin/python3", help="interpreter with torch (Debian's)")
    ap.add_argument("--check", action="store_true", help="compare with the stored files instead of writing")
    ap.add_argument("--keep-mlir", metavar="DIR", help="keep the imported MLIR files in DIR")
    a = ap.parse_args()

    from egrl_import.corpus_models import CORPUS, EXCLUDED

    names = a.names or list(CORPUS)
    for n in names:
        if n not in CORPUS:
            ap.error(f"unknown corpus model '{n}' (corpus: {', '.join(CORPUS)})")
        assert n not in EXCLUDED
    egrl_opt = a.egrl_opt or os.path.join(os.environ.get("EGRL_BUILD_DIR") or os.path.join(REPO, "build"),
                                          "bin", "egrl-opt")
    if not os.access(egrl_opt, os.X_OK):
        ap.error(f"egrl-opt not found at {egrl_opt} (build first, or pass --egrl-opt)")

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="egrl-corpus-") as tmp:
        work = a.keep_mlir or tmp
        os.makedirs(work, exist_ok=True)
        ex = cf.ThreadPoolExecutor(max_workers=max(1, a.jobs))
        futs = {n: ex.submit(one, n, egrl_opt, work, a.python) for n in names}
        results = []
        try:
            for n in names:
                r = futs[n].result()
                print(f"{n}: {r['fused']['nodes']} nodes fused, {r['op']['nodes']} op ({r['seconds']} s)",
                      file=sys.stderr, flush=True)
                results.append(r)
        except Exception as e:
            ex.shutdown(cancel_futures=True)
            print(f"regenerate: error: {n}: {e}", file=sys.stderr)
            return 1
        ex.shutdown()

    changed = []
    os.makedirs(os.path.join(HERE, "op"), exist_ok=True)
    for r in results:
        for g, text in r["files"].items():
            path = os.path.join(HERE, f"{r['name']}.json" if g == "fused" else os.path.join("op", f"{r['name']}.op.json"))
            old = open(path).read() if os.path.exists(path) else None
            if old != text:
                changed.append(os.path.relpath(path, REPO))
                if not a.check:
                    with open(path, "w") as f:
                        f.write(text)
    if not a.names:  # files of models no longer in the corpus
        known = {f"{n}.json" for n in CORPUS} | {f"{n}.op.json" for n in CORPUS}
        for d in (HERE, os.path.join(HERE, "op")):
            for f in sorted(os.listdir(d)):
                if f.endswith(".json") and f not in known:
                    print(f"warning: {os.path.relpath(os.path.join(d, f), REPO)} is not in the corpus",
                          file=sys.stderr)

    print(table(results, {n: d for n, (_, d) in CORPUS.items()}))
    wall = time.perf_counter() - t0
    verb = "would change" if a.check else "changed"
    print(f"\n{len(results)} models in {wall:.0f} s; {len(changed)} files {verb}"
          + (": " + ", ".join(changed) if changed else ""), file=sys.stderr)
    return 1 if a.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
