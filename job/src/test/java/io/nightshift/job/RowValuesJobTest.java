package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every value on the row path comes out right or is rejected with its reason, never changed and
 * never dependent on the row's neighbours (the real job: Spark local[2], ONNX Runtime, small models
 * made with the ONNX protobuf classes): non-finite outputs, big integers and decimals, integer
 * overflow, ragged arrays, fixed batch dimensions, and the quarantine's values.
 */
class RowValuesJobTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get();
  }

  /** A finished run: exit code, output rows and quarantined rows by id, the manifest. */
  record Night(int exit, Map<Long, Row> scored, Map<Long, Row> rejected, JsonNode manifest) {}

  /** Writes {@code rows} of {@code schema} as one Parquet folder. */
  static Path parquet(String name, StructType schema, Row... rows) {
    Path dir = tmp.resolve(name + "-input");
    spark.createDataFrame(Arrays.asList(rows), schema).coalesce(1).write().parquet(dir.toString());
    return dir;
  }

  /** Runs the job over {@code input} ({@code format} with its extra input settings) and reads what it wrote. */
  static Night run(String name, Path input, String format, Path model, String inputs, String outputs,
      String passThrough, String... sets) throws Exception {
    Path out = tmp.resolve(name + "-out");
    Path job = tmp.resolve(name + ".yaml");
    Files.writeString(job, """
        input: {path: "%s", format: %s}
        model: {uri: "%s", device: cpu}
        inference:
          inputs: %s
          outputs: %s
        output: {path: "%s", pass-through: [%s], partition-by: [dt], max-rejected-ratio: 0.5}
        run: {date: 2026-11-28}
        """.formatted(input, format, model, inputs, outputs, out, passThrough));
    List<String> args = new ArrayList<>(List.of("run", "--config", job.toString()));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    int exit = Nightshift.execute(args.toArray(String[]::new));
    Map<Long, Row> scored = new TreeMap<>();
    Map<Long, Row> rejected = new TreeMap<>();
    if (Files.exists(out.resolve("dt=2026-11-28"))) {
      for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
        scored.put(r.getLong(r.fieldIndex("id")), r);
      }
    }
    if (Files.exists(out.resolve("_rejected"))) {
      for (Row r : spark.read().parquet(out.resolve("_rejected").toString()).collectAsList()) {
        rejected.put(r.getLong(r.fieldIndex("id")), r);
      }
    }
    JsonNode manifest = JSON.readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    return new Night(exit, scored, rejected, manifest);
  }

  static StructType idAnd(String ddl) {
    return StructType.fromDDL("id BIGINT, " + ddl);
  }

  static String code(Row r) {
    return r.getString(r.fieldIndex("reason_code"));
  }

  static String reason(Row r) {
    return r.getString(r.fieldIndex("reason"));
  }

  // ---- 1. non-finite outputs -------------------------------------------------------------------

  @Test
  void aNonFiniteOutputRejectsTheRowBeforeArgmaxAndUnderPassGivesNoLabel() throws Exception {
    Path sqrt = SmallModels.unary(tmp.resolve("sqrt.onnx"), "Sqrt", DataType.FLOAT, "N", 3L);
    Path input = parquet("sqrt", idAnd("x ARRAY<FLOAT>"),
        RowFactory.create(0L, List.of(-1f, -1f, -1f)), // every class NaN
        RowFactory.create(1L, List.of(4f, -1f, 1f)), // NaN in class b only
        RowFactory.create(2L, List.of(1f, 9f, 4f)),
        RowFactory.create(3L, List.of(9f, 1f, 0f)),
        RowFactory.create(4L, List.of(0f, 0f, 16f)));
    String inputs = "{x: {columns: [x]}}";
    String argmax = "{y: {column: label, post: argmax, labels: [a, b, c]}}";

    Night reject = run("nan-reject", input, "parquet", sqrt, inputs, argmax, "id");
    assertThat(reject.exit()).isZero();
    assertThat(reject.scored()).containsOnlyKeys(2L, 3L, 4L);
    assertThat(reject.scored().values()).extracting(r -> r.getString(r.fieldIndex("label")))
        .containsExactly("b", "a", "c");
    assertThat(reject.rejected()).containsOnlyKeys(0L, 1L);
    assertThat(reject.rejected().values()).extracting(RowValuesJobTest::code)
        .containsOnly("non_finite_output");
    assertThat(reason(reject.rejected().get(0L))).isEqualTo("model output 'y' is NaN at index 0");
    assertThat(reason(reject.rejected().get(1L))).isEqualTo("model output 'y' is NaN at index 1");
    assertThat(reject.manifest().at("/rows/rejected_by_reason/non_finite_output").asLong()).isEqualTo(2);

    Night pass = run("nan-pass-argmax", input, "parquet", sqrt, inputs, argmax, "id",
        "inference.non-finite=pass");
    assertThat(pass.rejected()).isEmpty();
    assertThat(pass.scored()).hasSize(5);
    assertThat(pass.scored().values()).extracting(r -> r.getString(r.fieldIndex("label")))
        .containsExactly(null, null, "b", "a", "c");

    Night topk = run("nan-pass-topk", input, "parquet", sqrt, inputs,
        "{y: {column: top, post: top-k, k: 2, labels: [a, b, c]}}", "id", "inference.non-finite=pass");
    assertThat(topk.scored().get(1L).isNullAt(topk.scored().get(1L).fieldIndex("top"))).isTrue();
    assertThat(topk.scored().get(2L).<String>getList(topk.scored().get(2L).fieldIndex("top")))
        .containsExactly("b", "c");

    // Raw output under reject: the NaN check and the written values share one copy of the tensor.
    Night rawReject = run("nan-reject-raw", input, "parquet", sqrt, inputs, "{y: {column: y}}", "id");
    assertThat(rawReject.rejected()).containsOnlyKeys(0L, 1L);
    assertThat(reason(rawReject.rejected().get(1L))).isEqualTo("model output 'y' is NaN at index 1");
    assertThat(rawReject.scored()).containsOnlyKeys(2L, 3L, 4L);
    assertThat(rawReject.scored().get(2L).<Float>getList(1)).containsExactly(1f, 3f, 2f);
    assertThat(rawReject.scored().get(3L).<Float>getList(1)).containsExactly(3f, 1f, 0f);
    assertThat(rawReject.scored().get(4L).<Float>getList(1)).containsExactly(0f, 0f, 4f);

    Night raw = run("nan-pass-raw", input, "parquet", sqrt, inputs, "{y: {column: y}}", "id",
        "inference.non-finite=pass");
    assertThat(raw.scored().get(1L).<Float>getList(1)).containsExactly(2f, Float.NaN, 1f);
    assertThat(raw.scored().get(0L).<Float>getList(1)).containsExactly(Float.NaN, Float.NaN, Float.NaN);
  }

  // ---- 2. big integers and decimals, exactly -----------------------------------------------------

  @Test
  void bigIntegersFromCsvAreExactAndAFloatInputRefusesWhatItWouldRound() throws Exception {
    Path csv = tmp.resolve("big.csv");
    Files.writeString(csv, """
        id,k
        0,9007199254740993
        1,-9007199254740993
        2,9223372036854775807
        3,16777216
        4,16777217
        5,16777218
        6,99999999999999999999
        """);
    String format = "csv, options: {header: true}, schema: \"id BIGINT, k BIGINT\"";
    Path int64 = SmallModels.unary(tmp.resolve("id-int64.onnx"), "Identity", DataType.INT64, "N", 1L);
    Night exact = run("big-int64", csv, format, int64, "{x: {columns: [k]}}", "{y: {column: y}}", "id, k");
    assertThat(exact.exit()).isZero();
    for (long id : new long[] {0, 1, 2, 3, 4, 5}) {
      Row r = exact.scored().get(id);
      assertThat(r.<Long>getList(r.fieldIndex("y"))).as("row %d", id).containsExactly(r.getLong(r.fieldIndex("k")));
    }
    assertThat(exact.scored().get(0L).<Long>getList(2)).containsExactly(9007199254740993L);
    assertThat(exact.rejected()).containsOnlyKeys(6L);
    assertThat(code(exact.rejected().get(6L))).isEqualTo("out_of_range");
    assertThat(reason(exact.rejected().get(6L))).isEqualTo("column 'k' holds 99999999999999999999, outside the range"
        + " of model input 'x' (INT64: -9223372036854775808 to 9223372036854775807)");

    Path float32 = SmallModels.unary(tmp.resolve("id-float.onnx"), "Identity", DataType.FLOAT, "N", 1L);
    Night floats = run("big-float", csv, format, float32, "{x: {columns: [k]}}", "{y: {column: y}}", "id, k",
        "output.max-rejected-ratio=0.9");
    assertThat(floats.exit()).isZero();
    assertThat(floats.scored()).containsOnlyKeys(3L, 5L);
    assertThat(floats.scored().get(3L).<Float>getList(2)).containsExactly(16777216f);
    assertThat(floats.scored().get(5L).<Float>getList(2)).containsExactly(16777218f);
    assertThat(floats.rejected()).containsOnlyKeys(0L, 1L, 2L, 4L, 6L);
    assertThat(code(floats.rejected().get(4L))).isEqualTo("inexact");
    assertThat(reason(floats.rejected().get(4L))).isEqualTo(
        "column 'k' holds 16777217, which model input 'x' (FLOAT) cannot hold exactly (it would be 16777216)");
    assertThat(reason(floats.rejected().get(0L))).isEqualTo("column 'k' holds 9007199254740993, which model"
        + " input 'x' (FLOAT) cannot hold exactly (it would be 9007199254740992)");
    assertThat(code(floats.rejected().get(6L))).isEqualTo("inexact");
  }

  // ---- 6. decimals ------------------------------------------------------------------------------

  @Test
  void decimalColumnsAreScoredAndAWholeDecimalFeedsInt64Exactly() throws Exception {
    Path float3 = SmallModels.unary(tmp.resolve("id-float3.onnx"), "Identity", DataType.FLOAT, "N", 3L);
    Path input = parquet("decimal", idAnd("a DECIMAL(10,2), b DECIMAL(10,2), c DECIMAL(10,2), k DECIMAL(20,0)"),
        RowFactory.create(0L, new BigDecimal("25.00"), new BigDecimal("0.20"), new BigDecimal("-6.50"),
            new BigDecimal("9007199254740993")),
        RowFactory.create(1L, new BigDecimal("-0.01"), new BigDecimal("12345678.99"), BigDecimal.ZERO.setScale(2),
            new BigDecimal("-12")),
        RowFactory.create(2L, new BigDecimal("1.00"), new BigDecimal("2.00"), new BigDecimal("3.00"),
            new BigDecimal("99999999999999999999")));
    Night decimals = run("decimal-float", input, "parquet", float3, "{x: {columns: [a, b, c]}}",
        "{y: {column: y}}", "id");
    assertThat(decimals.exit()).isZero();
    assertThat(decimals.rejected()).isEmpty();
    assertThat(decimals.scored().get(0L).<Float>getList(1)).containsExactly(25.0f, 0.2f, -6.5f);
    assertThat(decimals.scored().get(1L).<Float>getList(1)).containsExactly(-0.01f, 12345679f, 0f);

    Path int64 = SmallModels.unary(tmp.resolve("id-int64.onnx"), "Identity", DataType.INT64, "N", 1L);
    Night wide = run("decimal-int64", input, "parquet", int64, "{x: {columns: [k]}}", "{y: {column: y}}", "id");
    assertThat(wide.scored().get(0L).<Long>getList(1)).containsExactly(9007199254740993L);
    assertThat(wide.scored().get(1L).<Long>getList(1)).containsExactly(-12L);
    assertThat(wide.rejected()).containsOnlyKeys(2L);
    assertThat(code(wide.rejected().get(2L))).isEqualTo("out_of_range");
  }

  // ---- 7. integer overflow ------------------------------------------------------------------------

  @Test
  void aBigintBeyondInt32IsRejectedOutOfRangeAndTheOthersAreScored() throws Exception {
    Path input = parquet("overflow", idAnd("big BIGINT, arr ARRAY<BIGINT>"),
        RowFactory.create(0L, 1L, List.of(1L, 2L, 3L)),
        RowFactory.create(1L, 3000000000L, List.of(4L, 5L, 6L)),
        RowFactory.create(2L, -2147483648L, List.of(7L, 3000000000L, 9L)),
        RowFactory.create(3L, 2147483647L, List.of(-2147483648L, 0L, 2147483647L)));
    Path int32 = SmallModels.unary(tmp.resolve("id-int32.onnx"), "Identity", DataType.INT32, "N", 1L);
    Night scalar = run("overflow-scalar", input, "parquet", int32, "{x: {columns: [big]}}", "{y: {column: y}}", "id");
    assertThat(scalar.exit()).isZero();
    assertThat(scalar.scored()).containsOnlyKeys(0L, 2L, 3L);
    assertThat(scalar.scored().get(2L).<Integer>getList(1)).containsExactly(-2147483648);
    assertThat(scalar.scored().get(3L).<Integer>getList(1)).containsExactly(2147483647);
    assertThat(code(scalar.rejected().get(1L))).isEqualTo("out_of_range");
    assertThat(reason(scalar.rejected().get(1L))).isEqualTo("column 'big' holds 3000000000, outside the range"
        + " of model input 'x' (INT32: -2147483648 to 2147483647)");

    Path int32x3 = SmallModels.unary(tmp.resolve("id-int32x3.onnx"), "Identity", DataType.INT32, "N", 3L);
    Night array = run("overflow-array", input, "parquet", int32x3, "{x: {columns: [arr]}}", "{y: {column: y}}", "id");
    assertThat(array.scored()).containsOnlyKeys(0L, 1L, 3L);
    assertThat(array.scored().get(3L).<Integer>getList(1)).containsExactly(-2147483648, 0, 2147483647);
    assertThat(reason(array.rejected().get(2L))).isEqualTo("column 'arr' holds 3000000000 at index 1, outside"
        + " the range of model input 'x' (INT32: -2147483648 to 2147483647)");
  }

  // ---- 5. ragged arrays ---------------------------------------------------------------------------

  /** 40 rows whose arrays alternate 3 and 4 values. */
  static Path raggedInput() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<Float> x = new ArrayList<>();
      for (int j = 0; j < (i % 2 == 0 ? 3 : 4); j++) {
        x.add(i + j / 10f);
      }
      rows.add(RowFactory.create((long) i, x));
    }
    return parquet("ragged", idAnd("x ARRAY<FLOAT>"), rows.toArray(Row[]::new));
  }

  @Test
  void raggedArraysAreScoredWhateverTheBatchSize() throws Exception {
    Path input = raggedInput();
    Path identity = SmallModels.unary(tmp.resolve("id-ragged.onnx"), "Identity", DataType.FLOAT, "N", "L");
    for (int batch : new int[] {1, 7, 1024}) {
      Night night = run("ragged-" + batch, input, "parquet", identity, "{x: {columns: [x]}}", "{y: {column: y}}",
          "id, x", "inference.batch-size=" + batch);
      assertThat(night.exit()).isZero();
      assertThat(night.rejected()).as("batch size %d", batch).isEmpty();
      assertThat(night.scored()).hasSize(40);
      night.scored().forEach((id, r) ->
          assertThat(r.<Float>getList(r.fieldIndex("y"))).as("row %d", id).isEqualTo(r.getList(r.fieldIndex("x"))));
    }
  }

  // ---- 15. fixed batch dimension ------------------------------------------------------------------

  @Test
  void aFixedBatchDimensionGetsRunsOfExactlyThatSize() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      rows.add(RowFactory.create((long) i, List.of(i * 1f, i + 0.5f, -i * 1f, 1f / (i + 1))));
    }
    Path input = parquet("fixed", idAnd("x ARRAY<FLOAT>"), rows.toArray(Row[]::new));
    for (long b : new long[] {1, 2}) {
      Path model = SmallModels.doubling(tmp.resolve("doubling-" + b + ".onnx"), b, 4L);
      Night night = run("fixed-" + b, input, "parquet", model, "{x: {columns: [x]}}", "{y: {column: y}}",
          "id, x", "inference.batch-size=64");
      assertThat(night.exit()).as("batch %d", b).isZero();
      assertThat(night.rejected()).isEmpty();
      assertThat(night.scored()).hasSize(9);
      night.scored().forEach((id, r) -> {
        List<Float> x = r.getList(r.fieldIndex("x"));
        assertThat(r.<Float>getList(r.fieldIndex("y"))).as("row %d", id)
            .containsExactly(2 * x.get(0), 2 * x.get(1), 2 * x.get(2), 2 * x.get(3));
      });
      assertThat(night.manifest().at("/batches_bisected").asLong()).isZero();
    }
  }

  // ---- 16. quarantine values -----------------------------------------------------------------------

  @Test
  void aRejectedRowKeepsItsValuesAndTypesAndItsJsonReplays() throws Exception {
    StructType schema = idAnd("x FLOAT, ts TIMESTAMP, ntz TIMESTAMP_NTZ, d DATE, s STRUCT<a: INT, b: STRING>,"
        + " tags ARRAY<STRING>");
    Timestamp ts = Timestamp.valueOf("2026-11-26 23:59:58.123456");
    LocalDateTime ntz = LocalDateTime.parse("2026-11-26T07:08:09.654321");
    Date d = Date.valueOf("2026-11-26");
    Path input = parquet("quarantine", schema,
        RowFactory.create(0L, 1.5f, ts, ntz, d, RowFactory.create(7, "x"), List.of("p", "q")),
        RowFactory.create(1L, null, ts, ntz, d, RowFactory.create(8, "y \"quoted\""), List.of()));
    Path float1 = SmallModels.unary(tmp.resolve("id-float.onnx"), "Identity", DataType.FLOAT, "N", 1L);
    Night night = run("quarantine", input, "parquet", float1, "{x: {columns: [x]}}", "{y: {column: y}}",
        "id, ts, ntz, d, s");
    assertThat(night.exit()).isZero();
    assertThat(night.scored()).containsOnlyKeys(0L);
    assertThat(night.rejected()).containsOnlyKeys(1L);

    StructType quarantine = spark.read().parquet(tmp.resolve("quarantine-out/_rejected").toString()).schema();
    for (String c : List.of("id", "ts", "ntz", "d", "s")) {
      assertThat(quarantine.apply(c).dataType()).as(c).isEqualTo(schema.apply(c).dataType());
    }
    Row q = night.rejected().get(1L);
    assertThat(code(q)).isEqualTo("null_feature");
    assertThat(q.<Timestamp>getAs("ts")).isEqualTo(ts);
    assertThat(q.<LocalDateTime>getAs("ntz")).isEqualTo(ntz);
    assertThat(q.<Date>getAs("d")).isEqualTo(d);
    assertThat(q.<Row>getAs("s")).isEqualTo(RowFactory.create(8, "y \"quoted\""));

    JsonNode json = JSON.readTree(q.<String>getAs("input_json"));
    assertThat(json.get("id").asLong()).isEqualTo(1);
    assertThat(json.get("x").isNull()).isTrue();
    assertThat(json.get("d").asText()).isEqualTo("2026-11-26");
    assertThat(json.get("ntz").asText()).isEqualTo("2026-11-26T07:08:09.654321");
    assertThat(java.time.OffsetDateTime.parse(json.get("ts").asText()).toInstant()).isEqualTo(ts.toInstant());
    assertThat(json.get("s").get("a").asInt()).isEqualTo(8);
    assertThat(json.get("s").get("b").asText()).isEqualTo("y \"quoted\"");
    assertThat(json.get("tags").isArray()).isTrue();
    assertThat(json.get("tags")).isEmpty();
    // Replayed: from_json with the input schema gives the row back.
    Row replayed = spark.createDataFrame(List.of(RowFactory.create(q.<String>getAs("input_json"))),
            new StructType().add("j", DataTypes.StringType))
        .select(org.apache.spark.sql.functions.from_json(org.apache.spark.sql.functions.col("j"), schema).alias("r"))
        .select("r.*").first();
    Row original = spark.read().parquet(input.toString()).where("id = 1").first();
    assertThat(replayed).isEqualTo(original);
  }
}
