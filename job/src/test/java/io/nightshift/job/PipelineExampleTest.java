package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.job.examples.PipelineExample;
import io.nightshift.samples.Samples;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable example of the Spark ML stage ({@code deploy/nightshift example pipeline}) on the
 * penguins sample: the pipeline it saves and loads back scores every row, rejects the two without
 * measurements with their reason, and predicts the true species for all but the same few rows as
 * the sample job.
 */
class PipelineExampleTest {
  @TempDir Path tmp;

  @Test
  void theSavedAndLoadedPipelineScoresThePenguins() throws Exception {
    Path saved = tmp.resolve("pipeline");
    Dataset<Row> scored = PipelineExample.run(SparkTestSession.get(), Samples.penguinsCsv().toString(),
        Samples.penguinsClassifier().toString(), saved.toString()).cache();
    assertThat(saved.resolve("stages")).isDirectory();
    assertThat(scored.count()).isEqualTo(344);
    List<Row> rejected = scored.where("reason_code IS NOT NULL").select("reason_code", "reason").collectAsList();
    assertThat(rejected).hasSize(2).allSatisfy(r -> {
      assertThat(r.getString(0)).isEqualTo("non_finite");
      assertThat(r.getString(1)).isEqualTo("column 'features' is NaN at index 0");
    });
    assertThat(scored.where("predicted_species = species").count()).isEqualTo(336);
    assertThat(scored.where("species = 'Chinstrap' AND predicted_species = 'Adelie'").count()).isEqualTo(6);
    scored.unpersist();
  }
}
