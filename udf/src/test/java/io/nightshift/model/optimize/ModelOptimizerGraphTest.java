package io.nightshift.model.optimize;

import static io.nightshift.model.optimize.TinyModels.floats;
import static io.nightshift.model.optimize.TinyModels.graph;
import static io.nightshift.model.optimize.TinyModels.integer;
import static io.nightshift.model.optimize.TinyModels.ints;
import static io.nightshift.model.optimize.TinyModels.maxAbs;
import static io.nightshift.model.optimize.TinyModels.maxAbsDiff;
import static io.nightshift.model.optimize.TinyModels.model;
import static io.nightshift.model.optimize.TinyModels.node;
import static io.nightshift.model.optimize.TinyModels.run;
import static io.nightshift.model.optimize.TinyModels.value;
import static io.nightshift.model.optimize.TinyModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataLocation;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.model.optimize.OptimizeReport.Converted;
import io.nightshift.model.optimize.OptimizeReport.Skipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimizer on small graphs built for the cases MiniLM lacks (Gemm, shared weights, weights
 * that are graph inputs, subgraphs, external data, older opsets), each run in ONNX Runtime before
 * and after.
 */
class ModelOptimizerGraphTest {
  @TempDir Path dir;

  private static final float[][] X = randomMatrix(2, 64, 7);

  /**
   * Y1 = Gemm(X, G^T, Gb); Y2 = MatMul(X, S) + MatMul(X, S) (S shared); Y3 = MatMul(X, Fed), Fed
   * also a graph input; Y4 = If(flag) of MatMul(X, Sub) in both branches; Y5 = Gather(E, I); Y6 =
   * MatMul(X, T) and Y7 = Identity(T).
   */
  private static ModelProto weightsModel() {
    GraphProto thenBranch =
        GraphProto.newBuilder()
            .setName("then")
            .addNode(node("MatMul", "then_matmul", List.of("X", "Sub"), List.of("then_out")))
            .addOutput(floats("then_out", 2, 32))
            .build();
    GraphProto elseBranch =
        GraphProto.newBuilder()
            .setName("else")
            .addNode(node("MatMul", "else_matmul", List.of("X", "Sub"), List.of("else_out")))
            .addOutput(floats("else_out", 2, 32))
            .build();
    TensorProto flag =
        TensorProto.newBuilder()
            .setName("flag")
            .setDataType(DataType.BOOL_VALUE)
            .addInt32Data(1)
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("weights")
            .addInput(floats("X", 2, 64))
            .addInput(value("I", DataType.INT64, 3))
            .addInput(floats("Fed", 64, 32))
            .addInitializer(weight("G", 1, 32, 64))
            .addInitializer(weight("Gb", 2, 32))
            .addInitializer(weight("S", 3, 64, 32))
            .addInitializer(weight("Fed", 4, 64, 32))
            .addInitializer(weight("Sub", 5, 64, 32))
            .addInitializer(weight("E", 6, 16, 64))
            .addInitializer(weight("T", 7, 64, 32))
            .addInitializer(flag)
            .addNode(
                node("Gemm", "gemm", List.of("X", "G", "Gb"), List.of("Y1"), integer("transB", 1)))
            .addNode(node("MatMul", "shared_1", List.of("X", "S"), List.of("s1")))
            .addNode(node("MatMul", "shared_2", List.of("X", "S"), List.of("s2")))
            .addNode(node("Add", "shared_sum", List.of("s1", "s2"), List.of("Y2")))
            .addNode(node("MatMul", "fed", List.of("X", "Fed"), List.of("Y3")))
            .addNode(
                node(
                    "If",
                    "branch",
                    List.of("flag"),
                    List.of("Y4"),
                    graph("then_branch", thenBranch),
                    graph("else_branch", elseBranch)))
            .addNode(node("Gather", "gather", List.of("E", "I"), List.of("Y5")))
            .addNode(node("MatMul", "t_matmul", List.of("X", "T"), List.of("Y6")))
            .addNode(node("Identity", "t_identity", List.of("T"), List.of("Y7")))
            .addOutput(floats("Y1", 2, 32))
            .addOutput(floats("Y2", 2, 32))
            .addOutput(floats("Y3", 2, 32))
            .addOutput(floats("Y4", 2, 32))
            .addOutput(floats("Y5", 3, 64))
            .addOutput(floats("Y6", 2, 32))
            .addOutput(floats("Y7", 64, 32))
            .build();
    return model(13, graph);
  }

  private static Map<String, Object> weightsInputs() {
    return Map.of("X", X, "I", new long[] {0, 5, 15});
  }

