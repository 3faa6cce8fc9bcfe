package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimize command and model.precision in the job, on the real penguins sample: sizes and
 * counts printed, the accuracy gate through the job's own input, exit code 2 on a missed threshold.
 */
class OptimizeCommandTest {
  static final Path MODEL = Samples.penguinsClassifier();
  static final String CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml").toString();

  @TempDir static Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  /** Runs the command line; returns exit code, stdout and stderr. */
  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
    try {
      int code = Nightshift.execute(args);
      return new Outcome(code, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void int8PenguinsAgreesWithFp32OnTheJobsInput() throws Exception {
    Path out = tmp.resolve("penguins-int8.onnx");
    Outcome o = run("optimize", "--model", MODEL.toString(), "--precision", "int8", "--out", out.toString(),
        "--int8-min-elements", "4", "--check-config", CONFIG);
    assertThat(o.code()).as(o.err()).isEqualTo(0);
    assertThat(o.out()).contains("size ").contains("nodes ").contains("initializers ")
        .contains("(classifier): top-1 agreement").contains("accuracy: within the thresholds");
    double agreement = Double.parseDouble(
        o.out().replaceAll("(?s).*top-1 agreement ([0-9.]+).*", "$1"));
    assertThat(agreement).as(o.out()).isGreaterThanOrEqualTo(0.99);
    // The penguins model is tiny: the int8 weights (12 values) save less than the added nodes cost.
    assertThat(o.out()).contains("converted 1 tensor(s)").contains("per channel on axis 0");
    assertThat(out).exists();
  }

  @Test
  void aMissedThresholdExitsTwo() {
    Path out = tmp.resolve("penguins-strict.onnx");
    Outcome o = run("optimize", "--model", MODEL.toString(), "--precision", "int8", "--out", out.toString(),
        "--int8-min-elements", "4", "--check-config", CONFIG, "--set", "model.accuracy.max-prob-diff=0");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("misses the accuracy thresholds")
        .contains("max probability difference").contains("model.accuracy.max-prob-diff");
  }

  /**
   * A cls-pooled embedding (a post-step, yet not a classifier) is gated by cosine: int8 MiniLM's
   * min cosine to fp32 is below 0.99999, so the check fails naming it.
   */
  @Test
  void aPooledEmbeddingIsCheckedByCosine() {
    String embeddings = Samples.root().resolve("conf/jobs/sample-embeddings.yaml").toString();
    Path out = tmp.resolve("minilm-int8.onnx");
    Outcome o = run("optimize", "--model", Samples.minilmFp32Model().toString(), "--precision", "int8",
        "--out", out.toString(), "--check-config", embeddings, "--sample-rows", "20",
        "--set", "model.tokenizer=" + Samples.minilmFp32Tokenizer(),
        "--set", "input.path=" + Samples.mails(),
        "--set", "inference.outputs.last_hidden_state.post=cls",
        "--set", "model.accuracy.min-cosine=0.99999");
    assertThat(o.code()).as(o.err()).isEqualTo(2);
    assertThat(o.out()).contains("last_hidden_state (embedding): mean cosine");
    double min = Double.parseDouble(o.out().replaceAll("(?s).*\\(embedding\\): mean cosine [0-9.]+, min cosine ([0-9.]+).*", "$1"));
    assertThat(min).as(o.out()).isLessThan(0.99999).isGreaterThan(0.9);
    assertThat(o.err()).contains(String.format(java.util.Locale.ROOT,
        "output 'last_hidden_state': min cosine %.5f < model.accuracy.min-cosine 0.99999", min));
  }

  /** A ZipMap output (argmax on its keys in the job) is compared as class probabilities, in key order. */
  @Test
  void aZipMapClassifierIsCheckedByTop1Agreement() throws Exception {
    Path job = tmp.resolve("trees.yaml");
    Files.writeString(job, """
        input:
          path: %s
          format: csv
          options: {header: true}
          schema: "species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING"
        model: {uri: %s}
        inference:
          inputs: {input: {columns: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]}}
          outputs: {probabilities: {column: species_id, post: argmax}}
        output: {path: %s}
        """.formatted(Samples.penguinsCsv(), Samples.treeEnsemble(), tmp.resolve("trees-out")));
    Outcome o = run("optimize", "--model", Samples.treeEnsemble().toString(), "--precision", "fp16",
        "--out", tmp.resolve("trees-fp16.onnx").toString(), "--check-config", job.toString());
    assertThat(o.code()).as(o.err()).isEqualTo(0);
    assertThat(o.out()).contains("probabilities (classifier): top-1 agreement 1.0000, max abs probability diff 0")
        .contains("accuracy: within the thresholds");
  }

  @Test
  void skippedTensorsAreListedAndBadModelsRefused() throws Exception {
    Outcome o = run("optimize", "--model", MODEL.toString(), "--precision", "int8", "--out",
        tmp.resolve("penguins-default.onnx").toString());
    assertThat(o.code()).isEqualTo(0);
    assertThat(o.out()).contains("converted 0 tensor(s)").contains("skipped").contains("1024");

    Path text = tmp.resolve("not-a-model.onnx");
    Files.writeString(text, "species,island\nAdelie,Torgersen\n");
    Outcome bad = run("optimize", "--model", text.toString(), "--precision", "fp16", "--out",
        tmp.resolve("x.onnx").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("not-a-model.onnx").contains("is not an ONNX model");

    Outcome quantized = run("optimize", "--model", Samples.minilmInt8Model().toString(), "--precision", "int8",
        "--out", tmp.resolve("again.onnx").toString());
    assertThat(quantized.code()).isEqualTo(0);
    assertThat(quantized.out()).contains("already quantized, kept as it is");

    assertThat(run("optimize", "--model", MODEL.toString(), "--precision", "int4", "--out", "x").err())
        .contains("--precision 'int4' is not one of int8 | int8-dynamic | fp16");
  }

  @Test
  void theJobAppliesPrecisionBeforeShippingAndGatesIt() throws Exception {
    Path out = tmp.resolve("job-int8");
    Outcome o = run("run", "--config", CONFIG, "--set", "output.path=" + out,
        "--set", "model.precision=int8", "--set", "model.int8-min-elements=4");
    assertThat(o.code()).as(o.err()).isEqualTo(0);
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(manifest.at("/model/precision").asText()).isEqualTo("int8");
    assertThat(manifest.at("/model/optimized").asBoolean()).isTrue();
    assertThat(manifest.at("/model/sha256").asText())
        .isNotEqualTo(io.nightshift.model.ModelPayload.sha256(Files.readAllBytes(MODEL)));
    assertThat(manifest.at("/executors/0/modelFetches").asLong()).isGreaterThanOrEqualTo(1);
    Dataset<Row> table = SparkTestSession.get().read().parquet(out.toString());
    assertThat(table.count()).isEqualTo(342);

    Path strict = tmp.resolve("job-strict");
    Outcome failed = run("run", "--config", CONFIG, "--set", "output.path=" + strict,
        "--set", "model.precision=int8", "--set", "model.int8-min-elements=4",
        "--set", "model.accuracy.max-prob-diff=0");
    assertThat(failed.code()).isEqualTo(2);
    assertThat(failed.err()).contains("model.precision int8").contains("misses the accuracy thresholds");
    assertThat(strict).doesNotExist();
  }
}
