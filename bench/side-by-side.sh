#!/bin/bash
# Throughput of the Java benchmark against the PyTorch eager reference, measured in pairs.
#
#   bench/side-by-side.sh [--rounds N] [--threads T] [--steps S] OUT.jsonl WORKLOAD...
#
# Each round runs, per workload, `./attnflow bench` and `bench/pytorch/attnflow_bench.py` at the
# same time but taking turns: one training step (or sampling batch) of one side, then one of the
# other, handing a token through two named pipes (`--take-turns`). Both sides thus meet the same
# drift of a shared machine's speed, which swings by tens of percent within seconds here, and
# only one of them computes at any moment. Java gets the first turn in odd rounds, PyTorch in
# even ones. Every run's JSON object is appended to OUT.jsonl with a "side" key; at the end
# bench/side_by_side_summary.py prints each pair's Java/PyTorch ratio and the median ratio per
# workload. Run it on an otherwise idle machine.
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

send() {  # pipe byte: a read-write open of a pipe never waits, even when nobody reads it any more
  exec 3<>"$1"; printf '%s' "$2" >&3; exec 3>&-
}

record() {  # side round: appends the JSON line of a benchmark's output, tagged with side and round
  grep '^{' | sed "s/^{/{\"side\": \"$1\", \"round\": $2, /" >> "$out"
}

pair() {  # workload round: both sides of one workload, taking turns
  local turns; turns="$(mktemp -d)"
  mkfifo "$turns/java" "$turns/pytorch"
  "$here/attnflow" bench "$here/configs/bench/$1.conf" --steps "$steps" --take-turns "$turns" 2>/dev/null \
    | record java "$2" &
  local java=$!
  /usr/bin/python3 "$here/bench/pytorch/attnflow_bench.py" --workload "$1" --steps "$steps" \
    --threads "$threads" --take-turns "$turns" 2>/dev/null | record pytorch "$2" &
  local python=$!
  while [[ ! -e "$turns/java.ready" || ! -e "$turns/pytorch.ready" ]]; do
    if ! kill -0 "$java" 2>/dev/null || ! kill -0 "$python" 2>/dev/null; then break; fi
    sleep 0.2
  done
  if (( $2 % 2 == 1 )); then send "$turns/java" t; else send "$turns/pytorch" t; fi
  # when one side ends (or fails), release the other from waiting for its turn
  wait -n "$java" "$python" || true
  send "$turns/java" d; send "$turns/pytorch" d
  wait "$java" "$python" || true
  rm -rf "$turns"
}

for round in $(seq 1 "$rounds"); do
  for workload in "$@"; do
    pair "$workload" "$round"
    echo "side-by-side: round $round of $rounds, $workload done" >&2
  done
done
/usr/bin/python3 "$here/bench/side_by_side_summary.py" "$out"