  @Test
  void int8QuantizesWeightsOnlyWhereEveryReaderIsAWeightReader() throws Exception {
    byte[] original = weightsModel().toByteArray();
    OptimizedModel optimized =
        new ModelOptimizer().optimize(original, "weights.onnx", Precision.INT8);
    OptimizeReport report = optimized.report();

    Map<String, String> converted =
        report.converted().stream().collect(Collectors.toMap(Converted::name, Converted::how));
    assertThat(converted).containsOnlyKeys("G", "S", "E");
    assertThat(converted.get("G")).contains("axis 0").contains("Gemm input 1");
    assertThat(converted.get("S")).contains("axis 1").contains("by 2 nodes");
    assertThat(converted.get("E")).contains("axis 0").contains("Gather input 0");
    assertThat(reasons(report))
        .containsEntry("Gb", "32 values, below the int8 threshold of 1024")
        .containsEntry("Fed", "also a graph input, so a caller may feed another value")
        .containsEntry(
            "Sub", "read inside the subgraph of If node 'branch'; subgraphs are left as they are")
        .containsEntry("flag", "BOOL, not float32");
    assertThat(reasons(report).get("T")).startsWith("read as Identity input 0 (node 't_identity')");

    ModelProto after = ModelProto.parseFrom(optimized.bytes());
    assertThat(count(after, "DequantizeLinear")).isEqualTo(3);
    assertThat(report.nodesAfter()).isEqualTo(report.nodesBefore() + 3);
    assertThat(report.initializersAfter()).isEqualTo(report.initializersBefore() + 2 * 3);
    assertThat(report.notes()).isEmpty(); // opset 13 already

    Map<String, float[]> before = run(original, weightsInputs());
    Map<String, float[]> now = run(optimized.bytes(), weightsInputs());
    for (String quantized : List.of("Y1", "Y2", "Y5")) {
      assertThat(maxAbsDiff(before.get(quantized), now.get(quantized)))
          .as(quantized)
          .isLessThan(0.01 * maxAbs(before.get(quantized)));
    }
    for (String exact : List.of("Y3", "Y4", "Y6", "Y7")) {
      assertThat(now.get(exact)).as(exact).containsExactly(before.get(exact));
    }
  }

  @Test
  void fp16CastsEveryFloatInitializerAndSubgraphsStillReadThem() throws Exception {
    byte[] original = weightsModel().toByteArray();
    OptimizedModel optimized =
        new ModelOptimizer().optimize(original, "weights.onnx", Precision.FP16);
    OptimizeReport report = optimized.report();

    assertThat(report.converted())
        .extracting(Converted::name)
        .containsExactly("G", "Gb", "S", "Sub", "E", "T");
    assertThat(reasons(report)).containsOnlyKeys("Fed", "flag");
    ModelProto after = ModelProto.parseFrom(optimized.bytes());
    assertThat(count(after, "Cast")).isEqualTo(6);
    assertThat(after.getGraph().getInitializerList())
        .filteredOn(t -> t.getDataType() == DataType.FLOAT16_VALUE)
        .hasSize(6);

    Map<String, float[]> before = run(original, weightsInputs());
    Map<String, float[]> now = run(optimized.bytes(), weightsInputs());
    for (String output : before.keySet()) {
      assertThat(maxAbsDiff(before.get(output), now.get(output)))
          .as(output)
          .isLessThan(2e-3 * Math.max(1, maxAbs(before.get(output))));
    }
    assertThat(now.get("Y3")).containsExactly(before.get("Y3")); // Fed stays float32
  }

  @Test
  void theInt8ThresholdIsConfigurable() {
    OptimizeReport report =
        new ModelOptimizer(4096)
            .optimize(weightsModel().toByteArray(), "weights.onnx", Precision.INT8)
            .report();
    assertThat(report.converted()).isEmpty();
    assertThat(reasons(report)).containsEntry("G", "2048 values, below the int8 threshold of 4096");
    assertThatThrownBy(() -> new ModelOptimizer(0))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("the int8 size threshold must be at least 1 value, not 0");
  }

