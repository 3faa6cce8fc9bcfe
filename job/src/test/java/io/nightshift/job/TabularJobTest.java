package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.arrow.Allocators;
import io.nightshift.onnx.SessionCache;
import io.nightshift.samples.Samples;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end on real Spark local[2], real ONNX Runtime and the real sample model and data:
 * row accounting, predictions against a plain ORT loop, one session per JVM, idempotent nights,
 * no Arrow memory left behind.
 */
class TabularJobTest {
  static final Path ROOT = Samples.root();
  static final Path MODEL = Samples.dir().resolve("penguins/penguins-classifier.onnx");
  static final Path CSV = Samples.dir().resolve("penguins/penguins.csv");
  static final List<String> FEATURES =
      List.of("bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm");
  static final String CONFIG = ROOT.resolve("conf/jobs/sample-tabular.yaml").toString();

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path parquet;
  static Path clean;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    // The sample rows with an id, as Parquet in 8 partitions.
    parquet = tmp.resolve("penguins-parquet");
    spark.read().option("header", "true").schema(
            "species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
                + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
        .csv(CSV.toString())
        .withColumn("row_id", monotonically_increasing_id())
        .repartition(8)
        .write().parquet(parquet.toString());
    clean = tmp.resolve("penguins-clean");
    spark.read().parquet(parquet.toString()).na().drop(FEATURES.toArray(String[]::new)).write().parquet(clean.toString());
  }

  static int run(String... args) {
    return Nightshift.execute(args);
  }

