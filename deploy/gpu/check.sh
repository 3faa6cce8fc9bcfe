#!/usr/bin/env bash
# Run on a GPU machine (it also runs on a CPU-only one, and says why it used the CPU):
# which execution providers this ONNX Runtime offers, which one a real inference used on GPU N,
# and the sample model's throughput on CPU and on the GPU.
#   deploy/gpu/check.sh [--gpu N] [--model FILE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gpu=0
model="$root/data-samples/target/samples/mlp/mlp-medium.onnx"
while [ $# -gt 0 ]; do
  case "$1" in
    --gpu) gpu="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "usage: $0 [--gpu N] [--model FILE]" >&2; exit 2 ;;
  esac
done
echo "== GPUs (nvidia-smi)"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv || true
else
  echo "nvidia-smi not found: no NVIDIA driver on this machine"
fi
echo "== GPU discovery script says"
"$root/deploy/gpu/discover-gpus.sh"
echo "== ONNX Runtime"
NIGHTSHIFT_MASTER="local[1]" "$root/deploy/nightshift" check-gpu --model "$model" --gpu "$gpu"