  /**
   * Opset 11: S = Softmax(X, axis=1) on rank 3 (flattens to [2, 12] before opset 13), Y =
   * MatMul(Unsqueeze(S, [0]), W), R = ReduceSum(X, [2]), P1, P2 = Split(X, [1, 3]), Q =
   * Squeeze(Unsqueeze(X, [1]), [1]).
   */
  private static ModelProto opset11Model(String extraOp) {
    GraphProto.Builder graph =
        GraphProto.newBuilder()
            .setName("opset11")
            .addInput(floats("X", 2, 3, 4))
            .addInitializer(weight("W", 11, 4, 256))
            .addNode(node("Softmax", "softmax", List.of("X"), List.of("S"), integer("axis", 1)))
            .addNode(node("Unsqueeze", "unsqueeze", List.of("S"), List.of("U"), ints("axes", 0)))
            .addNode(node("MatMul", "matmul", List.of("U", "W"), List.of("Y")))
            .addNode(
                node(
                    "ReduceSum",
                    "reduce",
                    List.of("X"),
                    List.of("R"),
                    ints("axes", 2),
                    integer("keepdims", 0)))
            .addNode(
                node(
                    "Split",
                    "split",
                    List.of("X"),
                    List.of("P1", "P2"),
                    integer("axis", 2),
                    ints("split", 1, 3)))
            .addNode(node("Unsqueeze", "unsqueeze_x", List.of("X"), List.of("X1"), ints("axes", 1)))
            .addNode(node("Squeeze", "squeeze_x", List.of("X1"), List.of("Q"), ints("axes", 1)))
            .addOutput(floats("S", 2, 3, 4))
            .addOutput(floats("Y", 1, 2, 3, 256))
            .addOutput(floats("R", 2, 3))
            .addOutput(floats("P1", 2, 3, 1))
            .addOutput(floats("P2", 2, 3, 3))
            .addOutput(floats("Q", 2, 3, 4));
    if (extraOp != null) {
      graph
          .addNode(node(extraOp, "extra", List.of("X"), List.of("Z")))
          .addOutput(floats("Z", 2, 3, 4));
    }
    return model(11, graph.build());
  }

  @Test
  void int8UpgradesOpset11To13KeepingTheMeaningOfEveryNode() throws Exception {
    byte[] original = opset11Model(null).toByteArray();
    OptimizedModel optimized =
        new ModelOptimizer().optimize(original, "opset11.onnx", Precision.INT8);
    ModelProto after = ModelProto.parseFrom(optimized.bytes());

    assertThat(after.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(after.getIrVersion()).isEqualTo(7);
    assertThat(optimized.report().notes())
        .containsExactly(
            "default-domain opset raised from 11 to 13 for per-channel DequantizeLinear; nodes"
                + " rewritten: {ReduceSum=1, Softmax=1, Split=1, Squeeze=1, Unsqueeze=2}");
    assertThat(optimized.report().converted()).extracting(Converted::name).containsExactly("W");

    Map<String, Object> inputs =
        Map.of("X", new float[][][] {randomMatrix(3, 4, 1), randomMatrix(3, 4, 2)});
    Map<String, float[]> before = run(original, inputs);
    Map<String, float[]> now = run(optimized.bytes(), inputs);
    for (String exact : List.of("S", "R", "P1", "P2", "Q")) {
      assertThat(now.get(exact)).as(exact).containsExactly(before.get(exact));
    }
    assertThat(maxAbsDiff(before.get("Y"), now.get("Y")))
        .isLessThan(0.01 * maxAbs(before.get("Y")));
  }

  @Test
  void int8RefusesAnOpsetUpgradeItCannotProveSafe() {
    byte[] withDropout = opset11Model("Dropout").toByteArray();
    assertThatThrownBy(
            () -> new ModelOptimizer().optimize(withDropout, "dropout.onnx", Precision.INT8))
        .isInstanceOf(NightshiftException.class)
        .hasMessage(
            "dropout.onnx: int8 needs per-channel DequantizeLinear (opset 13), but the model is"
                + " opset 11 and its Dropout node 'extra' is not known to keep its meaning at opset"
                + " 13; re-export the model at opset 13 or later")
        .satisfies(
            e -> assertThat(((NightshiftException) e).exitCode()).isEqualTo(ExitCode.INVALID));

    // FP16 needs no upgrade, so the same model converts.
    assertThat(
            new ModelOptimizer()
                .optimize(withDropout, "dropout.onnx", Precision.FP16)
                .report()
                .converted())
        .hasSize(1);

    ModelProto opset9 =
        opset11Model(null).toBuilder()
            .setOpsetImport(0, opset11Model(null).getOpsetImport(0).toBuilder().setVersion(9))
            .build();
    assertThatThrownBy(
            () -> new ModelOptimizer().optimize(opset9.toByteArray(), "old.onnx", Precision.INT8))
        .isInstanceOf(NightshiftException.class)
        .hasMessageStartingWith(
            "old.onnx: int8 needs per-channel DequantizeLinear (opset 13), and the model's opset 9"
                + " is too old");
  }

  /** Y = MatMul(X, W) with W's bytes in {@code weights/w.bin} after 16 bytes of something else. */
  private Path externalDataModel(String location) throws Exception {
    TensorProto w = weight("W", 21, 64, 32);
    Files.createDirectories(dir.resolve("weights"));
    byte[] data = w.getRawData().toByteArray();
    byte[] file = new byte[16 + data.length];
    System.arraycopy(data, 0, file, 16, data.length);
    Files.write(dir.resolve("weights/w.bin"), file);
    TensorProto external =
        w.toBuilder()
            .clearRawData()
            .setDataLocation(DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue(location))
            .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("16"))
            .addExternalData(
                StringStringEntryProto.newBuilder()
                    .setKey("length")
                    .setValue(String.valueOf(data.length)))
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("external")
            .addInput(floats("X", 2, 64))
            .addInitializer(external)
            .addNode(node("MatMul", "matmul", List.of("X", "W"), List.of("Y")))
            .addOutput(floats("Y", 2, 32))
            .build();
    Path model = dir.resolve("external.onnx");
    Files.write(model, model(13, graph).toByteArray());
    return model;
  }

