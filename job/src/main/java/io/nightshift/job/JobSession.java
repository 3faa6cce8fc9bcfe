package io.nightshift.job;

import io.nightshift.config.JobConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of a run: spark-submit's, or an embedded local[*] when none is configured. */
final class JobSession {
  private JobSession() {}

  static SparkSession get(JobConfig job) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName("nightshift " + job.run().id());
    if (!conf.contains("spark.master")) {
      builder = builder.master("local[*]");
    }
    return builder.getOrCreate();
  }
}
