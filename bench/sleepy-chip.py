#!/usr/bin/python3
"""A slow card for scale-out benchmarks (docs/scale-out.md): speaks the
external evaluator protocol (docs/external-evaluator.md) and sleeps SECONDS
per placement, as a device or a vendor simulator would take that long.

Usage: external:bench/sleepy-chip.py SECONDS
"""
import json
import sys
import time

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.02
hello = sys.stdin.readline()
if not hello:
    sys.exit(0)
print("sleepy-chip: graph message of %d bytes" % len(hello), file=sys.stderr,
      flush=True)
print(json.dumps({"ready": True}), flush=True)
try:
    for line in sys.stdin:
        request = json.loads(line)
        time.sleep(seconds)
        print(json.dumps({"id": request["id"], "latency": 1e-3}), flush=True)
except (BrokenPipeError, ConnectionResetError):
    pass  # egrl stopped listening (an interrupted search, the job's end).
