package io.nightshift.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness end to end on a few thousand rows (MiniLM: 64 paragraphs): every case runs and the report is written. No speeds asserted. */
class BenchHarnessTest {
  @Test
  void tinyRunWritesTableAndChart() throws Exception {
    Path root = Samples.root();
    Path results = root.resolve("bench/target/test-results");
    Bench.Options o = Bench.options("tiny", root, results, null, "not run in the harness test");

    List<Result> all = Bench.run(o);

    for (String model : List.of("small", "medium")) {
      assertThat(all)
          .filteredOn(r -> r.model().equals(model) && r.ran())
          .extracting(Result::name)
          .contains("ceiling", "nightshift noop (array<float> column)",
              "nightshift parquet (array<float> column)", "row-at-a-time UDF");
    }
    for (String model : List.of("minilm-int8", "minilm-fp32")) {
      assertThat(all)
          .filteredOn(r -> r.model().equals(model) && r.ran())
          .extracting(Result::name)
          .containsExactly("ceiling", "spark scan only, no model (reference)", "nightshift noop (text column)",
              "nightshift noop (text column, batch 32)",
              "nightshift parquet (text column)", "row-at-a-time UDF");
    }
    assertThat(all)
        .filteredOn(r -> r.name().equals(SynapsePeer.NAME))
        .allSatisfy(r -> assertThat(r.note()).isEqualTo("not run: not run in the harness test"));
    assertThat(all).filteredOn(Result::ran).allSatisfy(r -> assertThat(r.medianRate()).isPositive());
    String report = Files.readString(results.resolve("report.md"));
    assertThat(report).contains("| small | ceiling |", "| medium | nightshift noop (array<float> column) |");
    assertThat(report).contains("| minilm-fp32 | nightshift noop (text column) |");
    // The bound column, and a verdict per goal from this run's numbers.
    assertThat(report).contains("| scan+model bound rows/s | vs bound |", "## Verdicts (issue 14 goals, medians of this run)");
    assertThat(report).containsPattern("- \\*\\*(PASS|MISS)\\*\\* tabular, noop ≥ 0.9 of the scan\\+model bound, "
        + "array<float> column — small: [0-9,]+ rows/s against the bound [0-9,]+ ");
    assertThat(report).containsPattern("- \\*\\*(PASS|MISS)\\*\\* text, Parquet sink ≥ 0.9 of the ceiling — minilm-int8: ");
    assertThat(report).contains("- **not available** Nightshift noop ≥ 3× SynapseML's best setting — medium: "
        + "'synapseml ONNXModel' did not run");
    assertThat(report).contains("- **not available** planned partitions (§1), embeddings sample on local[2]: "
        + "not run in --tiny");
    // The int8-dynamic figures (§2), measured on the job's own Parquet output over the case's 64 paragraphs.
    assertThat(report).containsPattern("- \\*\\*(PASS|MISS)\\*\\* int8-dynamic, cosine to fp32 mean ≥ 0.99 — "
        + "minilm-int8-dynamic: \\*\\*[01]\\.[0-9]{4}\\*\\* \\(goal ≥ 0.99; 64 paragraphs; Nightshift parquet jobs, "
        + "fp32 vs int8-dynamic, batch-size 8\\)");
    assertThat(report).containsPattern("- \\*\\*(PASS|MISS)\\*\\* int8-dynamic, cosine to fp32 min ≥ 0.97 — "
        + "minilm-int8-dynamic: \\*\\*[01]\\.[0-9]{4}\\*\\* \\(goal ≥ 0.97; 64 paragraphs; ");
    assertThat(report).containsPattern("- \\*\\*(PASS|MISS)\\*\\* int8-dynamic, bit-identical alone, in 8 and in 64 — "
        + "minilm-int8-dynamic: \\*\\*(yes|no)\\*\\* \\(64 rows compared across Nightshift parquet jobs at "
        + "batch-size 1, 8 and 64; [0-9]+ differ\\)");
    // The charts can be drawn again from the report alone.
    Files.delete(results.resolve("chart.png"));
    Report.redraw(results);
    for (String chart : List.of("chart.png", "chart-minilm.png")) {
      byte[] png = Files.readAllBytes(results.resolve(chart));
      assertThat(png).hasSizeGreaterThan(1000);
      assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
  }
}
