package io.nightshift.job;

import io.nightshift.samples.Samples;
import io.nightshift.sql.Functions;
import io.nightshift.sql.NightshiftExtensions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL scoring benchmark, off by default: {@code mvn -o -B -pl job -am test -Dtest=SqlScoringBench
 * -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}. Scores the penguins rows (the complete
 * ones, repeated to {@value #REPEAT} copies) on local[2] with the penguins classifier, through the
 * row-at-a-time UDF {@code nightshift_predict} and through the batched table function {@code
 * nightshift_score}, each written to Spark's {@code noop} sink so every row is scored; prints
 * rows/s, min and median of 3 runs after one warm-up. Asserts nothing: figures go to docs/sql.md.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class SqlScoringBench {
  static final int REPEAT = 150;
  static final int RUNS = 3;

  @TempDir Path tmp;

  @Test
  void rowUdfAgainstTableFunction() throws Exception {
    SparkSession old = SparkTestSession.get();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    try {
      SparkSession spark = SparkSession.builder().withExtensions(new NightshiftExtensions()).getOrCreate();
      Path job = tmp.resolve("penguins.yaml");
      Files.writeString(job, String.join("\n",
          "input: {path: unused}",
          "model: {uri: " + Samples.penguinsClassifier() + "}",
          "inference:",
          "  inputs: {input: {columns: [bill_depth_mm, bill_length_mm, body_mass_g, flipper_length_mm]}}",
          "  outputs: {output: {column: probs}}",
          "output: {path: unused}",
          ""));
      Functions.register(spark, "penguins", job.toString());
      Dataset<Row> t = spark.read().option("header", "true").schema(
              "species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
                  + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
          .csv(Samples.penguinsCsv().toString()).na().drop()
          .crossJoin(spark.range(REPEAT)).repartition(2).cache();
      long rows = t.count();
      t.createOrReplaceTempView("t");
      String udf = "SELECT id, nightshift_predict('penguins', bill_depth_mm, bill_length_mm, body_mass_g, "
          + "flipper_length_mm) AS probs FROM t";
      String tvf = "SELECT id, probs FROM nightshift_score('penguins', TABLE(t))";
      for (String q : List.of(tvf, udf)) {
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run <= RUNS; run++) {
          long start = System.nanoTime();
          spark.sql(q).write().format("noop").mode("overwrite").save();
          double seconds = (System.nanoTime() - start) / 1e9;
          if (run > 0) {
            rates.add(rows / seconds);
          }
        }
        Collections.sort(rates);
        System.out.printf(Locale.ROOT, "BENCH %s rows=%d rows/s min=%.0f median=%.0f%n",
            q.contains("nightshift_score") ? "nightshift_score (batched TVF)" : "nightshift_predict (row UDF)",
            rows, rates.get(0), rates.get(rates.size() / 2));
      }
      t.unpersist();
    } finally {
      SparkSession.setActiveSession(old);
      SparkSession.setDefaultSession(old);
    }
  }
}
