#!/bin/bash
# Throughput of the Java benchmark against the PyTorch eager reference, measured in pairs.
#
#   bench/side-by-side.sh [--rounds N] [--threads T] [--steps S] OUT.jsonl WORKLOAD...
#
# Each round runs, per workload, `./attnflow bench` and `bench/pytorch/attnflow_bench.py` back to
# back, Java first in odd rounds and PyTorch first in even ones, so that a drift of the machine's
# speed hits both sides alike. Every run's JSON object is appended to OUT.jsonl with a "side"
# key; at the end bench/side_by_side_summary.py prints each pair's Java/PyTorch ratio and the
# median ratio per workload. Run it on an otherwise idle machine.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds=5 threads=2 steps=70
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    *) echo "side-by-side: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 2 ]]; then
  echo "usage: bench/side-by-side.sh [--rounds N] [--threads T] [--steps S] OUT.jsonl WORKLOAD..." >&2
  exit 2
fi
out="$1"; shift
export OMP_NUM_THREADS="$threads"

java_side() {
  "$here/attnflow" bench "$here/configs/bench/$1.conf" --steps "$steps" 2>/dev/null | grep '^{' \
    | sed "s/^{/{\"side\": \"java\", \"round\": $2, /" >> "$out"
}
python_side() {
  /usr/bin/python3 "$here/bench/pytorch/attnflow_bench.py" --workload "$1" --steps "$steps" \
    --threads "$threads" 2>/dev/null | grep '^{' \
    | sed "s/^{/{\"side\": \"pytorch\", \"round\": $2, /" >> "$out"
}

for round in $(seq 1 "$rounds"); do
  for workload in "$@"; do
    if (( round % 2 == 1 )); then
      java_side "$workload" "$round"; python_side "$workload" "$round"
    else
      python_side "$workload" "$round"; java_side "$workload" "$round"
    fi
    echo "side-by-side: round $round of $rounds, $workload done" >&2
  done
done
/usr/bin/python3 "$here/bench/side_by_side_summary.py" "$out"
