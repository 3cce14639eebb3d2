#!/usr/bin/env bash
# Checks that this machine trains on its GPUs (README, "GPU"): builds with -Pgpu, runs `check` and
# 50 training steps of glow32 on device = gpu (then with --workers = the number of GPUs when there
# are several), evaluates the same checkpoint on the GPU and on the CPU (test bits/dim must agree
# within 1e-4), and prints images/s. Exit status 0 when every check passed.
#
#   scripts/gpu-check.sh [--config FILE] [--steps N] [--limit N]
#   scripts/gpu-check.sh --cpu [--workers N] [--no-build] ...   the same checks with device = cpu,
#                                                                for machines without a GPU (and the tests)
#
# ATTNFLOW names the command to run (default ./attnflow); --no-build keeps the current build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
attnflow=${ATTNFLOW:-$here/attnflow}
config=$here/configs/bench/glow32.conf
steps=50
limit=500
device=gpu
workers=""
build=1
while (( $# )); do
  case "$1" in
    --config) config=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --cpu) device=cpu; shift ;;
    --no-build) build=0; shift ;;
    *) echo "gpu-check.sh: unknown option $1 (see the comment at the top of the script)" >&2; exit 2 ;;
  esac
done

fail() { echo "gpu-check.sh: FAILED: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

if [[ $device == gpu ]]; then
  command -v nvidia-smi >/dev/null || fail "nvidia-smi is missing: no NVIDIA driver on this machine"
  gpus=$(nvidia-smi -L | grep -c '^GPU ' || true)
  (( gpus > 0 )) || fail "nvidia-smi lists no GPU"
  workers=${workers:-$gpus}
  nvidia-smi -L
else
  workers=${workers:-1}
fi

if (( build )); then
  step "build (mvn -Pgpu clean package: the CUDA 12.4 engine replaces the CPU one)"
  profile=""; [[ $device == gpu ]] && profile="-Pgpu"
  (cd "$here" && mvn -B -q $profile clean package -DskipTests) || fail "the build failed"
fi

export DJL_OFFLINE=true OPT_OUT_TRACKING=true
out=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
echo "runs in $out"

step "check $config on device = $device"
"$attnflow" check "$config" --set device=$device || fail "check on device = $device"

# Mean images/s of a run's training rows after the first 5 (warm-up).
throughput() { awk -F, '$2 == "train" && $1 > 5 { s += $7; n++ } END { if (n) printf "%.1f", s / n; else print "n/a" }' "$1/metrics.csv"; }
# Test bits/dim printed by evaluate.
bpd() { sed -n 's/.*: test \([0-9.]*\) .*/\1/p' <<<"$1"; }

train() {
  local dir=$1; shift
  "$attnflow" train -c "$config" --steps "$steps" --out "$dir" --set device=$device \
    --set train.eval-every=0 --set train.eval-at-start=false --set train.checkpoint-every=0 --set train.log-every=1 "$@" \
    || fail "training on device = $device $*"
}

step "$steps training steps, one worker"
train "$out/one"
echo "one worker: $(throughput "$out/one") images/s"
if (( workers > 1 )); then
  step "$steps training steps, $workers workers"
  train "$out/workers" --workers "$workers"
  echo "$workers workers: $(throughput "$out/workers") images/s"
fi

step "the same checkpoint evaluated on device = $device and on the CPU ($limit test images)"
cp -r "$out/one" "$out/one-cpu"
echo "device = cpu" >> "$out/one-cpu/config.conf"
a=$("$attnflow" evaluate "$out/one" --checkpoint latest --limit "$limit") || fail "evaluate on device = $device"
b=$("$attnflow" evaluate "$out/one-cpu" --checkpoint latest --limit "$limit") || fail "evaluate on the CPU"
echo "$device: $a"; echo "cpu: $b"
awk -v a="$(bpd "$a")" -v b="$(bpd "$b")" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "difference %.2e bits/dim\n", d; exit (a == "" || b == "" || d > 1e-4) }' \
  || fail "test bits/dim differ by more than 1e-4 between device = $device and the CPU"

echo; echo "gpu-check.sh: all checks passed on device = $device"
