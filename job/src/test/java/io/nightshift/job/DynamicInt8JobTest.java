package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.samples.Samples;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.Predictor.Scored;
import io.nightshift.spark.ScoreOptions;
import io.nightshift.spark.TaskReport;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@code model.precision: int8-dynamic} on the real all-MiniLM-L6-v2 and real mails, Spark
 * local[2]: a row's embedding has the same bits whether the job is told to run one row per call, 8
 * or 64 (the model quantizes activations over each call, so the job runs it one row per call), and
 * a model that ONNX Runtime's own tools quantized dynamically (langchain4j's int8 MiniLM, shipped
 * as it is) gets the same treatment.
 */
class DynamicInt8JobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRowGetsTheSameBitsAloneInABatchOf8AndOf64() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> mails = mails(spark, 70);
    Map<Long, List<Object>> alone = embeddings(spark, mails, "int8-dynamic", Samples.minilmFp32Model(), 1);
    assertThat(alone).hasSize(70);
    assertThat(embeddings(spark, mails, "int8-dynamic", Samples.minilmFp32Model(), 8)).isEqualTo(alone);
    assertThat(embeddings(spark, mails, "int8-dynamic", Samples.minilmFp32Model(), 64)).isEqualTo(alone);
    // The fp32 model batched at 64 gives other bits (padding): the equality above is not vacuous.
    assertThat(embeddings(spark, mails, "fp32", Samples.minilmFp32Model(), 64)).isNotEqualTo(alone);
  }

  @Test
  void anAlreadyDynamicallyQuantizedModelAlsoRunsOneRowPerCall() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> mails = mails(spark, 40);
    Map<Long, List<Object>> alone = embeddings(spark, mails, "fp32", Samples.minilmInt8Model(), 1);
    assertThat(embeddings(spark, mails, "fp32", Samples.minilmInt8Model(), 64)).isEqualTo(alone);
  }

  @Test
  void theCpuTextLayoutIsOneRowPerCallForIntegerKernelsAndBatchesOf8OtherwiseWithoutBeingTold() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> mails = mails(spark, 40);
    // int8 with integer kernels, batch-size not set: one ONNX Runtime call per row, and the very
    // bits of batch-size 1.
    Scored int8 = score(spark, mails, "fp32", Samples.minilmInt8Model(), null);
    Map<Long, List<Object>> chosen = embeddings(int8);
    assertThat(chosen).hasSize(40);
    assertThat(calls(int8)).isEqualTo(40);
    assertThat(chosen).isEqualTo(embeddings(spark, mails, "fp32", Samples.minilmInt8Model(), 1));
    // fp32, batch-size not set: batches of 8 within each task's window (64 rows: a whole task here).
    Scored fp32 = score(spark, mails, "fp32", Samples.minilmFp32Model(), null);
    assertThat(embeddings(fp32)).hasSize(40);
    long expected = fp32.reports().value().stream().mapToLong(r -> (r.rowsRead() + 7) / 8).sum();
    assertThat(calls(fp32)).isEqualTo(expected).isLessThan(40);
  }

  private static long calls(Scored s) {
    return s.reports().value().stream().mapToLong(TaskReport::batches).sum();
  }

  /** The first {@code n} mails cut to 1-60 words, in 2 partitions. */
  private static Dataset<Row> mails(SparkSession spark, int n) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(Samples.mails(), StandardCharsets.UTF_8)) {
      String line;
      long id = 0;
      while (id < n && (line = in.readLine()) != null) {
        String[] words = JSON.readTree(line).get("text").asText().trim().split("\\s+");
        int count = 1 + (int) ((id * 37) % 60);
        String text = String.join(" ", Arrays.copyOf(words, Math.min(count, words.length)));
        if (!text.isBlank()) {
          rows.add(RowFactory.create(id++, text));
        }
      }
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
        .add("text", DataTypes.StringType)).repartition(2);
  }

  private static Map<Long, List<Object>> embeddings(SparkSession spark, Dataset<Row> rows, String precision,
      java.nio.file.Path model, int batch) {
    return embeddings(score(spark, rows, precision, model, batch));
  }

  /** The rows' embeddings by id; collecting them runs the scoring (and fills the reports). */
  private static Map<Long, List<Object>> embeddings(Scored scored) {
    Map<Long, List<Object>> out = new TreeMap<>();
    for (Row r : scored.rows().collectAsList()) {
      out.put(r.getLong(0), new ArrayList<>(r.getList(1)));
    }
    return out;
  }

  /** Scores {@code rows}; {@code batch} null leaves inference.batch-size to the job. */
  private static Scored score(SparkSession spark, Dataset<Row> rows, String precision, java.nio.file.Path model,
      Integer batch) {
    JobConfig c = JobConfigParser.parse("""
        input: {path: unused}
        model: {uri: "%s", device: cpu, tokenizer: "%s", precision: %s}
        inference:
          %s
          max-length: 64
          text: {column: text}
          outputs: {last_hidden_state: {column: embedding, post: mean, normalize: l2}}
        output: {path: unused}
        """.formatted(model, Samples.minilmFp32Tokenizer(), precision,
            batch == null ? "bucketing: true" : "batch-size: " + batch), "mails", List.of());
    Predictor p = Predictor.create(spark, c.model(), c.inference());
    return p.score(rows, ScoreOptions.of(List.of("id")));
  }
}
