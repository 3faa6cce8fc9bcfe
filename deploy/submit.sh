#!/usr/bin/env bash
# Submits Nightshift to a Spark cluster with spark-submit (org.apache.spark.deploy.SparkSubmit from
# the jars the build resolved), taking the same arguments as deploy/nightshift:
#   NIGHTSHIFT_MASTER=spark://127.0.0.1:7077 deploy/submit.sh run --config conf/jobs/sample-tabular.yaml [--set key=value ...]
#   deploy/submit.sh validate --config FILE | inspect --model FILE
# Environment:
#   NIGHTSHIFT_MASTER          the master URL (default: local[*])
#   NIGHTSHIFT_WORK_DIR        the driver's work folder: java.io.tmpdir (default target/submit)
#   NIGHTSHIFT_SUBMIT_OPTS     more spark-submit options, e.g. "--conf spark.executor.memory=2g"
#   NIGHTSHIFT_JAVA_OPTS       the driver JVM's options (default -Xmx1g)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (, AWS_SESSION_TOKEN)
#                              S3 credentials: Spark copies them into the Hadoop configuration
#                              (fs.s3a.access.key, ...) that tasks receive; never on the command line.
# The exit code is the job's: 0 ok, 2 config or validation, 3 error budget exceeded, 4 conflict
# (another run committed the night first), 1 anything else.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cluster/env.sh"
ensure_built
work="${NIGHTSHIFT_WORK_DIR:-$root/target/submit}"
mkdir -p "$work/tmp"
# Executors unpack ONNX Runtime's native libraries into their java.io.tmpdir: spark-defaults.conf
# points it at the executor's own working folder, which its worker creates and cleans.
extra=()
if [[ -n "${NIGHTSHIFT_SUBMIT_OPTS:-}" ]]; then
  read -r -a extra <<< "$NIGHTSHIFT_SUBMIT_OPTS"
fi
exec java ${NIGHTSHIFT_JAVA_OPTS:--Xmx1g} "${java_opens[@]}" \
  -Djava.io.tmpdir="$work/tmp" \
  -Dlog4j.configurationFile="$root/conf/log4j2.properties" \
  -cp "$spark_jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "${NIGHTSHIFT_MASTER:-local[*]}" \
  --deploy-mode client \
  --properties-file "$root/conf/spark-defaults.conf" \
  --conf spark.ui.enabled=false \
  --name nightshift \
  "${extra[@]}" \
  --class io.nightshift.job.Nightshift \
  "$root/job/target/nightshift-job.jar" "$@"
