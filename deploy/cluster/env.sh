# Sourced by the deploy/cluster scripts and deploy/submit.sh: where things are.
#   NIGHTSHIFT_CLUSTER_DIR  the cluster's folder: spark-home/, pids/, logs/, work/ (default target/cluster)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster_dir="${NIGHTSHIFT_CLUSTER_DIR:-$root/target/cluster}"
spark_jars="$root/job/target/spark-jars"
export SPARK_HOME="${SPARK_HOME:-$cluster_dir/spark-home}"
# Without it, Spark's launcher looks for build folders of a Spark source tree and executors fail
# with "Cannot find any build directories".
export SPARK_SCALA_VERSION=2.13
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
source "$root/deploy/java-opens.sh"

# Builds the application jar and spark-jars when missing (first run only).
ensure_built() {
  if [[ ! -f "$root/job/target/nightshift-job.jar" || ! -d "$spark_jars" ]]; then
    echo "nightshift: building the application jar and spark-jars (first run only) ..." >&2
    (cd "$root" && mvn -q -B -DskipTests package) >&2
  fi
}
