#!/usr/bin/env bash
# The collective's sum all-reduce over loopback (docs/distributed.md): WORKERS worker JVMs on this
# machine, ROUNDS timed rounds per vector length after 3 of warm-up; rank 0 prints one line per length.
#   bench/allreduce.sh [WORKERS] [ROUNDS] [FLOATS...]     (default: 2 20 300000 44000000)
# Needs the built module: mvn -B package -DskipTests.
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true   # the engine is not started here, but never online if it were
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workers=${1:-2}
rounds=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
sizes=("${@:-300000 44000000}")
[[ -f "$here/flow-distributed/target/flow-distributed.jar" ]] || { echo "allreduce.sh: build first (mvn -B package -DskipTests)" >&2; exit 2; }
cp="$here/flow-distributed/target/flow-distributed.jar:$here/flow-cli/target/flow-cli.jar"
for jar in "$here"/flow-distributed/target/lib/*.jar "$here"/flow-cli/target/lib/*.jar; do cp="$cp:$jar"; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pids=()
for (( rank = 0; rank < workers; rank++ )); do
  OMP_NUM_THREADS=1 java -Xmx4g -cp "$cp" org.attnflow.distributed.AllReduceBenchmark \
    "$rank" "$workers" 127.0.0.1 "$port" "$rounds" ${sizes[*]} 2> >(grep -v 'WARNING\|^- \[' >&2) &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
