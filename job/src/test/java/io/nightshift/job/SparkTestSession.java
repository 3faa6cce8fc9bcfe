package io.nightshift.job;

import org.apache.spark.sql.SparkSession;

/** The one local[2] SparkSession of the test JVM: Spark allows one active context per JVM. */
final class SparkTestSession {
  private SparkTestSession() {}

  static synchronized SparkSession get() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("nightshift-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }
}
