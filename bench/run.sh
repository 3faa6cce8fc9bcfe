#!/usr/bin/env bash
# Nightshift benchmark: ceiling (plain ONNX Runtime), Nightshift (noop and Parquet sinks),
# SynapseML's ONNXModel (its own JVM) and a row-at-a-time UDF, on the same rows and models.
#   bench/run.sh            full run: 1M rows per MLP case, 2,000 paragraphs per MiniLM case, the planned-partition
#                           case when the build has it (~17-18 min, 2 quiet cores); the report ends with verdicts
#   bench/run.sh --quick    100k rows and 256 paragraphs, a check that the harness works
#   bench/run.sh --memory   5M rows, heap capped at 1 GB, 4 vs 64 partitions (--memory-quick: 500k)
#   ... --results DIR       write the report there instead of bench/results/<UTC date>
#   bench/run.sh --redraw DIR   draw the charts of DIR again from its report.md
#   bench/run.sh --sink-profile   where the Parquet sink's time goes (medium MLP, 1M and 10M rows; -quick: 100k, 1M)
#   BENCH_MODELS=minilm-int8,small bench/run.sh [--quick]   only these models (small, medium, minilm-int8,
#                           minilm-fp32, minilm-int8-dynamic, bge-fp32, bge-int8-dynamic,
#                           embeddings-sample, ocr-rec); an unknown name stops the run
# Writes bench/results/<UTC date>/report.md (+ chart.png, memory.md); logs in bench/target/work/logs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mode="${1:---full}"
shift || true   # the rest (e.g. --results DIR) goes to the harness
case "$mode" in
  --full|--quick|--memory|--memory-quick|--sink-profile|--sink-profile-quick|--redraw) ;;
  *) echo "usage: bench/run.sh [--full | --quick | --memory | --memory-quick | --sink-profile | --sink-profile-quick | --redraw DIR] [--results DIR]" >&2; exit 2 ;;
esac
logs="$root/bench/target/work/logs"
tmp="$root/bench/target/tmp"
mkdir -p "$logs" "$tmp"

echo "[bench] building the harness (mvn -pl bench -am package) ..."
if ! mvn -o -B -q -pl bench -am package -DskipTests > "$logs/build.log" 2>&1; then
  mvn -B -q -pl bench -am package -DskipTests > "$logs/build.log" 2>&1 \
    || { echo "[bench] build failed, see $logs/build.log" >&2; tail -20 "$logs/build.log" >&2; exit 1; }
fi

peer=()
if [[ "$mode" == --full || "$mode" == --quick ]]; then
  echo "[bench] building the SynapseML peer (bench/peers/synapseml, Spark 3.5 / Scala 2.12) ..."
  peer_dir="$root/bench/peers/synapseml"
  if (cd "$peer_dir" && { mvn -o -B -q package -DskipTests || mvn -B -q package -DskipTests; }) > "$logs/synapseml-build.log" 2>&1; then
    peer=(--synapseml "$peer_dir")
  else
    why="$(grep -m1 -E '^\[ERROR\]' "$logs/synapseml-build.log" | cut -c1-300 || true)"
    echo "[bench] SynapseML peer did not build: $why" >&2
    peer=(--synapseml-error "peer build failed: ${why:-see $logs/synapseml-build.log}")
  fi
fi

source "$root/deploy/java-opens.sh"
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
echo "[bench] running ($mode); Spark and job logs go to $logs/bench.log"
java ${BENCH_JAVA_OPTS:--Xmx4g} "${java_opens[@]}" \
  -Djava.io.tmpdir="$tmp" \
  -Dlog4j.configurationFile="$root/conf/log4j2.properties" \
  -Dnightshift.root="$root" -Dbench.models="${BENCH_MODELS:-}" \
  -cp "$cp" io.nightshift.bench.Bench "$mode" ${peer[@]+"${peer[@]}"} "$@" 2> "$logs/bench.log" || {
  code=$?
  echo "[bench] failed (exit $code): $(grep -m1 -E '^(Exception|Caused by)|Exception: ' "$logs/bench.log" | cut -c1-400)" >&2
  echo "[bench] full log: $logs/bench.log" >&2
  exit "$code"
}
