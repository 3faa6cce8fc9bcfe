package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.samples.Samples;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: a row's fate does not depend on its neighbours. For seeded random batch sizes,
 * partition counts and row orders, every row gets the same result and every rejected row the same
 * reason as in the first trial (Spark local[2], ONNX Runtime, the library API): the tabular sample
 * (penguins, two rows without measurements), a ragged-array model (lengths 3 to 5, with null, empty,
 * NaN and negative values, the last giving NaN outputs), and the text sample (MiniLM on mails,
 * two of them empty). {@link RowQualityPropertyTest} covers the accounting of corrupted rows.
 */
class RowIndependencePropertyTest {
  static final int TRIALS = 3;
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get();
  }

  /** Every row's outcome in one trial: its result, or "rejected: code: reason". */
  record Outcome(Map<Long, Object> results, Map<Long, String> rejections) {}

  /**
   * Scores {@code rows} in {@link #TRIALS} trials, each with its own batch size, partition count and
   * row order (trial 0 with batch size 1), and checks every trial against the first with {@code same}.
   */
  static void independent(String name, Dataset<Row> rows, Function<Integer, JobConfig> config,
      Function<Row, Object> result, java.util.function.BiConsumer<Object, Object> same, int maxBatch) {
    Random random = new Random(name.hashCode());
    long count = rows.count();
    Outcome first = null;
    for (int t = 0; t < TRIALS; t++) {
      int batch = t == 0 ? 1 : 1 + random.nextInt(maxBatch);
      int partitions = 1 + random.nextInt(4);
      long seed = random.nextLong();
      Dataset<Row> shuffled = rows.withColumn("_order", rand(seed)).repartition(partitions)
          .sortWithinPartitions("_order").drop("_order");
      JobConfig c = config.apply(batch);
      String rejectDir = tmp.resolve(name + "-rejects-" + t).toString();
      Predictor p = Predictor.create(spark, c.model(), c.inference());
      List<Row> scored = p.score(shuffled, ScoreOptions.of(List.of("id")).rejectingTo(rejectDir)).rows()
          .collectAsList();
      Map<Long, Object> results = new TreeMap<>();
      for (Row r : scored) {
        assertThat(results.put(r.getLong(0), result.apply(r))).as("row %d written once", r.getLong(0)).isNull();
      }
      Map<Long, String> rejections = new TreeMap<>();
      if (Files.isDirectory(Path.of(rejectDir))) {
        for (Row r : spark.read().json(rejectDir).select("reason_code", "reason", "input_json").collectAsList()) {
          long id;
          try {
            id = JSON.readTree(r.getString(2)).get("id").asLong();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          rejections.put(id, r.getString(0) + ": " + r.getString(1));
        }
      }
      String trial = String.format("%s trial %d (batch %d, %d partitions)", name, t, batch, partitions);
      assertThat(results.size() + rejections.size()).as(trial).isEqualTo(count);
      if (first == null) {
        first = new Outcome(results, rejections);
        continue;
      }
      assertThat(rejections).as(trial).isEqualTo(first.rejections());
      assertThat(results.keySet()).as(trial).isEqualTo(first.results().keySet());
      for (Map.Entry<Long, Object> e : results.entrySet()) {
        same.accept(e.getValue(), first.results().get(e.getKey()));
      }
    }
  }

  @Test
  void penguinsGetTheSameLabelsAndRejectionsWhateverTheBatching() {
    StructType schema = StructType.fromDDL("species STRING, island STRING, bill_length_mm DOUBLE,"
        + " bill_depth_mm DOUBLE, flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING");
    List<Row> read = spark.read().option("header", true).option("nullValue", "").schema(schema)
        .csv(Samples.penguinsCsv().toString()).collectAsList();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < read.size(); i++) {
      Row r = read.get(i);
      rows.add(RowFactory.create((long) i, r.get(2), r.get(3), r.get(4), r.get(5)));
    }
    Dataset<Row> df = spark.createDataFrame(rows, StructType.fromDDL(
        "id BIGINT, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, flipper_length_mm DOUBLE, body_mass_g DOUBLE"));
    Function<Integer, JobConfig> config = batch -> JobConfigParser.parse("""
        input: {path: unused}
        model: {uri: "%s", device: cpu}
        inference:
          batch-size: %d
          inputs: {input: {columns: [bill_depth_mm, bill_length_mm, body_mass_g, flipper_length_mm]}}
          outputs: {output: {column: species, post: argmax, labels: [Chinstrap, Adelie, Gentoo]}}
        output: {path: unused}
        """.formatted(Samples.penguinsClassifier(), batch), "penguins", List.of());
    independent("penguins", df, config, r -> r.getString(1), (a, b) -> assertThat(a).isEqualTo(b), 400);
  }

  @Test
  void raggedArraysGetTheSameResultsAndRejectionsWhateverTheBatching() throws Exception {
    Path sqrt = SmallModels.unary(tmp.resolve("sqrt-ragged.onnx"), "Sqrt", DataType.FLOAT, "N", "L");
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      List<Float> x = new ArrayList<>();
      int length = 3 + random.nextInt(3);
      for (int j = 0; j < length; j++) {
        x.add(random.nextFloat() * 10);
      }
      switch (i % 23) {
        case 3 -> x = null; // null_feature
        case 7 -> x.clear(); // wrong_length
        case 11 -> x.set(1, Float.NaN); // non_finite
        case 13 -> x.set(0, -4f); // non_finite_output
        default -> { }
      }
      rows.add(RowFactory.create((long) i, x));
    }
    Dataset<Row> df = spark.createDataFrame(rows, StructType.fromDDL("id BIGINT, x ARRAY<FLOAT>"));
    Function<Integer, JobConfig> config = batch -> JobConfigParser.parse("""
        input: {path: unused}
        model: {uri: "%s", device: cpu}
        inference:
          batch-size: %d
          inputs: {x: {columns: [x]}}
          outputs: {y: {column: y}}
        output: {path: unused}
        """.formatted(sqrt, batch), "ragged", List.of());
    independent("ragged", df, config, r -> r.getList(1), (a, b) -> assertThat(a).isEqualTo(b), 160);
  }

  @Test
  void mailsGetTheSameEmbeddingsAndRejectionsWhateverTheBatching() throws Exception {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(Samples.mails(), StandardCharsets.UTF_8)) {
      String line;
      long id = 0;
      while (id < 36 && (line = in.readLine()) != null) {
        String[] words = JSON.readTree(line).get("text").asText().trim().split("\\s+");
        int n = 1 + (int) ((id * 37) % 50);
        String text = id % 17 == 5 ? "" : String.join(" ", Arrays.copyOf(words, Math.min(n, words.length)));
        rows.add(RowFactory.create(id++, text));
      }
    }
    Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
        .add("text", DataTypes.StringType));
    Function<Integer, JobConfig> config = batch -> JobConfigParser.parse("""
        input: {path: unused}
        model: {uri: "%s", device: cpu, tokenizer: "%s"}
        inference:
          batch-size: %d
          max-length: 64
          text: {column: text, empty: reject}
          outputs: {last_hidden_state: {column: embedding, post: mean, normalize: l2}}
        output: {path: unused}
        """.formatted(Samples.minilmFp32Model(), Samples.minilmFp32Tokenizer(), batch), "mails", List.of());
    // Padding to another length changes the float summation order: the same vector, not the same bits.
    independent("mails", df, config, r -> r.getList(1), (a, b) -> {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      assertThat(x).hasSameSizeAs(y);
      double dot = 0;
      for (int i = 0; i < x.size(); i++) {
        dot += ((Float) x.get(i)) * ((Float) y.get(i));
      }
      assertThat(dot).isGreaterThan(0.99999);
    }, 20);
  }
}
