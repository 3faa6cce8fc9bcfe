package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import io.nightshift.samples.onnx.GatherModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: whatever mix of bad rows a night holds, every row is accounted for. For each seed a
 * dataset of 1 to 5,000 rows is generated with corruptions of every kind at a random rate, and the
 * real job runs over it (Spark local[2], ONNX Runtime). Then read = written + rejected, every
 * corrupted row is in the quarantine with the reason it was corrupted for and its original values,
 * and every clean row is in the output with the prediction plain ONNX Runtime gives it.
 *
 * <p>Even seeds feed an array column (JSON) to mlp-small: null arrays, null elements, wrong
 * lengths, NaN and infinities (rejected, or passed through with {@code inference.non-finite:
 * pass}). Odd seeds feed a text column (CSV) to the faulty Gather model: empty fields, text that is
 * not a number, fractions for an int64 input, NaN/Inf, and indices that make ONNX Runtime throw.
 */
class RowQualityPropertyTest {
  static final int SEEDS = 24;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static SparkSession spark;
  static OrtEnvironment env;
  static OrtSession mlp;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.get();
    env = OrtEnvironment.getEnvironment();
    mlp = env.createSession(Samples.mlpSmall().toString(), new OrtSession.SessionOptions());
  }

  @AfterAll
  static void tearDown() throws Exception {
    mlp.close();
  }

  static Stream<Long> seeds() {
    return IntStream.rangeClosed(1, SEEDS).mapToObj(i -> 7919L * i);
  }

  /** What a generated row should become: a reason code, or a clean row (null). */
  enum Corruption {
    NULL_ARRAY("null_feature"),
    NULL_ELEMENT("null_feature"),
    SHORT("wrong_length"),
    LONG("wrong_length"),
    EMPTY("wrong_length"),
    NAN("non_finite"),
    INF("non_finite"),
    EMPTY_FIELD("null_feature"),
    TEXT("not_a_number"),
    FRACTION("not_a_number"),
    TEXT_NAN("non_finite"),
    OUT_OF_RANGE("model_error");

    final String code;

    Corruption(String code) {
      this.code = code;
    }
  }

  static final List<Corruption> ARRAY_KINDS = List.of(
      Corruption.NULL_ARRAY, Corruption.NULL_ELEMENT, Corruption.SHORT, Corruption.LONG,
      Corruption.EMPTY, Corruption.NAN, Corruption.INF);
  static final List<Corruption> TEXT_KINDS = List.of(
      Corruption.EMPTY_FIELD, Corruption.TEXT, Corruption.FRACTION, Corruption.TEXT_NAN,
      Corruption.OUT_OF_RANGE);

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyRowIsWrittenOrQuarantinedWithItsReason(long seed) throws Exception {
    Random rnd = new Random(seed);
    int index = (int) (seed / 7919L);
    int rows = index == 1 ? 1 : index == 2 ? 5000 : 1 + rnd.nextInt(rnd.nextBoolean() ? 60 : 3000);
    double rate = rnd.nextDouble() * 0.4;
    int batch = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 400);
    Path dir = Files.createDirectories(tmp.resolve("seed-" + seed));
    if (index % 2 == 0) {
      arrays(rnd, rows, rate, batch, dir, index % 4 == 0);
    } else {
      texts(rnd, rows, rate, batch, dir, index % 3 == 0);
    }
  }

  // ---- even seeds: array<float> of 32 into mlp-small ------------------------------------------

  private void arrays(Random rnd, int rows, double rate, int batch, Path dir, boolean passNonFinite)
      throws Exception {
    Map<Long, String> expectedReason = new TreeMap<>();
    Map<Long, float[]> features = new HashMap<>();
    StringBuilder jsonl = new StringBuilder();
    for (long id = 0; id < rows; id++) {
      float[] f = new float[32];
      for (int j = 0; j < f.length; j++) {
        f[j] = rnd.nextFloat() * 2 - 1;
      }
      Corruption c = rnd.nextDouble() < rate ? ARRAY_KINDS.get(rnd.nextInt(ARRAY_KINDS.size())) : null;
      String array = switch (c == null ? "clean" : c.name()) {
        case "NULL_ARRAY" -> "null";
        case "NULL_ELEMENT" -> jsonArray(f, rnd.nextInt(32), "null");
        case "SHORT" -> jsonArray(java.util.Arrays.copyOf(f, 1 + rnd.nextInt(31)), -1, null);
        case "LONG" -> jsonArray(java.util.Arrays.copyOf(f, 33 + rnd.nextInt(8)), -1, null);
        case "EMPTY" -> "[]";
        case "NAN" -> {
          int at = rnd.nextInt(32);
          f[at] = Float.NaN;
          yield jsonArray(f, at, "NaN");
        }
        case "INF" -> {
          int at = rnd.nextInt(32);
          boolean negative = rnd.nextBoolean();
          f[at] = negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
          yield jsonArray(f, at, negative ? "-Infinity" : "Infinity");
        }
        default -> jsonArray(f, -1, null);
      };
      boolean passes = c == null || (passNonFinite && (c == Corruption.NAN || c == Corruption.INF));
      if (passes) {
        features.put(id, f);
      } else {
        expectedReason.put(id, c.code);
      }
      jsonl.append("{\"id\":").append(id).append(",\"features\":").append(array).append("}\n");
    }
    Path input = dir.resolve("rows.jsonl");
    Files.writeString(input, jsonl);
    Path out = dir.resolve("out");
    String config = """
        input: {path: "%s", format: json, schema: "id BIGINT, features ARRAY<FLOAT>"}
        model: {uri: "%s", device: cpu}
        inference:
          batch-size: %d
          non-finite: %s
          inputs: {features: {columns: [features]}}
          outputs: {probabilities: {column: probs}}
        output: {path: "%s", pass-through: [id], partition-by: [dt], max-rejected-ratio: 1.0}
        run: {date: 2026-11-28, id: prop}
        """.formatted(input, Samples.mlpSmall(), batch, passNonFinite ? "pass" : "reject", out);
    runJob(dir, config);

    Map<Long, float[]> expected = plainMlp(features);
    Map<Long, List<Float>> got = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).select("id", "probs").collectAsList()) {
      assertThat(got.put(r.getLong(0), r.getList(1))).as("row %d written once", r.getLong(0)).isNull();
    }
    assertThat(got.keySet()).as("clean rows written").isEqualTo(expected.keySet());
    expected.forEach((id, want) -> {
      List<Float> have = got.get(id);
      for (int i = 0; i < want.length; i++) {
        if (Float.isNaN(want[i])) {
          assertThat(have.get(i)).as("row %d", id).isNaN();
        } else {
          assertThat(have.get(i)).as("row %d output %d", id, i)
              .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
    });
    checkBooks(out, rows, expected.size(), expectedReason, (id, original) ->
        assertThat(original.get("id").asLong()).isEqualTo(id));
  }

  private static String jsonArray(float[] f, int at, String literal) {
    StringBuilder sb = new StringBuilder("[");
    for (int j = 0; j < f.length; j++) {
      if (j > 0) {
        sb.append(',');
      }
      sb.append(j == at ? literal : Float.toString(f[j]));
    }
    return sb.append(']').toString();
  }

  private static Map<Long, float[]> plainMlp(Map<Long, float[]> features) throws Exception {
    Map<Long, float[]> out = new HashMap<>();
    if (features.isEmpty()) {
      return out;
    }
    List<Long> ids = new ArrayList<>(features.keySet());
    float[][] x = new float[ids.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = features.get(ids.get(i));
    }
    try (OnnxTensor t = OnnxTensor.createTensor(env, x); OrtSession.Result r = mlp.run(Map.of("features", t))) {
      float[][] y = (float[][]) r.get(0).getValue();
      for (int i = 0; i < y.length; i++) {
        out.put(ids.get(i), y[i]);
      }
    }
    return out;
  }

  // ---- odd seeds: CSV text into the faulty Gather model's int64 index -------------------------

  private void texts(Random rnd, int rows, double rate, int batch, Path dir, boolean schema) throws Exception {
    Map<Long, String> expectedReason = new TreeMap<>();
    Map<Long, String> originals = new HashMap<>();
    Map<Long, Long> clean = new HashMap<>();
    StringBuilder csv = new StringBuilder("id,index,note\n");
    List<String> words = List.of("abc", "1..2", "12f", "x9", "0x10", "--3", "1e", "seven");
    List<String> nonFinite = List.of("NaN", "Inf", "-Inf", "Infinity");
    for (long id = 0; id < rows; id++) {
      Corruption c = rnd.nextDouble() < rate ? TEXT_KINDS.get(rnd.nextInt(TEXT_KINDS.size())) : null;
      long good = rnd.nextInt(20) - 10;
      String value = switch (c == null ? "clean" : c.name()) {
        case "EMPTY_FIELD" -> "";
        case "TEXT" -> words.get(rnd.nextInt(words.size()));
        case "FRACTION" -> good + ".5";
        case "TEXT_NAN" -> nonFinite.get(rnd.nextInt(nonFinite.size()));
        case "OUT_OF_RANGE" -> Long.toString(rnd.nextBoolean() ? 10 + rnd.nextInt(5000) : -11 - rnd.nextInt(5000));
        default -> Long.toString(good);
      };
      if (c == null) {
        clean.put(id, good);
      } else {
        expectedReason.put(id, c.code);
        originals.put(id, value);
      }
      csv.append(id).append(',').append(value).append(",note ").append(id).append('\n');
    }
    Path input = dir.resolve("rows.csv");
    Files.writeString(input, csv);
    Path out = dir.resolve("out");
    String config = """
        input: {path: "%s", format: csv, options: {header: true}, schema: "%s"}
        model: {uri: "%s", device: cpu}
        inference:
          batch-size: %d
          inputs: {index: {columns: [index]}}
          outputs: {value: {column: value}}
        output: {path: "%s", pass-through: [id, note], partition-by: [dt], max-rejected-ratio: 1.0}
        run: {date: 2026-11-28, id: prop}
        """.formatted(input, schema ? "id BIGINT, index BIGINT, note STRING" : "", Samples.faultyGather(), batch, out);
    runJob(dir, config);

    Map<Long, List<Float>> got = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).select("id", "value").collectAsList()) {
      long id = Long.parseLong(r.get(0).toString());
      assertThat(got.put(id, r.getList(1))).as("row %d written once", id).isNull();
    }
    assertThat(got.keySet()).as("clean rows written").isEqualTo(clean.keySet());
    clean.forEach((id, index) -> {
      float[] want = GatherModel.row(index);
      assertThat(got.get(id)).as("row %d", id).containsExactly(want[0], want[1]);
    });
    checkBooks(out, rows, clean.size(), expectedReason, (id, original) -> {
      assertThat(original.get("id").asText()).isEqualTo(Long.toString(id));
      String value = originals.get(id);
      if (value.isEmpty()) {
        assertThat(original.get("index").isNull()).as("row %d index", id).isTrue();
      } else {
        assertThat(original.get("index").asText()).as("row %d index as read", id).isEqualTo(value);
      }
    });
  }

  // ---- shared ---------------------------------------------------------------------------------

  private static void runJob(Path dir, String yaml) throws Exception {
    Path config = dir.resolve("job.yaml");
    Files.writeString(config, yaml);
    assertThat(Nightshift.execute(new String[] {"run", "--config", config.toString()})).isEqualTo(0);
  }

  /** Manifest and quarantine agree with what was generated. */
  private static void checkBooks(Path out, int rows, int clean, Map<Long, String> expectedReason,
      java.util.function.BiConsumer<Long, JsonNode> original) throws Exception {
    JsonNode m = JSON.readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    long read = m.at("/rows/read").asLong();
    long written = m.at("/rows/written").asLong();
    long rejected = m.at("/rows/rejected").asLong();
    assertThat(read).isEqualTo(rows);
    assertThat(written + rejected).as("read = written + rejected").isEqualTo(read);
    assertThat(written).isEqualTo(clean);
    assertThat(m.at("/rows/balanced").asBoolean()).isTrue();
    Map<String, Long> byReason = new TreeMap<>();
    expectedReason.values().forEach(code -> byReason.merge(code, 1L, Long::sum));
    Map<String, Long> manifestReasons = new TreeMap<>();
    m.at("/rows/rejected_by_reason").fields().forEachRemaining(e -> manifestReasons.put(e.getKey(), e.getValue().asLong()));
    assertThat(manifestReasons).isEqualTo(byReason);
    if (byReason.containsKey("model_error")) {
      assertThat(m.at("/batches_bisected").asLong()).isPositive();
    }

    Path quarantine = out.resolve("_rejected");
    Map<Long, String> quarantined = new TreeMap<>();
    if (!expectedReason.isEmpty()) {
      List<Row> q = spark.read().parquet(quarantine.toString())
          .select("id", "reason_code", "reason", "input_json", "dt").collectAsList();
      for (Row r : q) {
        long id = Long.parseLong(r.get(0).toString());
        assertThat(quarantined.put(id, r.getString(1))).as("row %d quarantined once", id).isNull();
        assertThat(r.getString(2)).as("reason of row %d", id).isNotBlank();
        assertThat(r.get(4).toString()).isEqualTo("2026-11-28");
        original.accept(id, JSON.readTree(r.getString(3)));
      }
    } else {
      assertThat(quarantine.resolve("dt=2026-11-28")).doesNotExist();
    }
    assertThat(quarantined).isEqualTo(expectedReason);
  }
}
