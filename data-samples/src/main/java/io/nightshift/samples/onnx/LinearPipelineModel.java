package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import io.nightshift.samples.SampleGenerator;
import java.nio.file.Path;
import java.util.List;

/**
 * A logistic-regression pipeline over a string category, in the shape sklearn-onnx exports a
 * {@code Pipeline(ColumnTransformer(OneHotEncoder, passthrough), LogisticRegression)}: the string
 * input {@value #ISLAND} [N, 1] goes through {@code OneHotEncoder} (ai.onnx.ml, unknown categories
 * all zeros) and a {@code Reshape} to [N, 3], is concatenated with the float input {@value
 * #MEASURES} [N, 2] (bill length and flipper length, mm), and a {@code LinearClassifier} with a
 * softmax gives the string label {@value #LABEL} [N] and the probabilities, which {@code ZipMap}
 * turns into {@value #PROBABILITY}, a sequence of maps from species to probability.
 *
 * <p>The coefficients are fixed here (not trained), public so tests can compute every row's right
 * value on their own: score of class c = {@code INTERCEPTS[c] + sum_f COEFFICIENTS[c][f] * x[f]}
 * over the features {@code [Biscoe, Dream, Torgersen, bill_length_mm, flipper_length_mm]}, then
 * softmax; the label is the class of the highest score.
 */
public final class LinearPipelineModel implements SampleGenerator {
  public static final String ISLAND = "island";
  public static final String MEASURES = "measures";
  public static final String LABEL = "output_label";
  public static final String PROBABILITY = "output_probability";

  public static final List<String> ISLANDS = List.of("Biscoe", "Dream", "Torgersen");
  public static final List<String> CLASSES = List.of("Adelie", "Chinstrap", "Gentoo");

  /** [class][feature], features as in the class comment. */
  public static final float[][] COEFFICIENTS = {
    {0.8f, 0.4f, 1.6f, -0.95f, 0.15f},
    {-1.2f, 1.9f, -0.7f, 0.62f, -0.04f},
    {1.7f, -1.1f, -1.3f, 0.08f, 0.27f}
  };

  public static final float[] INTERCEPTS = {9.5f, -8.25f, -52.0f};

  private final Path onnx;

  public LinearPipelineModel(Path onnx) {
    this.onnx = onnx;
  }

  @Override
  public String name() {
    return "linear pipeline (OneHotEncoder, LinearClassifier, ZipMap)";
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx);
  }

  @Override
  public void generate() {
    int features = ISLANDS.size() + 2;
    float[] coefficients = new float[CLASSES.size() * features];
    for (int c = 0; c < CLASSES.size(); c++) {
      System.arraycopy(COEFFICIENTS[c], 0, coefficients, c * features, features);
    }
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("penguins-linear-pipeline")
            .addInput(OnnxProtos.valueInfo(ISLAND, OnnxMl.TensorProto.DataType.STRING, OnnxProtos.BATCH, 1L))
            .addInput(OnnxProtos.valueInfo(MEASURES, OnnxMl.TensorProto.DataType.FLOAT, OnnxProtos.BATCH, 2L))
            .addInitializer(OnnxProtos.int64Tensor("onehot_shape", new long[] {2}, new long[] {-1, ISLANDS.size()}))
            .addNode(
                OnnxProtos.mlNode("OneHotEncoder", "onehot", List.of(ISLAND), List.of("island_onehot"))
                    .addAttribute(OnnxProtos.stringsAttribute("cats_strings", ISLANDS))
                    .addAttribute(OnnxProtos.intAttribute("zeros", 1)))
            .addNode(
                OnnxProtos.node("Reshape", "flatten", List.of("island_onehot", "onehot_shape"),
                    List.of("island_flat")))
            .addNode(
                OnnxProtos.node("Concat", "concat", List.of("island_flat", MEASURES), List.of("features"))
                    .addAttribute(OnnxProtos.intAttribute("axis", 1)))
            .addNode(
                OnnxProtos.mlNode("LinearClassifier", "linear", List.of("features"),
                        List.of(LABEL, "probabilities"))
                    .addAttribute(OnnxProtos.floatsAttribute("coefficients", coefficients))
                    .addAttribute(OnnxProtos.floatsAttribute("intercepts", INTERCEPTS))
                    .addAttribute(OnnxProtos.stringsAttribute("classlabels_strings", CLASSES))
                    .addAttribute(OnnxProtos.intAttribute("multi_class", 1))
                    .addAttribute(OnnxProtos.stringAttribute("post_transform", "SOFTMAX")))
            .addNode(
                OnnxProtos.mlNode("ZipMap", "zipmap", List.of("probabilities"), List.of(PROBABILITY))
                    .addAttribute(OnnxProtos.stringsAttribute("classlabels_strings", CLASSES)))
            .addOutput(OnnxProtos.valueInfo(LABEL, OnnxMl.TensorProto.DataType.STRING, OnnxProtos.BATCH))
            .addOutput(OnnxProtos.sequenceOfMaps(PROBABILITY, OnnxMl.TensorProto.DataType.STRING))
            .build();
    OnnxProtos.write(
        onnx,
        OnnxProtos.mlModel(
            graph,
            "Penguin species from island (string, one-hot) and two measures: OneHotEncoder, Reshape,"
                + " Concat, LinearClassifier (softmax), ZipMap, as sklearn-onnx exports a pipeline."));
  }
}
