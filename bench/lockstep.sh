# Shared by bench/side-by-side.sh and bench/java-ab.sh (sourced, not run): their options, the
# pipe writes of the turn protocol and the recording of each run's JSON line.
#
#   lockstep_options NAME USAGE MIN_ARGS "$@"   sets rounds, threads, steps and args (the rest);
#                                              exports OMP_NUM_THREADS
#   send PIPE BYTE                             writes one byte to a pipe without waiting for a reader
#   record SIDE ROUND                          appends stdin's JSON line to $out, tagged with side and round
#   lockstep_rounds NAME WORKLOAD...           runs `pair WORKLOAD ROUND` for every round and workload

lockstep_options() {
  local name="$1" usage="$2" min="$3"; shift 3
  rounds=5 threads=2 steps=70
  while [[ $# -gt 0 && "$1" == --* ]]; do
    case "$1" in
      --rounds) rounds="$2"; shift 2 ;;
      --threads) threads="$2"; shift 2 ;;
      --steps) steps="$2"; shift 2 ;;
      *) echo "$name: unknown option $1" >&2; exit 2 ;;
    esac
  done
  if [[ $# -lt $min ]]; then
    echo "usage: $usage" >&2
    exit 2
  fi
  args=("$@")
  export OMP_NUM_THREADS="$threads"
}

send() {  # pipe byte: a read-write open of a pipe never waits, even when nobody reads it any more
  exec 3<>"$1"; printf '%s' "$2" >&3; exec 3>&-
}

record() {  # side round: appends the JSON line of a benchmark's output, tagged with side and round
  grep '^{' | sed "s/^{/{\"side\": \"$1\", \"round\": $2, /" >> "$out"
}

lockstep_rounds() {  # name workload...: every workload in every round, in order
  local name="$1"; shift
  for round in $(seq 1 "$rounds"); do
    for workload in "$@"; do
      pair "$workload" "$round"
      echo "$name: round $round of $rounds, $workload done" >&2
    done
  done
}
