#!/bin/bash
# Throughput of two builds of the Java benchmark measured in lockstep pairs: an A/B of one change.
#
#   bench/java-ab.sh [--rounds N] [--threads T] [--steps S] OUT.jsonl DIR_A DIR_B WORKLOAD...
#
# DIR_A and DIR_B are two checkouts of the project, each built (mvn package; the launcher builds
# one that is not). As bench/side-by-side.sh does for Java against PyTorch, each round runs both
# benchmarks at once but taking turns, one training step or sampling batch at a time, so that
# both meet the same drift of a shared machine's speed; here each side's turn pipes are relayed
# to the other (bench/turn_relay.py), since both speak the Java side of the protocol. A gets the
# first turn in odd rounds, B in even ones. Every run's JSON object is appended to OUT.jsonl with
# "side": "a" or "b"; bench/side_by_side_summary.py --sides b a then prints each pair's B/A ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lockstep.sh"
lockstep_options java-ab "bench/java-ab.sh [--rounds N] [--threads T] [--steps S] OUT.jsonl DIR_A DIR_B WORKLOAD..." 4 "$@"
out="${args[0]}" a="$(cd "${args[1]}" && pwd)" b="$(cd "${args[2]}" && pwd)"

pair() {  # workload round
  local turns; turns="$(mktemp -d)"
  mkdir "$turns/a" "$turns/b"
  mkfifo "$turns/a/java" "$turns/a/pytorch" "$turns/b/java" "$turns/b/pytorch"
  (cd "$a" && ./attnflow bench "configs/bench/$1.conf" --steps "$steps" --take-turns "$turns/a" 2>/dev/null) | record a "$2" &
  local pa=$!
  (cd "$b" && ./attnflow bench "configs/bench/$1.conf" --steps "$steps" --take-turns "$turns/b" 2>/dev/null) | record b "$2" &
  local pb=$!
  /usr/bin/python3 "$here/bench/turn_relay.py" "$turns/a" "$turns/b" $(( $2 % 2 == 1 ? 0 : 1 )) &
  local relay=$!
  wait -n "$pa" "$pb" || true
  # when one side ends (or fails), release the other from waiting for its turn
  send "$turns/a/java" d; send "$turns/b/java" d
  wait "$pa" "$pb" || true
  kill "$relay" 2>/dev/null || true
  wait "$relay" 2>/dev/null || true
  rm -rf "$turns"
}

lockstep_rounds java-ab "${args[@]:3}"
/usr/bin/python3 "$here/bench/side_by_side_summary.py" --sides b a "$out"
