package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.samples.Samples;
import io.nightshift.spark.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The library API on its own: an array<float> column feeding an MLP, and every post-step. */
class PredictorApiTest {
  static SparkSession spark;
  static Dataset<Row> rows;
  static List<float[]> features = new ArrayList<>();

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    SplittableRandom random = new SplittableRandom(42);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      float[] f = new float[32];
      List<Float> boxed = new ArrayList<>();
      for (int j = 0; j < 32; j++) {
        f[j] = (float) random.nextGaussian();
        boxed.add(f[j]);
      }
      features.add(f);
      list.add(RowFactory.create((long) i, boxed));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    rows = spark.createDataFrame(list, schema).repartition(3);
  }

  static JobConfig config(String outputs) {
    String yaml = """
        input: {path: unused}
        model: {uri: %s, device: cpu}
        inference:
          batch-size: 37
          inputs: {features: {columns: [x]}}
          outputs: {probabilities: %s}
        output: {path: unused}
        """.formatted(Samples.mlpSmall(), outputs);
    return JobConfigParser.parse(yaml, "test", List.of());
  }

  static float[][] plain() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[][] all = features.toArray(float[][]::new);
    try (OrtSession s = env.createSession(Samples.mlpSmall().toString(), new OrtSession.SessionOptions());
        OnnxTensor t = OnnxTensor.createTensor(env, all);
        OrtSession.Result r = s.run(Map.of("features", t))) {
      return (float[][]) r.get(0).getValue();
    }
  }

  @Test
  void arrayColumnMatchesPlainOnnxRuntimeWithEveryPostStep() throws Exception {
    float[][] want = plain();
    JobConfig raw = config("{column: p, post: none}");
    Dataset<Row> out = Predictor.create(spark, raw.model(), raw.inference()).transform(rows);
    assertThat(out.schema().fieldNames()).containsExactly("id", "x", "p");
    for (Row r : out.select("id", "p").collectAsList()) {
      List<Float> p = r.getList(1);
      float[] w = want[(int) r.getLong(0)];
      assertThat(p.get(0)).isCloseTo(w[0], within(1e-6f));
      assertThat(p.get(1)).isCloseTo(w[1], within(1e-6f));
    }

    JobConfig argmax = config("{column: label, post: argmax, labels: [no, yes]}");
    Dataset<Row> labels = Predictor.create(spark, argmax.model(), argmax.inference()).transform(rows);
    for (Row r : labels.select("id", "label").collectAsList()) {
      float[] w = want[(int) r.getLong(0)];
      assertThat(r.getString(1)).isEqualTo(w[1] > w[0] ? "yes" : "no");
    }

    JobConfig topk = config("{column: top, post: top-k, k: 2}");
    Dataset<Row> tops = Predictor.create(spark, topk.model(), topk.inference()).transform(rows);
    for (Row r : tops.select("id", "top", "top_scores").collectAsList()) {
      float[] w = want[(int) r.getLong(0)];
      List<Integer> idx = r.getList(1);
      List<Float> scores = r.getList(2);
      int best = w[1] > w[0] ? 1 : 0;
      assertThat(idx).containsExactly(best, 1 - best);
      assertThat(scores.get(0)).isCloseTo(w[best], within(1e-6f));
    }

    // softmax over probabilities that already sum to 1: still sums to 1, order kept.
    JobConfig soft = config("{column: s, post: softmax}");
    Dataset<Row> softs = Predictor.create(spark, soft.model(), soft.inference()).transform(rows);
    for (Row r : softs.select("id", "s").collectAsList()) {
      List<Float> s = r.getList(1);
      assertThat(s.get(0) + s.get(1)).isCloseTo(1f, within(1e-5f));
      float[] w = want[(int) r.getLong(0)];
      assertThat(s.get(1) > s.get(0)).isEqualTo(w[1] > w[0]);
    }
  }

  @Test
  void parquetColumnBatchesAreScoredInPlaceAcrossBatchBoundaries(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    // Reader batches of 100 rows against scoring batches of 37: held rows must never outlive the
    // reader batch they point into. A few rows of the wrong length are rejected in between.
    String key = "spark.sql.parquet.columnarReaderBatchSize";
    String old = spark.conf().get(key, "4096");
    spark.conf().set(key, "100");
    try {
      String dir = tmp.resolve("rows").toString();
      rows.orderBy("id").coalesce(2).write().parquet(dir);
      Dataset<Row> parquet = spark.read().parquet(dir);
      JobConfig raw = config("{column: p, post: none}");
      Predictor predictor = Predictor.create(spark, raw.model(), raw.inference());
      Predictor.Scored scored = predictor.score(parquet,
          io.nightshift.spark.ScoreOptions.of(List.of("id")).rejectingTo(tmp.resolve("rejects").toString()));
      float[][] want = plain();
      List<Row> out = scored.rows().collectAsList();
      assertThat(out).hasSize(500);
      for (Row r : out) {
        List<Float> p = r.getList(1);
        float[] w = want[(int) r.getLong(0)];
        assertThat(p.get(0)).isCloseTo(w[0], within(1e-6f));
        assertThat(p.get(1)).isCloseTo(w[1], within(1e-6f));
      }
      assertThat(out.stream().map(r -> r.getLong(0)).distinct().count()).isEqualTo(500);
      assertThat(scored.reports().value()).isNotEmpty()
          .allSatisfy(t -> assertThat(t.columnarInput()).as("read the column batches in place").isTrue());
      // The same rows from memory go through the row path, with the same results.
      Predictor.Scored fromRows = predictor.score(rows, io.nightshift.spark.ScoreOptions.of(List.of("id")));
      assertThat(fromRows.rows().count()).isEqualTo(500);
      assertThat(fromRows.reports().value()).allSatisfy(t -> assertThat(t.columnarInput()).isFalse());
    } finally {
      spark.conf().set(key, old);
    }
  }

  @Test
  void strictModeFailsTheTaskOnABadRowInsteadOfDroppingIt() {
    JobConfig raw = config("{column: p}");
    Dataset<Row> bad = spark.createDataFrame(
        List.of(RowFactory.create(1L, List.of(1f, 2f))),
        new StructType().add("id", DataTypes.LongType).add("x", DataTypes.createArrayType(DataTypes.FloatType)));
    Predictor p = Predictor.create(spark, raw.model(), raw.inference());
    assertThatThrownBy(() -> p.transform(bad).collectAsList())
        .hasStackTraceContaining("wrong_length")
        .hasStackTraceContaining("column 'x' has 2 values, model input 'features' needs 32");
  }
}
