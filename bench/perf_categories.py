#!/usr/bin/python3
"""Sums a system-wide CPU profile of a lockstep pair by process and by where the time went.

    perf record -a -F 1000 -o pair.data -- bench/side-by-side.sh --rounds 1 --steps 63 pair.jsonl glow32
    /usr/bin/python3 bench/perf_categories.py pair.data

Prints, for the two busiest processes (the Java benchmark and the PyTorch reference), the number
of samples per category: code generated at run time (oneDNN's kernels, and the JVM's compiled
Java unless the JVM wrote a perf map), libtorch split into oneDNN/MKL, elementwise kernels,
autograd and the rest (only where libtorch has symbols: DJL's does, Debian's does not), OpenMP
(libgomp: mostly a waiting thread spinning), malloc and free, the kernel, the Python interpreter
and the JVM with DJL's JNI library, each shown when it holds at least 0.5% of a process's
samples. Both sides take turns in one pair, so they meet the same
machine and their counts compare directly.
"""

import collections
import re
import subprocess
import sys

ALLOCATOR = ("malloc", "free", "unlink", "consolidate", "_int_", "sysmalloc", "memalign", "tcache")


def category(symbol, library):
    if library.startswith("perf-") or library in ("[unknown]", "") or "JIT" in library:
        return "run-time generated code"
    if "libtorch_cpu" in library:
        if "dnnl" in symbol or "mkl" in symbol:
            return "libtorch: oneDNN/MKL"
        if "VectorizedLoop" in symbol or "kernel" in symbol or "Sleef" in symbol:
            return "libtorch: kernels"
        if "autograd" in symbol:
            return "libtorch: autograd"
        return "libtorch: other"
    if library.startswith("libc.so"):
        return "libc: malloc/free" if any(s in symbol for s in ALLOCATOR) else "libc: other"
    if library.startswith("libgomp"):
        return "libgomp (OpenMP)"
    if library.startswith("python3") or "libtorch_python" in library:
        return "Python interpreter"
    if library.startswith("libjvm") or "djl_torch" in library:
        return "JVM and DJL's JNI"
    return library


def main():
    out = subprocess.run(["perf", "script", "-i", sys.argv[1], "-G", "-F", "pid,tid,ip,sym,dso"],
                         capture_output=True, text=True, check=True).stdout
    counts = collections.defaultdict(collections.Counter)
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)/(\d+)\s+[0-9a-f]+\s+(.*?)\s*\((.*)\)$", line)
        if m:
            pid, symbol, library = int(m.group(1)), m.group(3), m.group(4).split("/")[-1]
            counts[pid][category(symbol, library)] += 1
            counts[pid]["total"] += 1
    busiest = sorted(counts, key=lambda p: -counts[p]["total"])[:2]
    keys = sorted({k for p in busiest for k in counts[p]}, key=lambda k: -sum(counts[p][k] for p in busiest))
    print("%-26s" % "samples", *("%12s" % ("pid %d" % p) for p in busiest))
    for k in keys:  # the categories of at least 0.5% of either process's samples
        if all(counts[p][k] < 0.005 * counts[p]["total"] for p in busiest):
            continue
        print("%-26s" % k, *("%12d" % counts[p][k] for p in busiest))


if __name__ == "__main__":
    main()
