#!/usr/bin/python3
"""Summarises the runs of bench/side-by-side.sh: per workload and round, the Java/PyTorch ratio
of training and of sampling throughput, and the median ratio over the rounds; then per workload
the engine calls per training step and per sampling batch and the outside-kernel shares of each
side (docs/benchmarks.md), from the last round that has them. With --sides X Y it compares sides
X and Y instead (bench/java-ab.sh: two builds of the Java benchmark, "a" and "b"), ratios X/Y.

    /usr/bin/python3 bench/side_by_side_summary.py [--sides X Y] OUT.jsonl
"""

import collections
import json
import statistics
import sys

FIGURES = ("train_images_per_s", "sample_images_per_s")
CALLS = ("engine_calls_per_step", "outside_kernel_share", "engine_calls_per_sample_batch", "sample_outside_kernel_share")


def main(path, first="java", second="pytorch"):
    runs = collections.defaultdict(dict)
    with open(path) as f:
        for line in f:
            if line.strip():
                run = json.loads(line)
                runs[(run["workload"], run["round"])][run["side"]] = run
    by_workload = collections.defaultdict(list)
    for (workload, round_), sides in sorted(runs.items()):
        if first in sides and second in sides:
            by_workload[workload].append((round_, sides[first], sides[second]))
    names = "%s / %s" % ((first[0].upper(), second[0].upper()) if (first, second) == ("java", "pytorch") else (first, second))
    print("%-10s %5s  %-26s %-26s" % ("workload", "round", "train img/s %s = ratio" % names, "sample img/s %s = ratio" % names))
    for workload, pairs in by_workload.items():
        ratios = {figure: [] for figure in FIGURES}
        for round_, java, torch in pairs:
            cells = []
            for figure in FIGURES:
                j, p = java.get(figure), torch.get(figure)
                if j and p:
                    ratios[figure].append(j / p)
                    cells.append("%6.1f / %6.1f = %.2f" % (j, p, j / p))
                else:
                    cells.append("%-26s" % "–")
            print("%-10s %5d  %-26s %-26s" % (workload, round_, cells[0], cells[1]))
        medians = ["median %.2f" % statistics.median(r) if r else "–" for r in ratios.values()]
        print("%-10s %5s  %-26s %-26s" % (workload, "all", medians[0], medians[1]))
    print()
    print("%-10s %-22s %-22s %-22s %-22s" % ("workload", "calls/step " + names, "outside share " + names,
                                             "calls/batch " + names, "sample outside " + names))
    for workload, pairs in by_workload.items():
        counted = [(java, torch) for _, java, torch in pairs if all(java.get(k) is not None for k in CALLS)
                   and all(torch.get(k) is not None for k in CALLS)]
        if counted:
            java, torch = counted[-1]
            print("%-10s %s" % (workload, " ".join("%-22s" % ("%g / %g" % (java[k], torch[k])) for k in CALLS)))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--sides":
        main(sys.argv[4], sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1])
