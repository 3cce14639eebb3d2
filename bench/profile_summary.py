#!/usr/bin/python3
"""Summarises an operator trace (Chrome trace JSON from PyTorch's profiler): per operator, how
many calls and how much self time, split into top-level calls (what the program asked for) and
nested ones. Works on the trace of `./attnflow bench ... --profile FILE` and of
`bench/pytorch/attnflow_bench.py ... --profile FILE`, so the two can be compared line by line.

    /usr/bin/python3 bench/profile_summary.py TRACE.json [--steps 3] [--top 30]

`engine_calls` is the count both benchmarks report as engine calls and time inside the engine
(docs/benchmarks.md, "Engine calls and time outside kernels"); the Java side's EngineCalls reads
its trace by the same rule.
"""

import argparse
import collections
import json

ENGINE_PREFIXES = ("aten::", "autograd::")  # operators, and the autograd engine's backward nodes


def load(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    return [e for e in events if e.get("ph") == "X" and "dur" in e]


def self_times(events):
    """Per event: [event, its duration minus that of its direct children, whether it is top-level].

    Nesting is by time on one thread, bounds included (PyTorch's legacy profiler in Python writes
    whole microseconds, so a child may end in the same microsecond as its parent)."""
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[e.get("tid")].append(e)
    result = []
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []
        for e in thread_events:
            start, end = float(e["ts"]), float(e["ts"]) + float(e["dur"])
            while stack and (stack[-1][1] < end or stack[-1][0] > start):
                stack.pop()
            record = [e, float(e["dur"]), len(stack) == 0]
            if stack:
                stack[-1][2][1] -= float(e["dur"])
            result.append(record)
            stack.append((start, end, record))
    return result


def engine_calls(events):
    """(calls, microseconds): the engine events (names starting aten:: or autograd::) that no
    other engine event encloses, and their summed durations. Other events (the program's own
    record_function scopes, such as PyTorch's Optimizer.step#Adam.step) are transparent."""
    engine = [e for e in events if e["name"].startswith(ENGINE_PREFIXES)]
    top = [e for e, _, is_top in self_times(engine) if is_top]
    return len(top), sum(float(e["dur"]) for e in top)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace")
    ap.add_argument("--steps", type=int, default=3, help="training steps in the trace (figures are per step)")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    events = load(args.trace)
    records = self_times(events)
    calls, top_calls, self_us = collections.Counter(), collections.Counter(), collections.Counter()
    for e, self_dur, top in records:
        calls[e["name"]] += 1
        self_us[e["name"]] += self_dur
        if top:
            top_calls[e["name"]] += 1
    n = args.steps
    total = sum(self_us.values())
    engine, engine_us = engine_calls(events)
    print(f"{args.trace}: {len(records) / n:.0f} operator calls per step, "
          f"{sum(top_calls.values()) / n:.0f} of them top-level; {engine / n:.0f} engine calls "
          f"({engine_us / n / 1000:.1f} ms); self time {total / n / 1000:.1f} ms per step")
    print(f"{'operator':40s} {'calls/step':>10s} {'top/step':>9s} {'self ms/step':>12s} {'share':>6s}")
    for name, us in self_us.most_common(args.top):
        print(f"{name[:40]:40s} {calls[name] / n:10.1f} {top_calls[name] / n:9.1f} {us / n / 1000:12.2f} {us / total:6.1%}")


if __name__ == "__main__":
    main()
