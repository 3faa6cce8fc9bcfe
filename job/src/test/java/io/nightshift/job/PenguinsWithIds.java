package io.nightshift.job;

import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.nightshift.samples.Samples;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The penguins sample with a {@code row_id} as parquet, and the nightly job's output over it: the
 * setup of the tests that score the same rows another way and compare with the job row by row.
 */
final class PenguinsWithIds {
  /** The columns of {@link Samples#penguinsCsv()}, as Spark DDL. */
  static final String CSV_SCHEMA =
      "species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
          + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING";

  private PenguinsWithIds() {}

  /** Writes the 344 penguins, each with a unique {@code row_id}, as 4 parquet files into {@code dir}. */
  static Path writeParquet(SparkSession spark, Path dir) {
    spark.read().option("header", "true").schema(CSV_SCHEMA)
        .csv(Samples.penguinsCsv().toString())
        .withColumn("row_id", monotonically_increasing_id())
        .repartition(4)
        .write().parquet(dir.toString());
    return dir;
  }

  /**
   * What a job with {@code output.pass-through: [row_id]} and a {@code probs} column wrote.
   *
   * @param probs the probabilities by row_id
   * @param rejected the row_ids it quarantined
   */
  record JobOutput(Map<Long, List<Float>> probs, Set<Long> rejected) {
    /** Reads the job's output folder {@code out} and its {@code _rejected} rows. */
    static JobOutput read(SparkSession spark, Path out) {
      Map<Long, List<Float>> probs = new HashMap<>();
      Set<Long> rejected = new HashSet<>();
      spark.read().parquet(out.toString()).select("row_id", "probs").collectAsList()
          .forEach(r -> probs.put(r.getLong(0), r.getList(1)));
      spark.read().parquet(out.resolve("_rejected").toString()).select("row_id").collectAsList()
          .forEach(r -> rejected.add(r.getLong(0)));
      return new JobOutput(Map.copyOf(probs), Set.copyOf(rejected));
    }
  }
}