  @Test
  void externalDataIsReadFromBesideTheModelAndWrittenInline() throws Exception {
    Path model = externalDataModel("weights/w.bin");
    Path out = dir.resolve("out/int8.onnx");
    OptimizeReport report = new ModelOptimizer().optimize(model, Precision.INT8, out);

    assertThat(report.converted()).extracting(Converted::name).containsExactly("W");
    ModelProto after = ModelProto.parseFrom(Files.readAllBytes(out));
    assertThat(after.getGraph().getInitializerList())
        .noneMatch(t -> t.getDataLocation() == DataLocation.EXTERNAL);
    Map<String, float[]> before = run(model, Map.of("X", X));
    Map<String, float[]> now = run(out, Map.of("X", X));
    assertThat(maxAbsDiff(before.get("Y"), now.get("Y")))
        .isLessThan(0.01 * maxAbs(before.get("Y")));
  }

  @Test
  void externalDataIsRefusedWithoutAFolderOrOutsideIt() throws Exception {
    Path model = externalDataModel("weights/w.bin");
    byte[] bytes = Files.readAllBytes(model);
    assertThatThrownBy(() -> new ModelOptimizer().optimize(bytes, "external.onnx", Precision.FP16))
        .isInstanceOf(NightshiftException.class)
        .hasMessage(
            "external.onnx: tensor 'W' keeps its data in the external file 'weights/w.bin';"
                + " optimize the model from its file path so the file can be read");

    Path escaping = externalDataModel("../w.bin");
    assertThatThrownBy(
            () -> new ModelOptimizer().optimize(escaping, Precision.FP16, dir.resolve("out.onnx")))
        .isInstanceOf(NightshiftException.class)
        .hasMessageContaining(escaping.toString())
        .hasMessageContaining(
            "tensor 'W' has external data at '../w.bin', outside the model's folder");
  }

  @Test
  void fp16SkipsTensorsBeyondItsRange() {
    TensorProto big = TensorData.floatTensor("Big", new long[] {4}, new float[] {1f, 2f, 1e6f, 3f});
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("big")
            .addInput(floats("X", 4))
            .addInitializer(big)
            .addNode(node("Add", "add", List.of("X", "Big"), List.of("Y")))
            .addOutput(floats("Y", 4))
            .build();
    OptimizeReport report =
        new ModelOptimizer()
            .optimize(model(13, graph).toByteArray(), "big.onnx", Precision.FP16)
            .report();
    assertThat(report.converted()).isEmpty();
    assertThat(reasons(report))
        .containsEntry("Big", "value 1000000.0 is beyond float16's range (±65504.0)");
  }

  @Test
  void garbageBytesAreNotAModel() {
    byte[] garbage = new byte[] {0x0a, 0x03, 'a', 'b', 'c'}; // parses as protobuf, but no graph
    assertThatThrownBy(() -> new ModelOptimizer().optimize(garbage, "garbage.onnx", Precision.INT8))
        .isInstanceOf(NightshiftException.class)
        .hasMessage(
            "garbage.onnx is not an ONNX model: it has no IR version or no graph with nodes");
  }

  private static Map<String, String> reasons(OptimizeReport report) {
    return report.skipped().stream().collect(Collectors.toMap(Skipped::name, Skipped::reason));
  }

  private static long count(ModelProto model, String op) {
    return model.getGraph().getNodeList().stream()
        .map(NodeProto::getOpType)
        .filter(op::equals)
        .count();
  }

  private static float[][] randomMatrix(int rows, int columns, long seed) {
    Random random = new Random(seed);
    float[][] matrix = new float[rows][columns];
    for (float[] row : matrix) {
      for (int c = 0; c < columns; c++) {
        row[c] = random.nextFloat() * 2 - 1;
      }
    }
    return matrix;
  }
}
