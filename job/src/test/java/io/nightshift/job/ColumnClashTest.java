package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.samples.Samples;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column names that Spark's resolver takes for one (case-insensitive by default) stop the night at
 * validate, naming both columns, before anything is scored: a pass-through column against a
 * result column, and against the quarantine's own columns.
 */
class ColumnClashTest {
  static final Path CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml");
  static final String NUMBERS =
      "bill_length_mm DOUBLE, bill_depth_mm DOUBLE, flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING";

  @TempDir static Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  @Test
  void aResultColumnDifferingOnlyInCaseFromAPassThroughIsRefused() {
    Path out = tmp.resolve("out-case");
    String message = RowQualityJobTest.refusedBeforeLaunch(out, CONFIG,
        "input.path=" + Samples.penguinsCsv(),
        "output.path=" + out,
        "input.schema=score STRING, island STRING, " + NUMBERS,
        "output.pass-through=[score, island]",
        "inference.outputs.output.column=Score");
    assertThat(message).isEqualTo("nightshift: the output would have columns 'score' (from output.pass-through)"
        + " and 'Score' (from inference.outputs.output.column), one name to Spark (spark.sql.caseSensitive=false),"
        + " Hive, Parquet readers and Trino: rename one");
  }

  @Test
  void aPassThroughNamedLikeAQuarantineColumnIsRefused() {
    for (String name : new String[] {"reason", "reason_code", "Input_JSON"}) {
      Path out = tmp.resolve("out-" + name);
      String message = RowQualityJobTest.refusedBeforeLaunch(out, CONFIG,
          "input.path=" + Samples.penguinsCsv(),
          "output.path=" + out,
          "input.schema=species STRING, " + name + " STRING, " + NUMBERS,
          "output.pass-through=[species, " + name + "]");
      String theirs = name.toLowerCase(java.util.Locale.ROOT);
      assertThat(message).isEqualTo(
          name.equals(theirs)
              ? "nightshift: the quarantine (output.rejected-path) would have two columns named '" + name
                  + "' (from output.pass-through and from the quarantine itself): rename one"
              : "nightshift: the quarantine (output.rejected-path) would have columns '" + name
                  + "' (from output.pass-through) and '" + theirs + "' (from the quarantine itself), one name"
                  + " to Spark (spark.sql.caseSensitive=false), Hive, Parquet readers and Trino: rename one");
    }
  }
}
