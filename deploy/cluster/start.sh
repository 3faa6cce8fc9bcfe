#!/usr/bin/env bash
# Starts a standalone Spark cluster on 127.0.0.1: one master and N workers, each a JVM of its own
# (executors are JVMs the workers start). Waits until every worker has registered, then prints the
# master URL. PIDs go to $NIGHTSHIFT_CLUSTER_DIR/pids, logs to $NIGHTSHIFT_CLUSTER_DIR/logs;
# deploy/cluster/stop.sh stops them by those PIDs.
#   deploy/cluster/start.sh [WORKERS]          (default 2)
# Environment: NIGHTSHIFT_MASTER_PORT (7077), NIGHTSHIFT_MASTER_UI_PORT (8080),
#   NIGHTSHIFT_WORKER_CORES (1), NIGHTSHIFT_WORKER_MEMORY (1536m), NIGHTSHIFT_CLUSTER_DIR,
#   NIGHTSHIFT_WORKER_OPTS (more -D options for the worker JVMs, e.g. GPU resources).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/env.sh"
workers="${1:-2}"
port="${NIGHTSHIFT_MASTER_PORT:-7077}"
ui_port="${NIGHTSHIFT_MASTER_UI_PORT:-8080}"
cores="${NIGHTSHIFT_WORKER_CORES:-1}"
memory="${NIGHTSHIFT_WORKER_MEMORY:-1536m}"
master="spark://127.0.0.1:$port"
pids="$cluster_dir/pids"
logs="$cluster_dir/logs"
if compgen -G "$pids/*.pid" > /dev/null; then
  echo "start.sh: a cluster seems to run already ($pids holds PID files); deploy/cluster/stop.sh first" >&2
  exit 1
fi
"$here/spark-home.sh" > /dev/null
mkdir -p "$pids" "$logs" "$cluster_dir/work" "$cluster_dir/tmp"
daemon_opts=(-Xmx256m "${java_opens[@]}" -Djava.io.tmpdir="$cluster_dir/tmp"
  -Dlog4j.configurationFile="$SPARK_HOME/conf/log4j2.properties"
  -Dspark.ui.showConsoleProgress=false -Dspark.master.rest.enabled=false)

java "${daemon_opts[@]}" -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port "$ui_port" > "$logs/master.log" 2>&1 &
echo $! > "$pids/master.pid"
for i in $(seq 1 "$workers"); do
  # The worker starts executors with SPARK_HOME/jars on their class path; its work folder holds
  # each executor's stdout, stderr and working directory.
  # NIGHTSHIFT_WORKER_OPTS: more -D options for the workers, e.g. GPU resources:
  # -Dspark.worker.resource.gpu.amount=1 -Dspark.worker.resource.gpu.discoveryScript=deploy/gpu/discover-gpus.sh
  # shellcheck disable=SC2086
  java "${daemon_opts[@]}" ${NIGHTSHIFT_WORKER_OPTS:-} -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port 0 \
    --work-dir "$cluster_dir/work/worker-$i" "$master" > "$logs/worker-$i.log" 2>&1 &
  echo $! > "$pids/worker-$i.pid"
done

deadline=$((SECONDS + ${NIGHTSHIFT_START_TIMEOUT:-90}))
while true; do
  registered=$( (grep -l "Successfully registered with master" "$logs"/worker-*.log 2>/dev/null || true) | wc -l)
  if (( registered == workers )); then
    break
  fi
  for f in "$pids"/*.pid; do
    if ! kill -0 "$(cat "$f")" 2>/dev/null; then
      echo "start.sh: $(basename "$f" .pid) exited; its log: $logs/$(basename "$f" .pid).log" >&2
      tail -20 "$logs/$(basename "$f" .pid).log" >&2
      "$here/stop.sh" >&2
      exit 1
    fi
  done
  if (( SECONDS > deadline )); then
    echo "start.sh: $registered of $workers workers registered in time; logs in $logs" >&2
    "$here/stop.sh" >&2
    exit 1
  fi
  sleep 0.5
done
echo "$master"
