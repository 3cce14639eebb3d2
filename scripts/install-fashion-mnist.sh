#!/usr/bin/env bash
# Installs the full Fashion-MNIST (60,000 train / 10,000 test IDX files) that the benchmark
# workloads in configs/bench/ read, from Debian's package, into /usr/share/datasets/fashion-mnist/.
# The quickstart and the tests need none of it: they use the subset in data/fashion-mnist-mini.
set -euo pipefail
if [[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]]; then
  echo "Fashion-MNIST is already installed in /usr/share/datasets/fashion-mnist/"
  exit 0
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo=sudo
$sudo apt-get update -qq
$sudo apt-get install -y -qq dataset-fashion-mnist
ls /usr/share/datasets/fashion-mnist/
