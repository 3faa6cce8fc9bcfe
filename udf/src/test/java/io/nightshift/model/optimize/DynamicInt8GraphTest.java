package io.nightshift.model.optimize;

import static io.nightshift.model.optimize.TinyModels.floats;
import static io.nightshift.model.optimize.TinyModels.integer;
import static io.nightshift.model.optimize.TinyModels.node;
import static io.nightshift.model.optimize.TinyModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Precision#INT8_DYNAMIC} on a tiny graph run by the real ONNX Runtime: a {@code Gemm} with
 * {@code transB=1} and a bias, a {@code MatMul} followed by its bias {@code Add}, and a MatMul
 * weight also read by a {@code Transpose} (left float32).
 */
class DynamicInt8GraphTest {
  private static ModelProto model() {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("layers")
            .addInput(floats("x", 2, 64))
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
            .addOutput(floats("y", 2, 48))
            .addOutput(floats("z", 2, 32))
            .addOutput(floats("w3t", 32, 64))
            .build();
    return TinyModels.model(13, graph);
  }

  @Test
  void gemmAndMatMulRunOnIntegerKernelsCloseToFloat() throws Exception {
    byte[] original = model().toByteArray();
    OptimizedModel optimized = new ModelOptimizer().optimize(original, "layers.onnx", Precision.INT8_DYNAMIC);
    ModelProto after = ModelProto.parseFrom(optimized.bytes());

    assertThat(after.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList())
        .containsExactly("DynamicQuantizeMatMul", "Add", "DynamicQuantizeMatMul", "MatMul", "Transpose");
    NodeProto matmul = after.getGraph().getNode(2);
    assertThat(matmul.getInputList()).hasSize(5).endsWith("b2"); // the bias Add folded in
    assertThat(matmul.getOutputList()).containsExactly("y");
    OptimizeReport report = optimized.report();
    assertThat(report.converted().stream().map(OptimizeReport.Converted::name)).containsExactly("w1", "w2");
    assertThat(report.converted().get(0).how()).startsWith("int8 [64, 32], symmetric scale per output column");
    assertThat(report.skipped()).contains(
        new OptimizeReport.Skipped("w3",
            "also read as Transpose input 0 (node 'transpose'); only MatMul and Gemm weights (B) run on integer kernels"),
        new OptimizeReport.Skipped("c1", "not a MatMul/Gemm weight (B); int8-dynamic keeps it as it is"));
    assertThat(report.converted().size() + report.skipped().size()).isEqualTo(5);
    assertThat(ModelOptimizer.batchDependent(after)).contains("DynamicQuantizeMatMul node 'gemm_int8'");

    float[][] x = new float[2][64];
    Random random = new Random(7);
    for (float[] row : x) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    Map<String, float[]> expected = TinyModels.run(original, Map.of("x", x));
    Map<String, float[]> actual = TinyModels.run(optimized.bytes(), Map.of("x", x));
    double error = TinyModels.maxAbsDiff(expected.get("y"), actual.get("y"));
    System.out.printf("int8-dynamic y: max abs error %.4g of max |y| %.4g%n", error, TinyModels.maxAbs(expected.get("y")));
    assertThat(error).isLessThanOrEqualTo(0.02 * TinyModels.maxAbs(expected.get("y")));
    assertThat(actual.get("z")).isEqualTo(expected.get("z"));
    assertThat(actual.get("w3t")).isEqualTo(expected.get("w3t"));
  }
}
