package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftException;
import io.nightshift.samples.Samples;
import io.nightshift.sql.Functions;
import io.nightshift.sql.NightshiftExtensions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring from SQL on real Spark local[2] with the penguins sample: the row-at-a-time {@code
 * nightshift_predict} and the batched table function {@code nightshift_score} (through {@link
 * NightshiftExtensions} in a session of its own) both equal the nightly job's output row by row.
 */
class SqlScoringTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static Path parquet;
  static Path jobFile;
  static Map<Long, List<Float>> jobProbs;
  static Set<Long> jobRejected;

  @BeforeAll
  static void jobOutput() throws Exception {
    spark = SparkTestSession.get();
    parquet = PenguinsWithIds.writeParquet(spark, tmp.resolve("penguins"));
    // A job file as a user would write it; the functions use its model.* and inference.* keys.
    jobFile = tmp.resolve("penguins.yaml");
    Files.writeString(jobFile, String.join("\n",
        "input:",
        "  path: " + parquet,
        "  format: parquet",
        "model:",
        "  uri: " + Samples.penguinsClassifier(),
        "inference:",
        "  batch-size: 16",
        "  inputs:",
        "    input:",
        "      columns: [bill_depth_mm, bill_length_mm, body_mass_g, flipper_length_mm]",
        "  outputs:",
        "    output:",
        "      column: probs",
        "output:",
        "  path: " + tmp.resolve("job-out"),
        "  pass-through: [row_id]",
        "  max-rejected-ratio: 0.05",
        "run:",
        "  date: 2026-11-28",
        ""));
    assertThat(Nightshift.execute(new String[] {"run", "--config", jobFile.toString()})).isEqualTo(0);
    Path out = tmp.resolve("job-out");
    PenguinsWithIds.JobOutput job = PenguinsWithIds.JobOutput.read(spark, out);
    jobProbs = job.probs();
    jobRejected = job.rejected();
    assertThat(jobProbs).hasSize(342);
    assertThat(jobRejected).hasSize(2);
  }

  @Test
  void rowUdfEqualsTheJobAndIsNullOnRejectedRows() {
    Functions.register(spark, "penguins", jobFile.toString());
    spark.read().parquet(parquet.toString()).createOrReplaceTempView("t");
    List<Row> rows = spark.sql("SELECT row_id, nightshift_predict('penguins', bill_depth_mm, bill_length_mm, "
        + "body_mass_g, flipper_length_mm) AS probs FROM t").collectAsList();
    assertThat(rows).hasSize(344);
    Set<Long> nulls = new HashSet<>();
    for (Row r : rows) {
      if (r.isNullAt(1)) {
        nulls.add(r.getLong(0));
      } else {
        assertThat(r.<Float>getList(1)).as("row %d", r.getLong(0)).isEqualTo(jobProbs.get(r.getLong(0)));
      }
    }
    assertThat(nulls).isEqualTo(jobRejected);
    assertThatThrownBy(() -> spark.sql("SELECT nightshift_predict('orcas', bill_depth_mm, bill_length_mm, "
            + "body_mass_g, flipper_length_mm) FROM t").collectAsList())
        .hasRootCauseInstanceOf(NightshiftException.class)
        .rootCause()
        .hasMessageMatching("nightshift_predict\\('orcas', \\.\\.\\.\\): no such function; registered: \\[(.*, )?penguins(, .*)?]");
  }

  @Test
  void sqlCommandQueriesTheJobsInputWithItsModel() {
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(printed, true));
    int code;
    try {
      code = Nightshift.execute(new String[] {"sql", "--config", jobFile.toString(), "--name", "penguins_cli",
          "--query", "SELECT count(*) AS scored FROM input WHERE nightshift_predict('penguins_cli', bill_depth_mm, "
              + "bill_length_mm, body_mass_g, flipper_length_mm) IS NOT NULL"});
    } finally {
      System.setOut(old);
    }
    assertThat(code).isEqualTo(0);
    assertThat(printed.toString()).contains("|scored|", "|342   |");
  }

  @Test
  void tableFunctionFromTheSparkConfEqualsTheJobInBatches() {
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    try {
      SparkSession sql = SparkSession.builder()
          .withExtensions(new NightshiftExtensions())
          .config(Functions.FUNCTIONS_CONF, "penguins_conf=" + jobFile)
          .getOrCreate();
      assertThat(sql).isNotSameAs(spark);
      sql.read().parquet(parquet.toString()).createOrReplaceTempView("t");
      for (String query : List.of(
          "SELECT row_id, probs, reason_code, reason FROM nightshift_score('penguins_conf', TABLE(t))",
          "SELECT row_id, probs, reason_code, reason FROM nightshift_score('penguins_conf', 't')")) {
        List<Row> rows = sql.sql(query).collectAsList();
        assertThat(rows).as(query).hasSize(344);
        Set<Long> rejected = new HashSet<>();
        for (Row r : rows) {
          if (r.isNullAt(2)) {
            assertThat(r.<Float>getList(1)).as("row %d", r.getLong(0)).isEqualTo(jobProbs.get(r.getLong(0)));
          } else {
            rejected.add(r.getLong(0));
            assertThat(r.isNullAt(1)).isTrue();
            assertThat(r.getString(2)).isEqualTo("null_feature");
          }
        }
        assertThat(rejected).as(query).isEqualTo(jobRejected);
      }
      assertThatThrownBy(() -> sql.sql("SELECT * FROM nightshift_score('orcas', TABLE(t))"))
          .isInstanceOf(NightshiftException.class)
          .hasMessageStartingWith("no scoring function 'orcas': registered [")
          .hasMessageEndingWith("], listed in spark.nightshift.functions: [penguins_conf]");
    } finally {
      SparkSession.setActiveSession(spark);
      SparkSession.setDefaultSession(spark);
    }
  }
}
