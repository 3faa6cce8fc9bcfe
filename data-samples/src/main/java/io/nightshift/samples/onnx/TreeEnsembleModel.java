package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import io.nightshift.samples.SampleGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A gradient-boosted tree classifier in the shape onnxmltools exports XGBoost and LightGBM
 * multi-class models: {@code TreeEnsembleClassifier} (ai.onnx.ml) over the float input {@value
 * #INPUT} [N, 4] ({@link #FEATURES}), one tree per class, base score 0.5, softmax, giving the int64
 * label {@value #LABEL} [N] and probabilities that {@code ZipMap} turns into {@value
 * #PROBABILITY}, a sequence of maps from class id (0, 1, 2) to probability.
 *
 * <p>Every tree has depth 2 and is stored in heap order: internal nodes 0, 1, 2 (node n goes to 2n
 * + 1 when {@code x[FEATURE[t][n]] <= THRESHOLD[t][n]}, else to 2n + 2), leaves 3..6 with weights
 * {@code LEAF[t][n - 3]}. Tree t adds its leaf to class t; public so tests can walk the trees on
 * their own.
 */
public final class TreeEnsembleModel implements SampleGenerator {
  public static final String INPUT = "input";
  public static final String LABEL = "label";
  public static final String PROBABILITY = "probabilities";

  public static final List<String> FEATURES =
      List.of("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g");

  public static final float BASE_SCORE = 0.5f;

  public static final int[][] FEATURE = {{0, 1, 2}, {0, 2, 1}, {2, 3, 1}};

  public static final float[][] THRESHOLD = {
    {42.0f, 16.0f, 200.0f}, {44.5f, 205.0f, 16.5f}, {206.5f, 4700.0f, 17.5f}
  };

  public static final float[][] LEAF = {
    {-0.2f, 1.1f, -0.1f, -0.9f}, {-0.8f, -0.9f, -0.7f, 1.2f}, {-0.85f, 0.2f, 1.25f, -0.3f}
  };

  private final Path onnx;

  public TreeEnsembleModel(Path onnx) {
    this.onnx = onnx;
  }

  @Override
  public String name() {
    return "tree ensemble (TreeEnsembleClassifier, ZipMap)";
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx);
  }

  @Override
  public void generate() {
    int trees = FEATURE.length;
    List<Long> treeIds = new ArrayList<>();
    List<Long> nodeIds = new ArrayList<>();
    List<Long> featureIds = new ArrayList<>();
    List<String> modes = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    List<Long> trueIds = new ArrayList<>();
    List<Long> falseIds = new ArrayList<>();
    List<Long> classTrees = new ArrayList<>();
    List<Long> classNodes = new ArrayList<>();
    List<Long> classIds = new ArrayList<>();
    List<Float> classWeights = new ArrayList<>();
    for (int t = 0; t < trees; t++) {
      for (int n = 0; n < 7; n++) {
        treeIds.add((long) t);
        nodeIds.add((long) n);
        if (n < 3) {
          featureIds.add((long) FEATURE[t][n]);
          modes.add("BRANCH_LEQ");
          values.add(THRESHOLD[t][n]);
          trueIds.add(2L * n + 1);
          falseIds.add(2L * n + 2);
        } else {
          featureIds.add(0L);
          modes.add("LEAF");
          values.add(0f);
          trueIds.add(0L);
          falseIds.add(0L);
          classTrees.add((long) t);
          classNodes.add((long) n);
          classIds.add((long) t);
          classWeights.add(LEAF[t][n - 3]);
        }
      }
    }
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("penguins-trees")
            .addInput(OnnxProtos.valueInfo(INPUT, OnnxMl.TensorProto.DataType.FLOAT, OnnxProtos.BATCH, 4L))
            .addNode(
                OnnxProtos.mlNode("TreeEnsembleClassifier", "trees", List.of(INPUT), List.of(LABEL, "scores"))
                    .addAttribute(OnnxProtos.intsAttribute("nodes_treeids", longs(treeIds)))
                    .addAttribute(OnnxProtos.intsAttribute("nodes_nodeids", longs(nodeIds)))
                    .addAttribute(OnnxProtos.intsAttribute("nodes_featureids", longs(featureIds)))
                    .addAttribute(OnnxProtos.stringsAttribute("nodes_modes", modes))
                    .addAttribute(OnnxProtos.floatsAttribute("nodes_values", floats(values)))
                    .addAttribute(OnnxProtos.intsAttribute("nodes_truenodeids", longs(trueIds)))
                    .addAttribute(OnnxProtos.intsAttribute("nodes_falsenodeids", longs(falseIds)))
                    .addAttribute(OnnxProtos.intsAttribute("class_treeids", longs(classTrees)))
                    .addAttribute(OnnxProtos.intsAttribute("class_nodeids", longs(classNodes)))
                    .addAttribute(OnnxProtos.intsAttribute("class_ids", longs(classIds)))
                    .addAttribute(OnnxProtos.floatsAttribute("class_weights", floats(classWeights)))
                    .addAttribute(OnnxProtos.intsAttribute("classlabels_int64s", 0, 1, 2))
                    .addAttribute(OnnxProtos.floatsAttribute("base_values", BASE_SCORE, BASE_SCORE, BASE_SCORE))
                    .addAttribute(OnnxProtos.stringAttribute("post_transform", "SOFTMAX")))
            .addNode(
                OnnxProtos.mlNode("ZipMap", "zipmap", List.of("scores"), List.of(PROBABILITY))
                    .addAttribute(OnnxProtos.intsAttribute("classlabels_int64s", 0, 1, 2)))
            .addOutput(OnnxProtos.valueInfo(LABEL, OnnxMl.TensorProto.DataType.INT64, OnnxProtos.BATCH))
            .addOutput(OnnxProtos.sequenceOfMaps(PROBABILITY, OnnxMl.TensorProto.DataType.INT64))
            .build();
    OnnxProtos.write(
        onnx,
        OnnxProtos.mlModel(
            graph,
            "Three depth-2 trees (one per penguin species id), softmax, ZipMap: the shape of an"
                + " onnxmltools XGBoost/LightGBM multi-class export."));
  }

  private static long[] longs(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
