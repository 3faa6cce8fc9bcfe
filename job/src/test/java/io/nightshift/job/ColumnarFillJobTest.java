package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.samples.Samples;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import io.nightshift.spark.TaskReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet scored through the bulk columnar fill gives the row path's results, bit for bit on the
 * small MLP, and the row path's quarantine, line for line: bad rows (NaN, infinity, null, null
 * element, wrong length) in the middle of reader batches, reader batches smaller and larger than
 * scoring batches, for an {@code array<float>} column and for 32 float columns.
 */
class ColumnarFillJobTest {
  static final int ROWS = 600;
  static final String VECTORIZED = "spark.sql.parquet.enableVectorizedReader";
  static final String READER_BATCH = "spark.sql.parquet.columnarReaderBatchSize";

  /** id -> what is wrong with the row; the others hold 32 Gaussian floats. */
  static final Map<Integer, String> BAD = Map.of(
      50, "nan", 51, "null", 120, "short", 121, "null-element", 250, "inf", 399, "nan", 599, "null");

  static Dataset<Row> data(SparkSession spark, boolean array) {
    SplittableRandom random = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      String bad = BAD.getOrDefault(i, "");
      List<Float> f = new ArrayList<>();
      for (int j = 0; j < 32; j++) {
        f.add((float) random.nextGaussian());
      }
      switch (bad) {
        case "nan" -> f.set(3, Float.NaN);
        case "inf" -> f.set(30, Float.POSITIVE_INFINITY);
        case "null-element" -> f.set(7, null);
        case "short" -> f.remove(31);
        default -> { }
      }
      if (array) {
        rows.add(RowFactory.create((long) i, bad.equals("null") ? null : f));
      } else {
        Object[] values = new Object[33];
        values[0] = (long) i;
        for (int j = 0; j < 32; j++) {
          values[j + 1] = bad.equals("null") && j == 0 ? null : j < f.size() ? (Object) f.get(j) : (Object) 0.5f;
        }
        rows.add(RowFactory.create(values));
      }
    }
    StructType schema = new StructType().add("id", DataTypes.LongType, false);
    if (array) {
      schema = schema.add("x", DataTypes.createArrayType(DataTypes.FloatType, true), true);
    } else {
      for (int j = 0; j < 32; j++) {
        schema = schema.add("f" + j, DataTypes.FloatType, true);
      }
    }
    return spark.createDataFrame(rows, schema);
  }

  static JobConfig config(boolean array) {
    String columns = array
        ? "[x]"
        : IntStream.range(0, 32).mapToObj(j -> "f" + j).collect(Collectors.joining(", ", "[", "]"));
    String yaml = """
        input: {path: unused}
        model: {uri: %s, device: cpu}
        inference:
          batch-size: 37
          inputs: {features: {columns: %s}}
          outputs: {probabilities: {column: p, post: none}}
        output: {path: unused}
        """.formatted(Samples.mlpSmall(), columns);
    return JobConfigParser.parse(yaml, "test", List.of());
  }

  /** What a run produced: id -> raw bits of both probabilities, the quarantine's lines, the reports. */
  record Run(Map<Long, String> scores, List<String> rejected, List<TaskReport> reports) {}

  static Run score(SparkSession spark, Predictor predictor, String parquet, boolean vectorized, int readerBatch,
      Path rejects) throws Exception {
    String oldVectorized = spark.conf().get(VECTORIZED, "true");
    String oldBatch = spark.conf().get(READER_BATCH, "4096");
    spark.conf().set(VECTORIZED, String.valueOf(vectorized));
    spark.conf().set(READER_BATCH, String.valueOf(readerBatch));
    try {
      Predictor.Scored scored = predictor.score(spark.read().parquet(parquet),
          ScoreOptions.of(List.of("id")).rejectingTo(rejects.toString()));
      Map<Long, String> scores = new TreeMap<>();
      for (Row r : scored.rows().collectAsList()) {
        List<Float> p = r.getList(1);
        scores.put(r.getLong(0), Integer.toHexString(Float.floatToRawIntBits(p.get(0))) + ","
            + Integer.toHexString(Float.floatToRawIntBits(p.get(1))));
      }
      List<String> lines = new ArrayList<>();
      try (Stream<Path> files = Files.walk(rejects)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
          lines.addAll(Files.readAllLines(f));
        }
      }
      lines.sort(null);
      return new Run(scores, lines, scored.reports().value());
    } finally {
      spark.conf().set(VECTORIZED, oldVectorized);
      spark.conf().set(READER_BATCH, oldBatch);
    }
  }

  @Test
  void bulkColumnarFillMatchesTheRowPathBitForBit(@TempDir Path tmp) throws Exception {
    SparkSession spark = SparkTestSession.get();
    for (boolean array : new boolean[] {true, false}) {
      String layout = array ? "array" : "columns";
      String parquet = tmp.resolve(layout).toString();
      data(spark, array).coalesce(2).write().parquet(parquet);
      JobConfig config = config(array);
      Predictor predictor = Predictor.create(spark, config.model(), config.inference());
      Run rows = score(spark, predictor, parquet, false, 4096, tmp.resolve(layout + "-rows"));
      int bad = array ? BAD.size() : BAD.size() - 1; // "short" is a whole row as columns (f31 = 0.5)
      assertThat(rows.scores()).as(layout).hasSize(ROWS - bad);
      assertThat(rows.rejected()).as(layout).hasSize(bad);
      assertThat(rows.reports()).as(layout).allSatisfy(t -> assertThat(t.columnarInput()).isFalse());
      for (int readerBatch : new int[] {20, 100}) {
        String what = layout + ", reader batches of " + readerBatch + " against scoring batches of 37";
        Run bulk = score(spark, predictor, parquet, true, readerBatch, tmp.resolve(layout + "-" + readerBatch));
        assertThat(bulk.scores()).as(what).isEqualTo(rows.scores());
        assertThat(bulk.rejected()).as(what).isEqualTo(rows.rejected());
        assertThat(bulk.reports()).as(what).allSatisfy(t -> assertThat(t.columnarInput()).isTrue());
        assertThat(bulk.reports().stream().mapToLong(TaskReport::rowsCopiedInBulk).sum())
            .as(what + ": every good row copied in bulk").isEqualTo(ROWS - bad);
      }
    }
  }
}