  static String[] job(Path out, String... sets) {
    List<String> args = new ArrayList<>(List.of("run", "--config", CONFIG,
        "--set", "input.path=" + parquet,
        "--set", "input.format=parquet",
        "--set", "input.schema=",
        "--set", "output.path=" + out,
        "--set", "output.pass-through=[row_id, species]",
        "--set", "inference.batch-size=16"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args.toArray(String[]::new);
  }

  @Test
  void everyRowOnceAndPredictionsEqualPlainOnnxRuntime() throws Exception {
    Path out = tmp.resolve("out-equal");
    SessionCache.shared().clear();
    long before = SessionCache.shared().sessionsCreated();
    assertThat(run(job(out, "inference.outputs.output.post=none",
        "inference.outputs.output.column=probs", "output.max-rejected-ratio=0.05"))).isEqualTo(0);
    assertThat(SessionCache.shared().sessionsCreated() - before)
        .as("one session in this JVM for 8 partitions").isEqualTo(1);

    Dataset<Row> input = spark.read().parquet(parquet.toString());
    Dataset<Row> scored = spark.read().parquet(out.toString());
    Dataset<Row> rejected = spark.read().parquet(out.resolve("_rejected").toString());
    long inputRows = input.count();
    List<Long> ids = new ArrayList<>();
    scored.select("row_id").collectAsList().forEach(r -> ids.add(r.getLong(0)));
    rejected.select("row_id").collectAsList().forEach(r -> ids.add(r.getLong(0)));
    assertThat(ids).doesNotHaveDuplicates().hasSize((int) inputRows);
    assertThat(rejected.count()).isEqualTo(2);
    assertThat(rejected.select("reason_code").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("null_feature");
    assertThat(scored.select("dt").distinct().collectAsList())
        .extracting(r -> r.get(0).toString()).containsExactly("2026-11-28");

    // The same rows through a plain ONNX Runtime loop.
    Map<Long, float[]> expected = plainOrt(input);
    List<Row> rows = scored.select("row_id", "probs").collectAsList();
    assertThat(rows).hasSize(expected.size());
    for (Row r : rows) {
      List<Float> probs = r.getList(1);
      float[] want = expected.get(r.getLong(0));
      assertThat(probs).hasSize(want.length);
      for (int i = 0; i < want.length; i++) {
        assertThat((double) probs.get(i)).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6));
      }
    }

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(manifest.at("/rows/read").asLong()).isEqualTo(inputRows);
    assertThat(manifest.at("/rows/written").asLong()).isEqualTo(inputRows - 2);
    assertThat(manifest.at("/rows/rejected_by_reason/null_feature").asLong()).isEqualTo(2);
    assertThat(manifest.at("/executors/0/provider").asText()).isEqualTo("CPUExecutionProvider");
    assertThat(manifest.at("/model/sha256").asText()).hasSize(64);
    assertThat(manifest.at("/status").asText()).isEqualTo("ok");

    assertThat(Allocators.root().getAllocatedMemory()).as("Arrow bytes outstanding").isZero();
    assertThat(Allocators.root().getChildAllocators()).as("open task allocators").isEmpty();
  }

  static Map<Long, float[]> plainOrt(Dataset<Row> input) throws Exception {
    List<Row> rows = input.select("row_id", FEATURES.toArray(String[]::new)).collectAsList();
    Map<Long, float[]> out = new HashMap<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(MODEL.toString(), new OrtSession.SessionOptions())) {
      for (Row r : rows) {
        if (r.anyNull()) {
          continue;
        }
        float[][] x = new float[1][FEATURES.size()];
        for (int i = 0; i < FEATURES.size(); i++) {
          x[0][i] = (float) r.getDouble(i + 1);
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, x); OrtSession.Result res = s.run(Map.of("input", t))) {
          out.put(r.getLong(0), ((float[][]) res.get(0).getValue())[0]);
        }
      }
    }
    return out;
  }

  @Test
  void rerunningANightReplacesOnlyThatNight() {
    Path out = tmp.resolve("out-nights");
    assertThat(run(job(out, "run.date=2026-11-27"))).isEqualTo(0);
    assertThat(run(job(out, "run.date=2026-11-28"))).isEqualTo(0);
    assertThat(run(job(out, "run.date=2026-11-28"))).isEqualTo(0);
    Dataset<Row> table = spark.read().parquet(out.toString());
    Map<String, Long> perNight = table.groupBy("dt").count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.get(0).toString(), r -> r.getLong(1)));
    assertThat(perNight).containsOnly(Map.entry("2026-11-27", 342L), Map.entry("2026-11-28", 342L));
    assertThat(out.resolve("_nightshift/manifest-2026-11-27.json")).exists();
    assertThat(out.resolve("_nightshift/manifest-2026-11-28.json")).exists();
    assertThat(out.resolve("_nightshift/staging")).satisfiesAnyOf(
        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    assertThat(out.resolve("_rejected/dt=2026-11-28")).isDirectory();

    // The night rerun on corrected input: its old quarantine goes, the other night's stays.
    assertThat(run(job(out, "run.date=2026-11-28", "input.path=" + clean))).isEqualTo(0);
    assertThat(out.resolve("_rejected/dt=2026-11-28")).doesNotExist();
    assertThat(out.resolve("_rejected/dt=2026-11-27")).isDirectory();
    assertThat(spark.read().parquet(out.toString()).filter("dt = '2026-11-28'").count()).isEqualTo(342);
  }

  @Test
  void sampleJobAsShippedScoresTheCsv() {
    Path out = tmp.resolve("out-sample");
    assertThat(run("run", "--config", CONFIG, "--set", "output.path=" + out)).isEqualTo(0);
    Dataset<Row> table = spark.read().parquet(out.toString());
    assertThat(table.count()).isEqualTo(342);
    double agree = table.filter("predicted_species = species").count() / (double) table.count();
    assertThat(agree).as("agreement with the true species").isGreaterThan(0.9);
  }

  /** Runs a job expected to fail before anything is written; returns its one-line message. */
  static String failing(int expectedCode, Path out, String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    int code;
    try {
      code = run(args);
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(expectedCode);
    assertThat(out.toFile()).as("nothing written to " + out).doesNotExist();
    return err.toString();
  }

  @Test
  void badInputsFailBeforeAnythingIsWritten() throws Exception {
    Path out = tmp.resolve("out-bad");
    assertThat(failing(2, out, "run", "--config", "no/such.yaml"))
        .contains("config file not found").contains("no/such.yaml");
    assertThat(failing(2, out, job(out, "inference.batch-sizes=3")))
        .contains("unknown key 'inference.batch-sizes'");
    assertThat(failing(2, out, job(out, "input.path=" + tmp.resolve("nowhere"))))
        .contains("input.path").contains("nowhere").contains("does not exist");
    assertThat(failing(2, out, job(out, "inference.inputs.input.columns=[bill_depth_mm, bill_length_mm, body_mass_g, wing_mm]")))
        .contains("column 'wing_mm' is not in the input");
    assertThat(failing(2, out, job(out, "inference.inputs.input.columns=[bill_depth_mm, bill_length_mm, body_mass_g, species]")))
        .contains("column 'species' is string");
    assertThat(failing(2, out, job(out, "model.uri=" + tmp.resolve("missing.onnx"))))
        .contains("model file not found").contains("missing.onnx");
    Path corrupt = tmp.resolve("corrupt.onnx");
    byte[] bytes = Files.readAllBytes(MODEL);
    Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(failing(2, out, job(out, "model.uri=" + corrupt)))
        .contains("not a loadable ONNX model").contains("corrupt.onnx");
    assertThat(failing(2, out, job(out, "model.sha256=" + "ab".repeat(32))))
        .contains("model.sha256").contains("pins " + "ab".repeat(32));
    assertThat(failing(2, out, job(out, "inference.inputs.input.columns=", "inference.inputs.features.columns=[bill_depth_mm]")))
        .contains("inference.inputs.input.columns");
    assertThat(failing(2, out, job(out, "inference.inputs.other.columns=[bill_depth_mm]")))
        .contains("has no input 'other'");
    assertThat(failing(2, out, job(out, "inference.batch-size=0")))
        .contains("'inference.batch-size'").contains("'0'");
    assertThat(failing(2, out, job(out, "inference.inputs.input.columns=[bill_depth_mm, bill_length_mm]")))
        .contains("needs 4 columns, but 2 are mapped");
    assertThat(new File(tmp.toFile(), "out-bad")).doesNotExist();
  }

  @Test
  void validateRunsNoInferenceAndWritesNothing() {
    Path out = tmp.resolve("out-validate");
    PrintStream old = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true));
    int code;
    try {
      code = run("validate", "--config", CONFIG, "--set", "output.path=" + out);
    } finally {
      System.setOut(old);
    }
    assertThat(code).isEqualTo(0);
    assertThat(printed.toString()).contains("valid:").contains("predicted_species");
    assertThat(out).doesNotExist();
  }

  @Test
  void inspectPrintsTheSignature() {
    PrintStream old = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true));
    try {
      assertThat(run("inspect", "--model", MODEL.toString())).isEqualTo(0);
    } finally {
      System.setOut(old);
    }
    assertThat(printed.toString()).contains("input float [-1, 4]").contains("output float [-1, 3]").contains("sha256");
  }
}
