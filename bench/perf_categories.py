#!/usr/bin/python3
"""Sums a CPU profile by process (or by thread) and by where the time went.

    perf record -a -F 1000 -o pair.data -- bench/side-by-side.sh --rounds 1 --steps 63 pair.jsonl glow32
    /usr/bin/python3 bench/perf_categories.py pair.data

Prints, for the two busiest processes (the Java benchmark and the PyTorch reference), the number
of samples per category: code generated at run time (oneDNN's kernels, and the JVM's compiled
Java unless the JVM wrote a perf map), libtorch split into oneDNN/MKL, ATen's elementwise and
reduction loops, autograd and the rest (dispatch, allocation of tensors, the profiler; only where
libtorch has symbols: DJL's does, Debian's does not), OpenMP (libgomp: mostly a waiting thread
spinning), malloc and free, the kernel, the Python interpreter and the JVM with DJL's JNI library,
each shown when it holds at least 0.5% of a column's samples. Both sides take turns in one pair,
so they meet the same machine and their counts compare directly.

    perf record -F 2000 -o short.data -- ./attnflow bench configs/bench/glow32.conf --steps 63
    perf record -F 2000 -o long.data -- ./attnflow bench configs/bench/glow32.conf --steps 163
    /usr/bin/python3 bench/perf_categories.py --threads long.data --minus short.data

`--threads` gives the two busiest threads of the busiest process instead (the thread that calls
the engine and the engine's OpenMP worker), with each category's share of the column. `--minus`
subtracts another profile of the same command, thread by thread in order of their samples: two
runs that differ only in their number of training steps leave the steps alone, without start-up,
data loading or the sampling at the end.
"""

import argparse
import collections
import re
import subprocess

ALLOCATOR = ("malloc", "free", "unlink", "consolidate", "_int_", "sysmalloc", "memalign", "tcache")
JVM_LIBRARIES = ("libjvm", "libjava", "libnio", "libnet", "libzip", "libjimage", "libverify")
ATEN_LOOPS = ("VectorizedLoop", "callback_fn", "Sleef", "cascade_sum", "serial_for_each")
# one sample: "pid/tid  address  symbol (library)"; C++ symbols hold parentheses of their own
SAMPLE = re.compile(r"\s*(\d+)/(\d+)\s+[0-9a-f]+\s+(.*)\s+\(([^()]*)\)$")


def category(symbol, library):
    if library.startswith("perf-") or library in ("[unknown]", "") or "JIT" in library:
        return "run-time generated code"
    if "libtorch_cpu" in library:
        if "dnnl" in symbol or "mkl" in symbol:
            return "libtorch: oneDNN/MKL"
        if any(s in symbol for s in ATEN_LOOPS):
            return "libtorch: ATen loops"
        if "autograd" in symbol:
            return "libtorch: autograd"
        return "libtorch: other"
    if library.startswith("libc.so"):
        return "libc: malloc/free" if any(s in symbol for s in ALLOCATOR) else "libc: other"
    if library.startswith("libgomp"):
        return "libgomp (OpenMP)"
    if library.startswith("python3") or "libtorch_python" in library:
        return "Python interpreter"
    if library.startswith(JVM_LIBRARIES) or "djl_torch" in library:
        return "JVM and DJL's JNI"
    return library


def columns(path, threads):
    """Per process (or per thread of the busiest process), its category counts; busiest first."""
    out = subprocess.run(["perf", "script", "-i", path, "-G", "-F", "pid,tid,ip,sym,dso"],
                         capture_output=True, text=True, check=True).stdout
    counts = collections.defaultdict(collections.Counter)
    for line in out.splitlines():
        m = SAMPLE.match(line)
        if m:
            key = (int(m.group(1)), int(m.group(2)))
            counts[key][category(m.group(3), m.group(4).split("/")[-1])] += 1
            counts[key]["total"] += 1
    if not threads:
        by_pid = collections.defaultdict(collections.Counter)
        for (pid, _), c in counts.items():
            by_pid[pid].update(c)
        return [("pid %d" % p, by_pid[p]) for p in sorted(by_pid, key=lambda p: -by_pid[p]["total"])[:2]]
    pid_totals = collections.Counter()
    for (pid, _), c in counts.items():
        pid_totals[pid] += c["total"]
    busiest = pid_totals.most_common(1)[0][0]
    mine = sorted((k for k in counts if k[0] == busiest), key=lambda k: -counts[k]["total"])[:2]
    return [("tid %d" % k[1], counts[k]) for k in mine]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("profile", help="perf.data of the run")
    ap.add_argument("--threads", action="store_true", help="the two busiest threads of the busiest process")
    ap.add_argument("--minus", metavar="BASE", help="subtract this profile's columns (matched busiest first)")
    args = ap.parse_args()
    cols = columns(args.profile, args.threads)
    if args.minus:
        base = columns(args.minus, args.threads)
        cols = [(name + " - " + b_name, collections.Counter({k: c[k] - b[k] for k in c.keys() | b.keys()}))
                for (name, c), (b_name, b) in zip(cols, base)]
    keys = sorted({k for _, c in cols for k in c if k != "total"}, key=lambda k: -sum(c[k] for _, c in cols))
    print("%-26s" % "samples", *("%24s" % name for name, _ in cols))
    print("%-26s" % "total", *("%24d" % c["total"] for _, c in cols))
    for k in keys:  # the categories of at least 0.5% of some column's samples
        if all(c[k] < 0.005 * c["total"] for _, c in cols):
            continue
        print("%-26s" % k, *("%16d %6.1f%%" % (c[k], 100 * c[k] / c["total"]) for _, c in cols))


if __name__ == "__main__":
    main()
