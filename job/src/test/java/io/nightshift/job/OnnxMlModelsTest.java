package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.samples.Samples;
import io.nightshift.samples.onnx.LinearPipelineModel;
import io.nightshift.samples.onnx.TreeEnsembleModel;
import io.nightshift.spark.Predictor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Models as sklearn-onnx and onnxmltools export them (ONNX-ML operators, a string input, a string
 * or int64 label, ZipMap probabilities), scored through the library on real Spark and ONNX Runtime
 * and compared with each row's value computed here in plain Java from the same coefficients and
 * trees.
 */
class OnnxMlModelsTest {
  static SparkSession spark;
  static Dataset<Row> penguins;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    Dataset<Row> read = spark.read().option("header", "true").schema(
            "species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
                + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
        .csv(Samples.penguinsCsv().toString())
        .na().drop(new String[] {"bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"});
    // One island the encoder never saw: one-hot gives all zeros, as sklearn's handle_unknown=ignore.
    Dataset<Row> unknown = read.limit(1).withColumn("island", org.apache.spark.sql.functions.lit("Atlantis"));
    penguins = read.union(unknown).withColumn("id", org.apache.spark.sql.functions.monotonically_increasing_id())
        .repartition(3).cache();
  }

  static JobConfig config(java.nio.file.Path model, String inputs, String outputs) {
    String yaml = """
        input: {path: unused}
        model: {uri: %s, device: cpu}
        inference:
          batch-size: 29
          inputs: %s
          outputs: %s
        output: {path: unused}
        """.formatted(model, inputs, outputs);
    return JobConfigParser.parse(yaml, "test", List.of());
  }

  static Map<Long, Row> byId(Dataset<Row> scored) {
    Map<Long, Row> out = new HashMap<>();
    for (Row r : scored.collectAsList()) {
      out.put(r.getLong(r.fieldIndex("id")), r);
    }
    return out;
  }

  // ---- plain Java ------------------------------------------------------------------------------

  /** The linear pipeline's probabilities, by class, from its coefficients. */
  static double[] linearProbabilities(String island, double billLength, double flipperLength) {
    float[] x = new float[LinearPipelineModel.ISLANDS.size() + 2];
    int category = LinearPipelineModel.ISLANDS.indexOf(island);
    if (category >= 0) {
      x[category] = 1;
    }
    x[x.length - 2] = (float) billLength;
    x[x.length - 1] = (float) flipperLength;
    double[] scores = new double[LinearPipelineModel.CLASSES.size()];
    for (int c = 0; c < scores.length; c++) {
      scores[c] = LinearPipelineModel.INTERCEPTS[c];
      for (int f = 0; f < x.length; f++) {
        scores[c] += (double) LinearPipelineModel.COEFFICIENTS[c][f] * x[f];
      }
    }
    return softmax(scores);
  }

  /** The tree ensemble's probabilities, by class id, walking its trees. */
  static double[] treeProbabilities(float[] x) {
    double[] scores = new double[TreeEnsembleModel.FEATURE.length];
    for (int t = 0; t < scores.length; t++) {
      int n = 0;
      while (n < 3) {
        n = x[TreeEnsembleModel.FEATURE[t][n]] <= TreeEnsembleModel.THRESHOLD[t][n] ? 2 * n + 1 : 2 * n + 2;
      }
      scores[t] = TreeEnsembleModel.BASE_SCORE + TreeEnsembleModel.LEAF[t][n - 3];
    }
    return softmax(scores);
  }

