#!/usr/bin/python3
"""Compares the oneDNN primitives two runs executed: per primitive kind, propagation and problem
(shapes, kernel, padding), the summed execution time of each run, divided by a number of steps.

    ONEDNN_VERBOSE=1 ./attnflow bench CONFIG --steps 63 > java.log 2>&1
    ONEDNN_VERBOSE=1 bench/pytorch/attnflow_bench.py --workload W --steps 63 > python.log 2>&1
    /usr/bin/python3 bench/onednn_summary.py java.log python.log [--per 63] [--top 40]

With ONEDNN_VERBOSE=1 oneDNN prints one line per primitive it executes, ending with the problem
descriptor and the execution time in milliseconds. Both oneDNN versions in use here write such
lines ("onednn_verbose,primitive,exec,cpu,KIND,IMPLEMENTATION,PROPAGATION,...,PROBLEM,MS" from
libtorch 2.5 and "onednn_verbose,exec,cpu,KIND,..." from PyTorch 1.13); the parser keys on the
field after "cpu". Runs with the same schedule (steps, sampling batches) compare directly; --per
turns totals into a per-step figure. The times are those of the primitives alone: what runs in
ATen's own kernels and between calls is not in them, so a lower oneDNN total need not mean a
faster step (docs/benchmarks.md, "oneDNN primitives side by side").
"""

import argparse
import collections


def primitive_times(path):
    """{(kind, propagation, problem): (milliseconds, executions)} of one verbose log, and the
    implementation oneDNN chose for each key (the last one seen)."""
    times, counts, chosen = collections.Counter(), collections.Counter(), {}
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("onednn_verbose") or ",exec,cpu," not in line:
                continue
            fields = line.rstrip("\n").split(",")
            at = fields.index("cpu")
            try:
                ms = float(fields[-1])
            except ValueError:
                continue  # a header line
            kind, implementation, propagation = fields[at + 1], fields[at + 2], fields[at + 3]
            key = (kind, propagation if propagation != "undef" else "", fields[-2])
            times[key] += ms
            counts[key] += 1
            chosen[key] = implementation
    return times, counts, chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="verbose log of the first run (shown as A)")
    ap.add_argument("b", help="verbose log of the second run (shown as B)")
    ap.add_argument("--per", type=float, default=1.0, help="divide every total by this (for example the steps)")
    ap.add_argument("--top", type=int, default=40, help="problems listed, largest summed time first")
    args = ap.parse_args()
    a, a_count, a_impl = primitive_times(args.a)
    b, b_count, b_impl = primitive_times(args.b)
    if not a or not b:
        empty = args.a if not a else args.b
        raise SystemExit(f"{empty}: no oneDNN execution lines (was ONEDNN_VERBOSE=1 set?)")
    per = args.per
    print(f"{'kind':12s} {'A ms':>9s} {'B ms':>9s} {'A calls':>8s} {'B calls':>8s}   (divided by {per:g})")
    for kind in sorted({k[0] for k in a} | {k[0] for k in b}):
        ta = sum(v for k, v in a.items() if k[0] == kind)
        tb = sum(v for k, v in b.items() if k[0] == kind)
        ca = sum(v for k, v in a_count.items() if k[0] == kind)
        cb = sum(v for k, v in b_count.items() if k[0] == kind)
        print(f"{kind:12s} {ta / per:9.2f} {tb / per:9.2f} {ca / per:8.1f} {cb / per:8.1f}")
    print(f"{'all':12s} {sum(a.values()) / per:9.2f} {sum(b.values()) / per:9.2f}")
    print()
    print(f"{'problem':58s} {'propagation':17s} {'A ms':>8s} {'B ms':>8s}  implementations A | B")
    keys = sorted(set(a) | set(b), key=lambda k: -(a[k] + b[k]))
    for key in keys[: args.top]:
        kind, propagation, problem = key
        label = problem if kind == "convolution" else f"{kind} {problem}"
        print(f"{label[:58]:58s} {propagation[:17]:17s} {a[key] / per:8.2f} {b[key] / per:8.2f}  "
              f"{a_impl.get(key, '-')} | {b_impl.get(key, '-')}")


if __name__ == "__main__":
    main()
