package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import io.nightshift.samples.onnx.GatherModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad rows on the real job (Spark local[2], ONNX Runtime): bisection of batches ONNX Runtime
 * fails on, the error budget (exit 3, nothing published, superseded staging dropped by the next
 * good run), and every pre-launch failure (exit 2, nothing written, validate says the same).
 */
class RowQualityJobTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get();
  }

  /** A CSV of {@code rows} rows (id, index, note) whose index is out of the model's range on {@code bad} rows. */
  static Path gatherCsv(String name, int rows, Set<Integer> bad) throws Exception {
    StringBuilder csv = new StringBuilder("id,index,note\n");
    for (int i = 0; i < rows; i++) {
      long index = bad.contains(i) ? 1000 + i : i % 20 - 10;
      csv.append(i).append(',').append(index).append(",n").append(i).append('\n');
    }
    Path file = tmp.resolve(name + ".csv");
    Files.writeString(file, csv);
    return file;
  }

  static Path gatherJob(String name, Path csv, Path out, String extra) throws Exception {
    Path file = tmp.resolve(name + ".yaml");
    Files.writeString(file, """
        input: {path: "%s", format: csv, options: {header: true}, schema: "id BIGINT, index BIGINT, note STRING"}
        model: {uri: "%s", device: cpu}
        inference:
          batch-size: 64
          inputs: {index: {columns: [index]}}
          outputs: {value: {column: value}}
        output: {path: "%s", pass-through: [id, note], partition-by: [dt]}
        run: {date: 2026-11-28}
        %s
        """.formatted(csv, Samples.faultyGather(), out, extra));
    return file;
  }

  static JsonNode manifest(Path out) throws Exception {
    return JSON.readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
  }

  @Test
  void onlyTheRowsOnnxRuntimeFailsOnAreRejectedAndTheRestOfTheirBatchIsScored() throws Exception {
    Set<Integer> bad = Set.of(17, 70, 71, 127);
    Path out = tmp.resolve("out-bisect");
    Path job = gatherJob("bisect", gatherCsv("bisect", 128, bad), out, "");
    assertThat(Nightshift.execute(new String[] {
        "run", "--config", job.toString(), "--set", "output.max-rejected-ratio=0.05"})).isEqualTo(0);

    Map<Long, String> rejected = new TreeMap<>();
    for (Row r : spark.read().parquet(out.resolve("_rejected").toString())
        .select("id", "reason_code", "reason", "input_json").collectAsList()) {
      rejected.put(r.getLong(0), r.getString(1));
      assertThat(r.getString(2)).startsWith("ONNX Runtime:").contains("out of data bounds")
          .contains("idx=" + (1000 + r.getLong(0)));
      assertThat(JSON.readTree(r.getString(3)).get("index").asText()).isEqualTo(Long.toString(1000 + r.getLong(0)));
    }
    assertThat(rejected).containsOnlyKeys(17L, 70L, 71L, 127L).allSatisfy((id, code) -> assertThat(code).isEqualTo("model_error"));

    Map<Long, List<Float>> scored = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).select("id", "value").collectAsList()) {
      scored.put(r.getLong(0), r.getList(1));
    }
    assertThat(scored).hasSize(124);
    scored.forEach((id, value) -> {
      float[] want = GatherModel.row(id % 20 - 10);
      assertThat(value).as("row %d", id).containsExactly(want[0], want[1]);
    });
    JsonNode m = manifest(out);
    assertThat(m.at("/rows/rejected_by_reason/model_error").asLong()).isEqualTo(4);
    assertThat(m.at("/batches_bisected").asLong()).isPositive();
    assertThat(m.at("/rows/written").asLong()).isEqualTo(124);
    assertThat(m.at("/rows/staged").asLong()).isEqualTo(124);
    assertThat(m.at("/rows/quarantined").asLong()).isEqualTo(4);
  }

  @Test
  void aNightOverItsErrorBudgetExitsThreeUnpublishedAndTheNextGoodRunCleansUp() throws Exception {
    Set<Integer> bad = new java.util.HashSet<>();
    for (int i = 0; i < 200; i += 20) {
      bad.add(i); // 10 of 200 rows: 5%
    }
    Path out = tmp.resolve("out-budget");
    Path job = gatherJob("budget", gatherCsv("budget", 200, bad), out, "");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true));
    int code;
    try {
      code = Nightshift.execute(new String[] {"run", "--config", job.toString(), "--set", "run.id=night-1"});
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(3);
    assertThat(err.toString()).contains("10 of 200 rows rejected").contains("output.max-rejected-ratio 0.01")
        .contains("unpublished");

    JsonNode m = manifest(out);
    assertThat(m.at("/status").asText()).isEqualTo("error-budget-exceeded");
    assertThat(m.at("/rows/rejected").asLong()).isEqualTo(10);
    assertThat(m.at("/output/partitions_written").size()).isZero();
    assertThat(out.resolve("_nightshift/runs/night-1.json")).exists();
    assertThat(out.resolve("_rejected/dt=2026-11-28")).as("the quarantine is not published either").doesNotExist();
    assertThat(spark.read().parquet(out.resolve("_rejected/_nightshift/staging/night-1/data").toString()).count())
        .as("the rejected rows kept in staging").isEqualTo(10);
    assertThat(out.resolve("dt=2026-11-28")).as("the night's partition is not published").doesNotExist();
    Path staged = out.resolve("_nightshift/staging/night-1/data");
    assertThat(spark.read().parquet(staged.toString()).count()).as("results kept in staging").isEqualTo(190);
    assertThat(out.resolve("_nightshift/staging/night-1/rejected-json")).doesNotExist();

    // The same night again, with a budget that allows it: published, and the failed staging dropped.
    assertThat(Nightshift.execute(new String[] {
        "run", "--config", job.toString(), "--set", "run.id=night-2", "--set", "output.max-rejected-ratio=0.1"}))
        .isEqualTo(0);
    assertThat(spark.read().parquet(out.toString()).filter("dt = '2026-11-28'").count()).isEqualTo(190);
    assertThat(out.resolve("_nightshift/staging/night-1")).doesNotExist();
    assertThat(out.resolve("_rejected/_nightshift/staging/night-1")).doesNotExist();
    assertThat(spark.read().parquet(out.resolve("_rejected").toString()).filter("dt = '2026-11-28'").count())
        .as("the quarantine published once, with the night").isEqualTo(10);
    assertThat(manifest(out).at("/status").asText()).isEqualTo("ok");
  }

  @Test
  void aMalformedJsonLineIsQuarantinedWhole() throws Exception {
    Path out = tmp.resolve("out-malformed");
    Path job = mlpJob("malformed", Samples.mlpSmall(), out, "id BIGINT, features ARRAY<FLOAT>");
    Path input = tmp.resolve("malformed.jsonl");
    String broken = "{\"id\": 40, \"features\": [0.5, 0.25";
    Files.writeString(input, Files.readString(input) + broken + "\n");
    assertThat(Nightshift.execute(new String[] {
        "run", "--config", job.toString(), "--set", "output.max-rejected-ratio=0.05"})).isEqualTo(0);
    List<Row> q = spark.read().parquet(out.resolve("_rejected").toString())
        .select("reason_code", "reason", "input_json").collectAsList();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getString(0)).isEqualTo("null_feature");
    assertThat(q.get(0).getString(1)).isEqualTo("column 'features' is null");
    assertThat(JSON.readTree(q.get(0).getString(2)).get("_corrupt_record").asText()).isEqualTo(broken);
    assertThat(spark.read().parquet(out.toString()).count()).isEqualTo(40);
    assertThat(spark.read().parquet(out.toString()).columns()).doesNotContain("_corrupt_record");
  }

  // ---- pre-launch ------------------------------------------------------------------------------

  /**
   * Runs {@code run} and then {@code validate} with the same arguments: both exit 2 with the same
   * one message, and nothing is written under {@code out}. Returns the message.
   */
  static String refusedBeforeLaunch(Path out, Path config, String... sets) {
    String message = null;
    for (String command : List.of("run", "validate")) {
      List<String> args = new ArrayList<>(List.of(command, "--config", config.toString()));
      for (String s : sets) {
        args.add("--set");
        args.add(s);
      }
      PrintStream old = System.err;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      System.setErr(new PrintStream(err, true));
      int code;
      try {
        code = Nightshift.execute(args.toArray(String[]::new));
      } finally {
        System.setErr(old);
      }
      String line = err.toString().trim();
      assertThat(code).as(command + ": " + line).isEqualTo(2);
      assertThat(out.toFile()).as("nothing written by " + command).doesNotExist();
      if (message != null) {
        assertThat(line).as("validate says what run says").isEqualTo(message);
      }
      message = line;
    }
    return message;
  }

  static Path mlpJob(String name, Path model, Path out, String inputSchema) throws Exception {
    Path input = tmp.resolve(name + ".jsonl");
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      StringBuilder f = new StringBuilder();
      for (int j = 0; j < 32; j++) {
        f.append(j == 0 ? "" : ",").append((i + j) % 7 / 7.0);
      }
      rows.append("{\"id\":").append(i).append(",\"features\":[").append(f).append("]}\n");
    }
    Files.writeString(input, rows);
    Path file = tmp.resolve(name + ".yaml");
    Files.writeString(file, """
        input: {path: "%s", format: json, schema: "%s"}
        model: {uri: "%s", device: cpu}
        inference:
          inputs: {features: {columns: [features]}}
          outputs: {probabilities: {column: probs}}
        output: {path: "%s", pass-through: [id], partition-by: [dt]}
        run: {date: 2026-11-28}
        """.formatted(input, inputSchema, model, out));
    return file;
  }

  @Test
  void everyPreLaunchFailureExitsTwoNamingWhatIsWrongAndWritesNothing() throws Exception {
    Path out = tmp.resolve("out-refused");
    Path gather = gatherJob("refused", gatherCsv("refused", 20, Set.of()), out, "");
    Path mlp = mlpJob("mlp", Samples.mlpSmall(), out, "id BIGINT, features ARRAY<FLOAT>");

    // Input schema against the model signature.
    assertThat(refusedBeforeLaunch(out, mlp, "model.uri=" + Samples.mlpMedium()))
        .contains("inference.inputs.features.columns").contains("column 'features'")
        .contains("arrays of 32 values in its first 16 rows").contains("model input 'features' needs 64");
    assertThat(refusedBeforeLaunch(out, mlpJob("mlp-text", Samples.mlpSmall(), out, "id BIGINT, features ARRAY<STRING>")))
        .contains("inference.inputs.features.columns").contains("column 'features' is array<string>");
    assertThat(refusedBeforeLaunch(out, gather, "inference.inputs.index.columns=[id, index]"))
        .contains("inference.inputs.index.columns").contains("needs 1 columns, but 2 are mapped");
    assertThat(refusedBeforeLaunch(out, gather, "inference.inputs.index.columns=[idx]"))
        .contains("column 'idx' is not in the input");
    assertThat(refusedBeforeLaunch(out, gather, "inference.outputs.values.column=v"))
        .contains("has no output 'values'");
    assertThat(refusedBeforeLaunch(out, gather, "input.schema=id BIGINT, index BIGINTEGER"))
        .contains("input.schema").contains("not a Spark DDL schema");

    // Config.
    assertThat(refusedBeforeLaunch(out, gather, "output.max-rejected-ratio=1.5"))
        .contains("output.max-rejected-ratio").contains("1.5");
    assertThat(refusedBeforeLaunch(out, gather, "output.partition-by=[shard]"))
        .contains("output.partition-by").contains("'shard'");

    // Output paths.
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertThat(refusedBeforeLaunch(file.resolve("out"), gather, "output.path=" + file.resolve("out")))
        .contains("output.path").contains("is a file, not a folder");
    assertThat(refusedBeforeLaunch(out, gather, "output.rejected-path=" + file.resolve("rejected")))
        .contains("output.rejected-path").contains("is a file, not a folder");

    // Model safety.
    Path library = Files.writeString(tmp.resolve("libcustom.so"), "not really a library");
    assertThat(refusedBeforeLaunch(out, gather, "model.custom-ops-library=" + library))
        .contains("model.custom-ops-library").contains("libcustom.so").contains("model.allow-custom-ops");
    assertThat(refusedBeforeLaunch(out, gather, "model.custom-ops-library=" + tmp.resolve("missing.so"),
        "model.allow-custom-ops=true"))
        .contains("model.custom-ops-library").contains("missing.so").contains("not a readable local file");
    assertThat(refusedBeforeLaunch(out, gather, "model.custom-ops-library=" + library, "model.allow-custom-ops=true"))
        .contains("model.custom-ops-library: ONNX Runtime cannot load").contains("libcustom.so");
    for (String location : List.of("../secret.bin", "/etc/passwd", "weights/../../secret.bin")) {
      Path model = escapingModel(location);
      assertThat(refusedBeforeLaunch(out, mlp, "model.uri=" + model))
          .contains(model.toString()).contains("tensor '").contains("'" + location + "'")
          .contains("only files inside the model's own folder");
    }
    assertThat(out).doesNotExist();
  }

  /** mlp-external with its first external tensor pointed at {@code location}. */
  static Path escapingModel(String location) throws Exception {
    OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Samples.mlpExternal()));
    OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      OnnxMl.TensorProto t = graph.getInitializer(i);
      if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        OnnxMl.TensorProto.Builder b = t.toBuilder().clearExternalData();
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
          b.addExternalData(e.getKey().equals("location") ? e.toBuilder().setValue(location).build() : e);
        }
        graph.setInitializer(i, b);
        break;
      }
    }
    Path dir = Files.createDirectories(tmp.resolve("escaping-" + Math.abs(location.hashCode())));
    Path file = dir.resolve("model.onnx");
    Files.write(file, model.toBuilder().setGraph(graph).build().toByteArray());
    return file;
  }
}