  static double[] softmax(double[] scores) {
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    double[] out = new double[scores.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.exp(scores[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  // ---- tests -----------------------------------------------------------------------------------

  @Test
  void linearPipelineWithAStringCategoryGivesTheStringLabelAndZipMapProbabilities() {
    String inputs = "{island: {columns: [island]}, measures: {columns: [bill_length_mm, flipper_length_mm]}}";
    JobConfig c = config(Samples.linearPipeline(), inputs,
        "{output_label: {column: label}, output_probability: {column: probs}}");
    Predictor p = Predictor.create(spark, c.model(), c.inference());
    assertThat(p.signature().describe())
        .contains("output_label string [-1]").contains("output_probability seq(map(string, float))");
    Dataset<Row> scored = p.transform(penguins);
    assertThat(scored.schema().apply("label").dataType()).isEqualTo(DataTypes.StringType);
    assertThat(scored.schema().apply("probs").dataType())
        .isEqualTo(MapType.apply(DataTypes.StringType, DataTypes.FloatType, false));
    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize((int) penguins.count()).hasSize(343);
    int unknownIslands = 0;
    java.util.Set<String> labels = new java.util.TreeSet<>();
    for (Row r : rows) {
      String island = r.getString(r.fieldIndex("island"));
      unknownIslands += island.equals("Atlantis") ? 1 : 0;
      double[] want = linearProbabilities(island, r.getDouble(r.fieldIndex("bill_length_mm")),
          r.getDouble(r.fieldIndex("flipper_length_mm")));
      Map<String, Float> probs = r.getJavaMap(r.fieldIndex("probs"));
      assertThat(probs.keySet()).containsExactlyInAnyOrderElementsOf(LinearPipelineModel.CLASSES);
      for (int k = 0; k < want.length; k++) {
        assertThat((double) probs.get(LinearPipelineModel.CLASSES.get(k))).isCloseTo(want[k], within(1e-5));
      }
      String label = r.getString(r.fieldIndex("label"));
      assertThat(label).isEqualTo(LinearPipelineModel.CLASSES.get(argmax(want)));
      labels.add(label);
    }
    assertThat(unknownIslands).isEqualTo(1);
    assertThat(labels).as("the coefficients tell the three species apart").hasSize(3);
  }

  @Test
  void argmaxAndTopKOnAZipMapGiveItsKeys() {
    String inputs = "{island: {columns: [island]}, measures: {columns: [bill_length_mm, flipper_length_mm]}}";
    String outputs = "{output_probability: {column: species_hat, post: top-k, k: 2}}";
    JobConfig c = config(Samples.linearPipeline(), inputs, outputs);
    Dataset<Row> scored = Predictor.create(spark, c.model(), c.inference()).transform(penguins);
    assertThat(scored.columns()).doesNotContain("output_label");
    for (Row r : scored.collectAsList()) {
      double[] want = linearProbabilities(r.getString(r.fieldIndex("island")),
          r.getDouble(r.fieldIndex("bill_length_mm")), r.getDouble(r.fieldIndex("flipper_length_mm")));
      Integer[] order = {0, 1, 2};
      java.util.Arrays.sort(order, (a, b) -> Double.compare(want[b], want[a]));
      List<String> keys = r.getList(r.fieldIndex("species_hat"));
      List<Float> scores = r.getList(r.fieldIndex("species_hat_scores"));
      assertThat(keys).containsExactly(
          LinearPipelineModel.CLASSES.get(order[0]), LinearPipelineModel.CLASSES.get(order[1]));
      assertThat((double) scores.get(0)).isCloseTo(want[order[0]], within(1e-5));
      assertThat((double) scores.get(1)).isCloseTo(want[order[1]], within(1e-5));
    }
  }

  @Test
  void treeEnsembleGivesTheInt64LabelAndAMapByClassId() {
    String inputs = "{input: {columns: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]}}";
    JobConfig c = config(Samples.treeEnsemble(), inputs,
        "{label: {column: label}, probabilities: {column: probs}}");
    Dataset<Row> scored = Predictor.create(spark, c.model(), c.inference()).transform(penguins);
    assertThat(scored.schema().apply("label").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(scored.schema().apply("probs").dataType())
        .isEqualTo(MapType.apply(DataTypes.LongType, DataTypes.FloatType, false));
    JobConfig argmax = config(Samples.treeEnsemble(), inputs, "{probabilities: {column: best, post: argmax}}");
    Map<Long, Row> best = byId(Predictor.create(spark, argmax.model(), argmax.inference()).transform(penguins));
    int[] perClass = new int[3];
    for (Row r : scored.collectAsList()) {
      float[] x = new float[4];
      for (int f = 0; f < 4; f++) {
        x[f] = (float) r.getDouble(r.fieldIndex(TreeEnsembleModel.FEATURES.get(f)));
      }
      double[] want = treeProbabilities(x);
      Map<Long, Float> probs = r.getJavaMap(r.fieldIndex("probs"));
      assertThat(probs.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
      for (int k = 0; k < 3; k++) {
        assertThat((double) probs.get((long) k)).isCloseTo(want[k], within(1e-6));
      }
      assertThat(r.getLong(r.fieldIndex("label"))).isEqualTo(argmax(want));
      Row b = best.get(r.getLong(r.fieldIndex("id")));
      assertThat(b.getLong(b.fieldIndex("best"))).isEqualTo(argmax(want));
      perClass[argmax(want)]++;
    }
    assertThat(java.util.Arrays.stream(perClass).min().getAsInt()).as("every tree decides some rows").isPositive();
  }

  @Test
  void aRegressorWithAFixedBatchOfOneScoresEveryRow() {
    String inputs = "{input: {columns: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]}}";
    JobConfig c = config(Samples.fixedBatchRegressor(), inputs, "{variable: {column: mass_hat}}");
    Dataset<Row> scored = Predictor.create(spark, c.model(), c.inference()).transform(penguins);
    List<Row> rows = scored.collectAsList();
    assertThat(rows).hasSize(343);
    for (Row r : rows) {
      double want = io.nightshift.samples.onnx.FixedBatchRegressor.INTERCEPT;
      for (int f = 0; f < 4; f++) {
        want += (double) io.nightshift.samples.onnx.FixedBatchRegressor.COEFFICIENTS[f]
            * (float) r.getDouble(r.fieldIndex(TreeEnsembleModel.FEATURES.get(f)));
      }
      List<Float> got = r.getList(r.fieldIndex("mass_hat"));
      assertThat(got).hasSize(1);
      assertThat((double) got.get(0)).isCloseTo(want, within(Math.abs(want) * 1e-6 + 1e-3));
    }
  }

  @Test
  void mappingsOnAZipMapAreCheckedBeforeLaunch() {
    String inputs = "{input: {columns: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]}}";
    JobConfig softmax = config(Samples.treeEnsemble(), inputs, "{probabilities: {column: p, post: softmax}}");
    assertThatThrownBy(() -> Predictor.create(spark, softmax.model(), softmax.inference()).transform(penguins))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("inference.outputs.probabilities.post: model output 'probabilities' is"
            + " seq(map(int64, float)); it takes post: none, argmax or top-k, not softmax");
    JobConfig labels = config(Samples.treeEnsemble(), inputs,
        "{probabilities: {column: p, post: argmax, labels: [a, b, c]}}");
    assertThatThrownBy(() -> Predictor.create(spark, labels.model(), labels.inference()).transform(penguins))
        .hasMessage("inference.outputs.probabilities.labels: model output 'probabilities' is"
            + " seq(map(int64, float)): its keys are the labels, so labels are not set");
    String pipelineInputs = "{island: {columns: [island]}, measures: {columns: [bill_length_mm, flipper_length_mm]}}";
    JobConfig numeric = config(Samples.linearPipeline(),
        "{island: {columns: [body_mass_g]}, measures: {columns: [bill_length_mm, flipper_length_mm]}}",
        "{output_label: {column: label}}");
    assertThatThrownBy(() -> Predictor.create(spark, numeric.model(), numeric.inference()).transform(penguins))
        .hasMessage("inference.inputs.island.columns: column 'body_mass_g' is double; model input 'island'"
            + " holds strings and is fed by string columns");
    JobConfig post = config(Samples.linearPipeline(), pipelineInputs, "{output_label: {column: l, post: argmax}}");
    assertThatThrownBy(() -> Predictor.create(spark, post.model(), post.inference()).transform(penguins))
        .hasMessage("inference.outputs.output_label.post: model output 'output_label' holds strings;"
            + " it is written as it is (post: none)");
  }
}
