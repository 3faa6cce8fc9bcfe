package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.platform.Fp16Conversions;
import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bool, int8, uint8, int16 and float16 model inputs fed from boolean and wider numeric columns,
 * and a float16 output read back as float, through the job: values the type holds arrive exactly;
 * a value outside the type's range rejects its row as {@code out_of_range}, naming column, input
 * and range.
 */
class TensorTypesJobTest {
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
  }

  @Test
  void narrowTypesAreFedExactlyAndOutOfRangeRowsRejected() throws Exception {
    StructType schema = new StructType()
        .add("id", DataTypes.LongType)
        .add("flag", DataTypes.BooleanType)
        .add("tiny", DataTypes.IntegerType)
        .add("octet", DataTypes.IntegerType)
        .add("small", DataTypes.IntegerType)
        .add("half", DataTypes.DoubleType);
    List<Row> rows = List.of(
        RowFactory.create(0L, true, -128, 255, -32768, 0.5),
        RowFactory.create(1L, false, 127, 0, 32767, 65504.0),
        RowFactory.create(2L, true, 5, 300, 1, 1.0),
        RowFactory.create(3L, true, -129, 1, 1, 1.0),
        RowFactory.create(4L, true, 1, 1, 40000, 1.0),
        RowFactory.create(5L, true, 1, 1, 1, 70000.0),
        RowFactory.create(6L, false, 2, 3, 4, 0.1));
    Path input = tmp.resolve("typed-in");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());
    Path out = tmp.resolve("typed-out");
    Path job = tmp.resolve("typed.yaml");
    Files.writeString(job, """
        input: {path: %s, format: parquet}
        model: {uri: %s, device: cpu}
        inference:
          batch-size: 3
          inputs:
            flag: {columns: [flag]}
            tiny: {columns: [tiny]}
            octet: {columns: [octet]}
            small: {columns: [small]}
            half_in: {columns: [half]}
          outputs:
            values: {column: values}
            half_out: {column: half_back}
        output: {path: %s, pass-through: [id], max-rejected-ratio: 0.9}
        run: {date: 2026-11-28}
        """.formatted(input, Samples.typedInputs(), out));
    assertThat(Nightshift.execute(new String[] {"run", "--config", job.toString()})).isEqualTo(0);

    Map<Long, Row> scored = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      scored.put(r.getLong(r.fieldIndex("id")), r);
    }
    assertThat(scored.keySet()).containsExactlyInAnyOrder(0L, 1L, 6L);
    assertThat(scored.get(0L).<Float>getList(scored.get(0L).fieldIndex("values")))
        .containsExactly(1f, -128f, 255f, -32768f, 0.5f);
    assertThat(scored.get(1L).<Float>getList(scored.get(1L).fieldIndex("values")))
        .containsExactly(0f, 127f, 0f, 32767f, 65504f);
    float tenth = Fp16Conversions.fp16ToFloat(Fp16Conversions.floatToFp16(0.1f));
    assertThat(tenth).isEqualTo(0.0999755859375f);
    assertThat(scored.get(6L).<Float>getList(scored.get(6L).fieldIndex("values")))
        .containsExactly(0f, 2f, 3f, 4f, tenth);
    assertThat(scored.get(6L).<Float>getList(scored.get(6L).fieldIndex("half_back"))).containsExactly(tenth);
    assertThat(scored.get(1L).<Float>getList(scored.get(1L).fieldIndex("half_back"))).containsExactly(65504f);

    Map<Long, String> reasons = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("_rejected").toString()).collectAsList()) {
      assertThat(r.getString(r.fieldIndex("reason_code"))).isEqualTo("out_of_range");
      reasons.put(r.getLong(r.fieldIndex("id")), r.getString(r.fieldIndex("reason")));
    }
    assertThat(reasons).containsOnly(
        Map.entry(2L, "column 'octet' holds 300, outside the range of model input 'octet' (UINT8: 0 to 255)"),
        Map.entry(3L, "column 'tiny' holds -129, outside the range of model input 'tiny' (INT8: -128 to 127)"),
        Map.entry(4L, "column 'small' holds 40000, outside the range of model input 'small' (INT16: -32768 to 32767)"),
        Map.entry(5L, "column 'half' holds 70000.0, outside the range of model input 'half_in'"
            + " (FLOAT16: magnitudes up to 65504)"));
  }
}
