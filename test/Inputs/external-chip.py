"""A stand-in chip for the external evaluator's tests (docs/external-evaluator.md).

Latency in microseconds: 1 + the number of tensors outside the fastest level
(weights of nodes that have weights, and every output). A mode argument makes
it misbehave the ways a real measurement command can.
"""
import json
import os
import signal
import sys
import time

# EXTERNAL_CHIP_QUIET: nothing on stderr, whose lines would interleave with
# the tool's own message a test checks (an interrupted egrl-train).
if os.environ.get("EXTERNAL_CHIP_QUIET"):
    sys.stderr = open(os.devnull, "w")

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
if mode == "exit":
    sys.exit(3)

hello = json.loads(sys.stdin.readline())
assert hello["egrl"] == "external-evaluator" and hello["version"] == 1
nodes = hello["graph"]["nodes"]
# Sizes as egrl places them: the toy target's int8 override applies.
assert hello["target"]["element_bytes"] == 1
assert hello["node_bytes"]["weights"] == [n["weight_elements"] for n in nodes]
fastest = hello["target"]["levels"][0]["name"]
# refuse-second: refuses the graph of a function called second only.
if mode == "refuse" or (mode == "refuse-second" and
                        hello["graph"]["name"] == "second"):
    print(json.dumps({"error": "this chip has no %s" % fastest}), flush=True)
    sys.exit(0)
# ready-error: ready, with an "error" that is not a string beside it.
if mode == "ready-error":
    print(json.dumps({"ready": True, "error": None}), flush=True)
    sys.exit(0)
# ready-twice: "ready" twice in one answer, the last true.
if mode == "ready-twice":
    print('{"ready": false, "ready": true}', flush=True)
    sys.exit(0)
# Retired: the first three processes measure; later ones (counted in the
# file $EXTERNAL_CHIP_COUNT) exit at their first request ("retired"), or
# before they answer the graph ("retired-early", a chip that is gone).
retired = False
if mode in ("retired", "retired-early"):
    path = os.environ["EXTERNAL_CHIP_COUNT"]
    started = int(open(path).read()) if os.path.exists(path) else 0
    open(path, "w").write(str(started + 1))
    retired = started >= 3
    if retired and mode == "retired-early":
        sys.exit(3)
# silent: never answers, as a script that does not flush its output into a
# pipe.
if mode == "silent":
    time.sleep(60)
print(json.dumps({"ready": True}), flush=True)
if mode == "hang":
    time.sleep(60)


# Linger: ignores the end of its input, and takes 0.05 s to clean up on
# SIGTERM (writing $EXTERNAL_CHIP_CLEANED when done), as a command that
# releases a device would.
if mode == "linger":
    def clean_up(*_):
        time.sleep(0.05)
        open(os.environ["EXTERNAL_CHIP_CLEANED"], "w").close()
        sys.exit(0)
    signal.signal(signal.SIGTERM, clean_up)

# Every mode counts its starts in $EXTERNAL_CHIP_COUNT when it is set.
if "EXTERNAL_CHIP_COUNT" in os.environ and mode not in ("retired",
                                                        "retired-early"):
    path = os.environ["EXTERNAL_CHIP_COUNT"]
    started = int(open(path).read()) if os.path.exists(path) else 0
    open(path, "w").write(str(started + 1))

answered = 0
for line in sys.stdin:
    # Orphan: ends at its first request, leaving a process that holds its
    # output open, so no answer and no end of output ever come.
    if mode == "orphan":
        import subprocess
        subprocess.Popen(["sleep", "30"])
        sys.exit(3)
    if retired:
        sys.exit(3)
    request = json.loads(line)
    placed = request["placement"]["nodes"]
    assert len(placed) == len(nodes)
    slow = sum(1 for node, p in zip(nodes, placed)
               if node["weight_elements"] > 0 and p["weights"] != fastest)
    slow += sum(1 for p in placed if p["output"] != fastest)
    if mode == "garbage":
        print("latency: fast", flush=True)
        continue
    # die [N]: exits at its (N+1)th request (N = 3 by default).
    dies_after = int(sys.argv[2]) if mode == "die" and len(sys.argv) > 2 else 3
    if (mode == "die" or (mode == "die-second" and
                          hello["graph"]["name"] == "second")) and \
            answered == dies_after:
        sys.exit(4)
    # Flaky: the first run dies at its 4th answer; restarted, it works.
    if mode == "flaky" and answered == 3 and not os.path.exists(
            os.environ["EXTERNAL_CHIP_FLAKED"]):
        open(os.environ["EXTERNAL_CHIP_FLAKED"], "w").close()
        sys.exit(5)
    if mode == "interrupt" and answered == 5:
        # Ctrl-C on egrl-opt: the nearest ancestor that is not a shell.
        with open(os.environ["EXTERNAL_CHIP_PID"], "w") as f:
            f.write(str(os.getpid()))
        pid = os.getppid()
        while os.path.basename(os.readlink("/proc/%d/exe" % pid)) in (
                "sh", "dash", "bash"):
            pid = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1])
        os.kill(pid, signal.SIGINT)
    answered += 1
    # Before the answer, so the line comes out before egrl's remark.
    print("external-chip: measured %d" % answered, file=sys.stderr, flush=True)
    try:
        if mode == "twice":
            # Two answers without an id, in one write (so both have arrived
            # by the next request): the second would be taken for its.
            sys.stdout.write(json.dumps({"latency": (1 + slow) * 1e-6}) +
                             "\n" + json.dumps({"latency": 1e-9}) + "\n")
            sys.stdout.flush()
            continue
        answer = {"id": request["id"], "latency": (1 + slow) * 1e-6}
        # drift: each measurement 10% slower than the one before, a chip
        # whose measurements of one placement differ.
        if mode == "drift":
            answer["latency"] *= 1 + 0.1 * answered
        # invalid-after-first: runs the first placement (native), then no
        # other.
        if mode == "invalid" or (mode == "invalid-after-first" and
                                 answered > 1):
            answer["valid"] = False
        if mode == "absurd" and answered == 2:  # seconds taken for microseconds, twice over
            answer["latency"] = 1e300
        # error KIND: the second answer reports an error of type KIND, with
        # the fastest latency of all beside it.
        if mode == "error" and answered == 2:
            answer["latency"] = 1e-6
            answer["error"] = {"string": "ECC fault", "null": None,
                               "true": True,
                               "object": {"code": 17, "msg": "ECC fault"}
                               }[sys.argv[2]]
        # repeat KEY: the second answer gives KEY twice, the last one what
        # a measurement would say (json.dumps cannot repeat a key).
        if mode == "repeat" and answered == 2:
            first = {"latency": '"latency": 9e-06',
                     "id": '"id": 999'}[sys.argv[2]]
            print('{%s, "id": %d, "latency": 1e-06}' % (first, request["id"]),
                  flush=True)
            continue
        print(json.dumps(answer), flush=True)
    except BrokenPipeError:
        sys.exit(0)  # egrl stopped listening (an interrupted search).
if mode == "linger":
    time.sleep(30)
