"""Times Celery chords of no-op tasks with a collecting callback, the same job shape as a Braid fan-out.

Reads commands on stdin, one per line: "BRANCHES CHORDS" runs CHORDS chords one after another and prints a JSON
line {"branches": B, "chords": C, "millis": [...], "median": M}. "quit" ends.
"""
import json
import statistics
import sys
import time

from celery import chord

from braid_bench_tasks import collect, noop


def run_chord(branches):
    start = time.perf_counter()
    result = chord(noop.s(i) for i in range(branches))(collect.s())
    joined = result.get(timeout=120)
    elapsed = (time.perf_counter() - start) * 1000
    if joined["branches"] != branches:
        raise RuntimeError(f"the callback saw {joined['branches']} of {branches} results")
    return elapsed


print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    line = line.strip()
    if not line or line == "quit":
        break
    branches, chords = (int(x) for x in line.split())
    millis = [run_chord(branches) for _ in range(chords)]
    print(json.dumps({"branches": branches, "chords": chords, "millis": millis,
                      "median": statistics.median(millis)}), flush=True)
