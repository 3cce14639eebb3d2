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
# workload. Run it on an otherwise idle machine. ATTNFLOW_BENCH_ARGS adds options to the Java
# side's `./attnflow bench`, for example "--workers 2" (rank 0 takes the turns, the other worker
# starts each step with it).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lockstep.sh"
lockstep_options side-by-side "bench/side-by-side.sh [--rounds N] [--threads T] [--steps S] OUT.jsonl WORKLOAD..." 2 "$@"
out="${args[0]}"

pair() {  # workload round: both sides of one workload, taking turns
  local turns; turns="$(mktemp -d)"
  mkfifo "$turns/java" "$turns/pytorch"
  # shellcheck disable=SC2086  # ATTNFLOW_BENCH_ARGS is a list of options
  "$here/attnflow" bench "$here/configs/bench/$1.conf" --steps "$steps" --take-turns "$turns" ${ATTNFLOW_BENCH_ARGS:-} 2>/dev/null \
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

lockstep_rounds side-by-side "${args[@]:1}"
/usr/bin/python3 "$here/bench/side_by_side_summary.py" "$out"
