#!/usr/bin/env bash
# Stops the cluster deploy/cluster/start.sh started, by the PIDs it recorded: workers first (each
# kills its executors), then the master. TERM, then KILL after 20 s.
#   deploy/cluster/stop.sh
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
pids="$cluster_dir/pids"
stop() {
  local f="$1" pid
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"
    fi
  fi
  rm -f "$f"
}
for f in "$pids"/worker-*.pid; do
  [[ -e "$f" ]] && stop "$f"
done
[[ -e "$pids/master.pid" ]] && stop "$pids/master.pid"
exit 0
