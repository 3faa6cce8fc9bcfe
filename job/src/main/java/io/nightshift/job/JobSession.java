package io.nightshift.job;

import io.nightshift.config.JobConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of a run: spark-submit's, or an embedded local[*] when none is configured. */
final class JobSession {
  private JobSession() {}

  static SparkSession get(JobConfig job) {
    return get(job, SparkSession.builder());
  }

  /** The session of the {@code sql} command: with the {@code nightshift_score} table function. */
  static SparkSession withScoringFunctions(JobConfig job) {
    return get(job, SparkSession.builder().withExtensions(new io.nightshift.sql.NightshiftExtensions()));
  }

  private static SparkSession get(JobConfig job, SparkSession.Builder start) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = start.appName("nightshift " + job.run().id());
    if (!conf.contains("spark.master")) {
      builder = builder.master("local[*]");
    }
    return builder.getOrCreate();
  }
}
