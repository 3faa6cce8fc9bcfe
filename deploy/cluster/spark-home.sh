#!/usr/bin/env bash
# Assembles a Spark home from the jars the Maven build resolved (Spark, Hadoop, hadoop-aws and the
# AWS SDK v2 modules, in job/target/spark-jars): SPARK_HOME/jars holds links to them. Prints the
# folder. No Spark download is needed.
#   deploy/cluster/spark-home.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_built
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
find "$SPARK_HOME/jars" -maxdepth 1 -type l -delete
for j in "$spark_jars"/*.jar; do
  ln -s "$j" "$SPARK_HOME/jars/$(basename "$j")"
done
cp "$root/deploy/cluster/log4j2-daemons.properties" "$SPARK_HOME/conf/log4j2.properties"
echo "$SPARK_HOME"
