package io.nightshift.model.optimize;

import static io.nightshift.model.optimize.TinyModels.floats;
import static io.nightshift.model.optimize.TinyModels.integer;
import static io.nightshift.model.optimize.TinyModels.node;
import static io.nightshift.model.optimize.TinyModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Precision#INT8_DYNAMIC} on tiny graphs run by the real ONNX Runtime: a {@code Gemm} with
 * {@code transB=1} and a bias, a {@code MatMul} followed by its bias {@code Add}, and a MatMul
 * weight also read by a {@code Transpose} (left float32), each activation read by one rewritten
 * node (quantized per row); and two MatMuls sharing one activation (quantized per call).
 */
class DynamicInt8GraphTest {
  private static final List<String> PER_ROW =
      List.of("ReduceMax", "ReduceMin", "Max", "Min", "Sub", "Max", "Div", "Div", "Mul", "Round", "Neg", "Mul",
          "Add", "QuantizeLinear", "MatMulIntegerToFloat", "Mul", "Sub", "Mul");

  /** Float32 {@code [N, cols]}, N not fixed. */
  private static ValueInfoProto rows(String name, long cols) {
    ValueInfoProto value = floats(name, 1, cols);
    ValueInfoProto.Builder b = value.toBuilder();
    b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
        .setDim(0, TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    return b.build();
  }

  private static ModelProto model() {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("layers")
            .addInput(rows("x", 64))
            .addInitializer(weight("w1", 1, 32, 64))
            .addInitializer(weight("c1", 2, 32))
            .addInitializer(weight("w2", 3, 32, 48))
            .addInitializer(weight("b2", 4, 48))
            .addInitializer(weight("w3", 5, 64, 32))
            .addNode(node("Gemm", "gemm", List.of("x", "w1", "c1"), List.of("h"), integer("transB", 1)))
            .addNode(node("MatMul", "matmul", List.of("h", "w2"), List.of("m")))
            .addNode(node("Add", "bias", List.of("m", "b2"), List.of("y")))
            .addNode(node("MatMul", "kept", List.of("x", "w3"), List.of("z")))
            .addNode(node("Transpose", "transpose", List.of("w3"), List.of("w3t")))
            .addOutput(rows("y", 48))
            .addOutput(rows("z", 32))
            .addOutput(floats("w3t", 32, 64))
            .build();
    return TinyModels.model(13, graph);
  }

  private static float[][] gaussian(int rows, int cols, long seed) {
    float[][] x = new float[rows][cols];
    Random random = new Random(seed);
    for (float[] row : x) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void activationsReadByOneNodeAreQuantizedPerRowSoARowGetsTheSameBitsAlone() throws Exception {
    byte[] original = model().toByteArray();
    OptimizedModel optimized = new ModelOptimizer().optimize(original, "layers.onnx", Precision.INT8_DYNAMIC);
    ModelProto after = ModelProto.parseFrom(optimized.bytes());

    List<String> expected = new java.util.ArrayList<>(PER_ROW);
    expected.add("Add"); // the Gemm's bias
    expected.addAll(PER_ROW);
    expected.addAll(List.of("Add", "MatMul", "Transpose"));
    assertThat(after.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList())
        .containsExactlyElementsOf(expected);
    NodeProto reduce = after.getGraph().getNode(0);
    assertThat(reduce.getAttributeList()).anySatisfy(a -> assertThat(a.getIntsList()).containsExactly(-1L));
    OptimizeReport report = optimized.report();
    assertThat(report.converted().stream().map(OptimizeReport.Converted::name)).containsExactly("w1", "w2");
    assertThat(report.converted().get(0).how()).isEqualTo(
        "int8 [64, 32], symmetric scale per output column, integer kernels with activations quantized"
            + " per row, read as Gemm input 1");
    assertThat(report.skipped()).contains(
        new OptimizeReport.Skipped("w3",
            "also read as Transpose input 0 (node 'transpose'); only MatMul and Gemm weights (B) run on integer kernels"),
        new OptimizeReport.Skipped("c1", "not a MatMul/Gemm weight (B); int8-dynamic keeps it as it is"));
    assertThat(report.converted().size() + report.skipped().size()).isEqualTo(5);
    // Nothing quantizes over the whole call: rows are independent of their neighbours.
    assertThat(ModelOptimizer.batchDependent(after)).isEmpty();

    float[][] x = gaussian(8, 64, 7);
    x[3] = new float[64]; // an all-zero row keeps finite scales
    x[5][0] = 40f; // an outlier in one row does not coarsen the others
    Map<String, float[]> fp32 = TinyModels.run(original, Map.of("x", x));
    Map<String, float[]> batch = TinyModels.run(optimized.bytes(), Map.of("x", x));
    double error = TinyModels.maxAbsDiff(fp32.get("y"), batch.get("y"));
    System.out.printf("int8-dynamic y: max abs error %.4g of max |y| %.4g%n", error, TinyModels.maxAbs(fp32.get("y")));
    assertThat(error).isLessThanOrEqualTo(0.02 * TinyModels.maxAbs(fp32.get("y")));
    assertThat(batch.get("z")).isEqualTo(fp32.get("z"));
    assertThat(batch.get("w3t")).isEqualTo(fp32.get("w3t"));
    for (int r = 0; r < x.length; r++) {
      float[] alone = TinyModels.run(optimized.bytes(), Map.of("x", new float[][] {x[r]})).get("y");
      assertThat(alone).isEqualTo(Arrays.copyOfRange(batch.get("y"), 48 * r, 48 * r + 48));
    }
  }

  @Test
  void anActivationSharedByNodesIsQuantizedOncePerCall() throws Exception {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("shared")
            .addInput(rows("x", 64))
            .addInitializer(weight("wa", 1, 64, 32))
            .addInitializer(weight("ba", 2, 32))
            .addInitializer(weight("wb", 3, 64, 32))
            .addNode(node("MatMul", "a", List.of("x", "wa"), List.of("pa")))
            .addNode(node("Add", "a_bias", List.of("pa", "ba"), List.of("ya")))
            .addNode(node("MatMul", "b", List.of("x", "wb"), List.of("yb")))
            .addOutput(rows("ya", 32))
            .addOutput(rows("yb", 32))
            .build();
    byte[] original = TinyModels.model(13, graph).toByteArray();
    OptimizedModel optimized = new ModelOptimizer().optimize(original, "shared.onnx", Precision.INT8_DYNAMIC);
    ModelProto after = ModelProto.parseFrom(optimized.bytes());

    assertThat(after.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList())
        .containsExactly("DynamicQuantizeLinear", "MatMulIntegerToFloat", "MatMulIntegerToFloat");
    assertThat(after.getGraph().getNode(1).getInputList()).hasSize(7).endsWith("ba"); // the bias Add folded in
    assertThat(after.getGraph().getNode(1).getOutputList()).containsExactly("ya");
    assertThat(optimized.report().converted().get(0).how()).contains("activations quantized per call");
    assertThat(ModelOptimizer.batchDependent(after)).contains("DynamicQuantizeLinear node 'x_quantize'");

    float[][] x = gaussian(2, 64, 11);
    Map<String, float[]> fp32 = TinyModels.run(original, Map.of("x", x));
    Map<String, float[]> int8 = TinyModels.run(optimized.bytes(), Map.of("x", x));
    for (String y : List.of("ya", "yb")) {
      assertThat(TinyModels.maxAbsDiff(fp32.get(y), int8.get(y))).isLessThanOrEqualTo(0.02 * TinyModels.maxAbs(fp32.get(y)));
    }
  }
}
