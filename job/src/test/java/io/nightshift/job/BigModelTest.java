package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.nightshift.samples.onnx.Mlp;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model larger than the driver's heap: a real single-file ONNX MLP (4→7,000,000→3, about 224 MB
 * of inline float weights) scored by the job's main class in a child JVM with {@code -Xmx128m}.
 * The driver never holds the file: it exits 0 and every row's class is the one a plain ONNX Runtime
 * session gives for that row's features; {@code model.precision: int8} on it is refused before
 * launch with one line, exit 2.
 */
class BigModelTest {
  static final int HIDDEN = 7_000_000;
  static final String HEAP = "-Xmx128m";
  static final List<String> FEATURES = List.of("bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm");
  static final List<String> LABELS = List.of("Chinstrap", "Adelie", "Gentoo");

  @TempDir static Path tmp;
  static Path model;
  static Path config;
  /** Every 8th complete penguin (all three species): the scoring cost is rows × model size. */
  static int sampleRows;

  @BeforeAll
  static void bigModel() throws Exception {
    model = tmp.resolve("big-mlp.onnx");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(model), 1 << 20)) {
      new Mlp("big-mlp", new int[] {4, HIDDEN, 3}, 42L).toModel().writeTo(out);
    }
    assertThat(Files.size(model)).isGreaterThan(3L * 64 << 20); // well over the child's 128 MiB heap
    List<String> lines = Files.readAllLines(NightCommitJobTest.CSV, StandardCharsets.UTF_8);
    List<String> sample = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i += 8) {
      if (!lines.get(i).contains(",,")) {
        sample.add(lines.get(i));
      }
    }
    sampleRows = sample.size() - 1;
    Path csv = tmp.resolve("penguins-sample.csv");
    Files.write(csv, sample, StandardCharsets.UTF_8);
    config = tmp.resolve("big.yaml");
    Files.writeString(config, String.join("\n",
        "input:",
        "  path: " + csv,
        "  format: csv",
        "  options:",
        "    header: true",
        "  schema: \"" + NightCommitJobTest.SCHEMA + "\"",
        "model:",
        "  uri: " + model,
        "  device: cpu",
        "inference:",
        "  batch-size: 64",
        "  inputs:",
        "    " + Mlp.INPUT + ":",
        "      columns: [" + String.join(", ", FEATURES) + "]",
        "  outputs:",
        "    " + Mlp.OUTPUT + ":",
        "      column: predicted_species",
        "      post: argmax",
        "      labels: [" + String.join(", ", LABELS) + "]",
        "  non-finite: reject",
        "output:",
        "  path: " + tmp.resolve("out"),
        "  pass-through: [" + String.join(", ", FEATURES) + "]",
        "  partition-by: [dt]",
        "  mode: overwrite",
        "  max-rejected-ratio: 0.05",
        "run:",
        "  date: 2026-11-28",
        ""), StandardCharsets.UTF_8);
  }

  record Child(int exit, String output) {}

  static Child child(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(HEAP);
    cmd.add("-XX:+UseG1GC");
    cmd.add("-XX:TieredStopAtLevel=1");
    // Spark's memory manager refuses a heap under 450 MiB outright; this sets the figure it plans
    // its execution/storage pools with, not the real heap, which stays 128 MiB.
    cmd.add("-Dspark.testing.memory=536870912");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j")
          || a.startsWith("-Djava.io.tmpdir") || a.startsWith("-Dnightshift.root")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.nightshift.job.Nightshift");
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(tmp, "child-", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("the child did not finish in 120 s:\n" + Files.readString(log));
    }
    return new Child(p.exitValue(), Files.readString(log));
  }

  @Test
  void scoresAModelLargerThanTheDriversHeap() throws Exception {
    Child child = child("run", "--config", config.toString(), "--set", "model.distribution=auto");
    assertThat(child.output()).doesNotContain("OutOfMemoryError");
    assertThat(child.exit()).as(child.output()).isZero();
    assertThat(child.output()).contains("over 1/8 of the driver's heap: read from its path, shipped by files");

    List<Row> rows = SparkTestSession.get().read().parquet(tmp.resolve("out/dt=2026-11-28").toString())
        .select("bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm", "predicted_species")
        .collectAsList();
    assertThat(rows).hasSize(sampleRows).hasSizeGreaterThan(30);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
      float[][] x = new float[rows.size()][4];
      for (int i = 0; i < rows.size(); i++) {
        for (int j = 0; j < 4; j++) {
          x[i][j] = (float) rows.get(i).getDouble(j);
        }
      }
      try (OnnxTensor in = OnnxTensor.createTensor(env, x);
          OrtSession.Result result = session.run(Map.of(Mlp.INPUT, in))) {
        float[][] probabilities = (float[][]) result.get(0).getValue();
        java.util.Set<String> classes = new java.util.HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
          int best = 0;
          for (int k = 1; k < 3; k++) {
            if (probabilities[i][k] > probabilities[i][best]) {
              best = k;
            }
          }
          assertThat(rows.get(i).getString(4)).as("row %d", i).isEqualTo(LABELS.get(best));
          classes.add(LABELS.get(best));
        }
        assertThat(classes).isNotEmpty();
      }
    }
  }

  @Test
  void refusesToOptimizeAModelLargerThanTheDriversHeap() throws Exception {
    Child child = child("run", "--config", config.toString(), "--set", "model.precision=int8");
    assertThat(child.exit()).as(child.output()).isEqualTo(2);
    long mib = Files.size(model) >> 20;
    assertThat(child.output()).doesNotContain("OutOfMemoryError").contains(String.format(
        "nightshift: model.precision int8: model file %s is %d MiB, more than 1/8 of the driver's heap (128 MiB),"
            + " and the optimizer rewrites a model in memory: give the driver more memory"
            + " (spark.driver.memory, at least %d MiB) or use model.precision: fp32%n", "file:" + model, mib, mib * 8 + 1));
  }

  @Test
  void inspectsAModelLargerThanTheHeap() throws Exception {
    Child child = child("inspect", "--model", model.toString());
    assertThat(child.exit()).as(child.output()).isZero();
    String sha;
    try (java.io.InputStream in = Files.newInputStream(model)) {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
      sha = java.util.HexFormat.of().formatHex(md.digest());
    }
    assertThat(child.output()).doesNotContain("OutOfMemoryError")
        .contains("size: " + Files.size(model) + " bytes\n", "sha256: " + sha + "\n",
            "  features float [-1, 4]\n", "  probabilities float [-1, 3]\n");
  }
}
