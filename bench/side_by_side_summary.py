#!/usr/bin/python3
"""Summarises the runs of bench/side-by-side.sh: per workload and round, the Java/PyTorch ratio
of training and of sampling throughput, and the median ratio over the rounds; then per workload
the engine calls per training step and per sampling batch and the outside-kernel shares of each
side (docs/benchmarks.md), from the last round that has them.

    /usr/bin/python3 bench/side_by_side_summary.py OUT.jsonl
"""

import collections
import json
import statistics
import sys

FIGURES = ("train_images_per_s", "sample_images_per_s")
CALLS = ("engine_calls_per_step", "outside_kernel_share", "engine_calls_per_sample_batch", "sample_outside_kernel_share")


def main(path):
    runs = collections.defaultdict(dict)
    with open(path) as f:
        for line in f:
            if line.strip():
                run = json.loads(line)
                runs[(run["workload"], run["round"])][run["side"]] = run
    by_workload = collections.defaultdict(list)
    for (workload, round_), sides in sorted(runs.items()):
        if "java" in sides and "pytorch" in sides:
            by_workload[workload].append((round_, sides["java"], sides["pytorch"]))
    print("%-10s %5s  %-26s %-26s" % ("workload", "round", "train img/s J / P = ratio", "sample img/s J / P = ratio"))
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
    print("%-10s %-22s %-22s %-22s %-22s" % ("workload", "calls/step J / P", "outside share J / P",
                                             "calls/batch J / P", "sample outside J / P"))
    for workload, pairs in by_workload.items():
        counted = [(java, torch) for _, java, torch in pairs if all(java.get(k) is not None for k in CALLS)
                   and all(torch.get(k) is not None for k in CALLS)]
        if counted:
            java, torch = counted[-1]
            print("%-10s %s" % (workload, " ".join("%-22s" % ("%g / %g" % (java[k], torch[k])) for k in CALLS)))


if __name__ == "__main__":
    main(sys.argv[1])
