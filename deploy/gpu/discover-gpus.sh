#!/usr/bin/env bash
# GPU discovery for Spark (spark.executor.resource.gpu.discoveryScript and
# spark.worker.resource.gpu.discoveryScript): prints the GPU ordinals nvidia-smi sees as the JSON
# Spark expects, e.g. {"name": "gpu", "addresses": ["0","1"]}. With no nvidia-smi or no GPU it
# prints an empty list and says why on stderr, so an executor that asked for a GPU fails to start
# with that reason instead of running on the CPU unnoticed.
set -u
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "discover-gpus: nvidia-smi not found on $(hostname): no GPU addresses" >&2
  echo '{"name": "gpu", "addresses": []}'
  exit 0
fi
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' | grep -E '^[0-9]+$' || true)
if [ -z "$ids" ]; then
  echo "discover-gpus: nvidia-smi lists no GPU on $(hostname)" >&2
fi
printf '{"name": "gpu", "addresses": ['
sep=""
for id in $ids; do printf '%s"%s"' "$sep" "$id"; sep=","; done
printf ']}\n'
