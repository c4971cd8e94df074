"""Markdown table of Google Benchmark repetitions (scripts/bench-speeds.sh).

Per benchmark: the median CPU time per iteration, the range over the
repetitions and the ratio to BM_AnalyticalFull/400 of the same run. Absolute
times move with the machine (2x between two 2-core VMs); the ratios are what
the docs quote as holding.

Usage: /usr/bin/python3 python/speed_table.py COST.json SIM.json > speeds.md
"""
import json
import platform
import statistics
import sys

REFERENCE = "BM_AnalyticalFull/400"


def to_us(value, unit):
    return value * {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[unit]


def load(paths):
    runs, context = {}, None
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        context = context or doc.get("context", {})
        for b in doc["benchmarks"]:
            if b.get("run_type") != "iteration":
                continue  # aggregates are recomputed here
            runs.setdefault(b["run_name"], []).append(
                to_us(b["cpu_time"], b["time_unit"]))
    return runs, context


def machine(context):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    # (context's library_build_type is Google Benchmark's own build, not
    # egrl's: scripts/build.sh builds egrl Release.)
    return "%s, %s cores, %s, egrl built Release" % (
        cpu, context.get("num_cpus", "?"), platform.platform())


def fmt_us(us):
    if us >= 1000:
        return "%.2f ms" % (us / 1000)
    return "%.2f µs" % us if us < 10 else "%.1f µs" % us


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: speed_table.py RESULT.json [RESULT.json ...]")
    runs, context = load(argv[1:])
    if REFERENCE not in runs:
        sys.exit("speed_table.py: %s is missing from the results" % REFERENCE)
    reference = statistics.median(runs[REFERENCE])
    reps = min(len(v) for v in runs.values())
    print("Measured by `scripts/bench-speeds.sh` on %s; %s, %d repetitions "
          "each.\n" % (machine(context), context.get("date", "?"), reps))
    print("| benchmark | median CPU time | range | per second | "
          "× `%s` |" % REFERENCE)
    print("|---|---:|---:|---:|---:|")
    for name, times in runs.items():
        median = statistics.median(times)
        print("| `%s` | %s | %s – %s | %s | %.2f |" % (
            name, fmt_us(median), fmt_us(min(times)), fmt_us(max(times)),
            "{:,.0f}".format(1e6 / median), median / reference))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
