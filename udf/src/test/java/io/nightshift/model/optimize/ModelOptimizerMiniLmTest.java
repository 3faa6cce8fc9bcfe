package io.nightshift.model.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtException;
import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimizer on the real all-MiniLM-L6-v2 fp32 model, run by the real ONNX Runtime on 500
 * sentences of real words ({@link TestSentences}), in batches of 32 padded to their longest row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelOptimizerMiniLmTest {
  private static final int TEXTS = 500;
  private static final int BATCH = 32;

  @TempDir static Path dir;

  private Path fp32;
  private Path int8;
  private Path fp16;
  private OptimizeReport int8Report;
  private OptimizeReport fp16Report;
  private List<long[]> rows;
  private float[][] fp32Embeddings;

  @BeforeAll
  void optimizeAndEmbed() throws OrtException {
    fp32 = MiniLmSample.model();
    int8 = dir.resolve("int8/model.onnx");
    fp16 = dir.resolve("fp16/model.onnx");
    ModelOptimizer optimizer = new ModelOptimizer();
    int8Report = optimizer.optimize(fp32, Precision.INT8, int8);
    fp16Report = optimizer.optimize(fp32, Precision.FP16, fp16);
    System.out.println(int8Report.describe());
    System.out.println(fp16Report.describe());

    rows =
        SentenceEmbedder.tokenize(
            MiniLmSample.tokenizer(),
            TestSentences.generate(MiniLmSample.tokenizer(), TEXTS, 20261128L));
    try (SentenceEmbedder embedder = new SentenceEmbedder(fp32)) {
      fp32Embeddings = embedder.embed(rows, BATCH);
    }
  }

  @Test
  void int8IsAQuarterOfTheSizeAndKeepsTheEmbeddings() throws Exception {
    assertThat(Files.size(int8)).isEqualTo(int8Report.bytesAfter());
    assertThat(int8Report.bytesBefore()).isEqualTo(Files.size(fp32));
    assertThat(int8Report.sizeRatio()).isLessThanOrEqualTo(0.30);

    float[][] embeddings;
    try (SentenceEmbedder embedder = new SentenceEmbedder(int8)) {
      embeddings = embedder.embed(rows, BATCH);
    }
    double[] cosines = cosines(embeddings);
    System.out.printf(
        "int8 vs fp32 cosine over %d texts: mean %.5f, min %.5f%n",
        cosines.length, mean(cosines), min(cosines));
    assertThat(mean(cosines)).isGreaterThanOrEqualTo(0.99);
    assertThat(min(cosines)).isGreaterThanOrEqualTo(0.97);
  }

  @Test
  void int8RowDoesNotDependOnItsBatch() throws Exception {
    List<long[]> batch = rows.subList(0, 64);
    assertThat(batch.stream().mapToInt(r -> r.length).distinct().count())
        .as("rows of varied length")
        .isGreaterThan(5);
    try (SentenceEmbedder embedder = new SentenceEmbedder(int8)) {
      float[][] together = embedder.embedBatch(batch);
      double maxDiff = 0;
      for (int r = 0; r < batch.size(); r++) {
        float[] alone = embedder.embedBatch(List.of(batch.get(r)))[0];
        for (int d = 0; d < alone.length; d++) {
          maxDiff = Math.max(maxDiff, Math.abs(alone[d] - together[r][d]));
        }
      }
      System.out.printf("int8 alone vs in a batch of 64: max abs diff %.3g%n", maxDiff);
      assertThat(maxDiff).isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void fp16IsHalfTheSizeAndKeepsTheEmbeddings() throws Exception {
    assertThat(Files.size(fp16)).isEqualTo(fp16Report.bytesAfter());
    assertThat(fp16Report.sizeRatio()).isLessThanOrEqualTo(0.52);

    float[][] embeddings;
    try (SentenceEmbedder embedder = new SentenceEmbedder(fp16)) {
      embeddings = embedder.embed(rows, BATCH);
    }
    double[] cosines = cosines(embeddings);
    System.out.printf(
        "fp16 vs fp32 cosine over %d texts: mean %.6f, min %.6f%n",
        cosines.length, mean(cosines), min(cosines));
    assertThat(mean(cosines)).isGreaterThanOrEqualTo(0.999);
  }

  @Test
  void int8ReportCountsMatchTheModelWritten() throws IOException {
    ModelProto before = ModelProto.parseFrom(Files.readAllBytes(fp32));
    ModelProto after = ModelProto.parseFrom(Files.readAllBytes(int8));
    long dequantizers = countOps(after, "DequantizeLinear");
    long softmaxes = countOps(before, "Softmax");
    long unsqueezes = countOps(before, "Unsqueeze");

    // 36 MatMul weights (6 layers x Q, K, V, output, 2 feed-forward) and 2 embedding tables.
    assertThat(int8Report.converted()).hasSize(38);
    assertThat(dequantizers).isEqualTo(int8Report.converted().size());
    assertThat(int8Report.converted().size() + int8Report.skipped().size())
        .isEqualTo(int8Report.initializersBefore());
    assertThat(int8Report.nodesBefore()).isEqualTo(before.getGraph().getNodeCount());
    assertThat(int8Report.nodesAfter())
        .isEqualTo(after.getGraph().getNodeCount())
        // one DequantizeLinear per tensor; opset 11 -> 13 turns each Softmax into Shape, Flatten,
        // Softmax, Reshape
        .isEqualTo(int8Report.nodesBefore() + dequantizers + 3 * softmaxes);
    assertThat(int8Report.initializersAfter())
        .isEqualTo(after.getGraph().getInitializerCount())
        // each tensor becomes values, scale and zero point; each Unsqueeze gets its axes as an
        // initializer
        .isEqualTo(int8Report.initializersBefore() + 2 * dequantizers + unsqueezes);
    assertThat(after.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(int8Report.notes()).anySatisfy(note -> assertThat(note).contains("from 11 to 13"));
    assertThat(int8Report.converted())
        .extracting(OptimizeReport.Converted::name)
        .contains("embeddings.word_embeddings.weight", "onnx::MatMul_787");
    assertThat(int8Report.skipped())
        .anySatisfy(
            s -> {
              assertThat(s.name()).isEqualTo("embeddings.token_type_embeddings.weight");
              assertThat(s.reason()).contains("768 values, below the int8 threshold of 1024");
            });
    assertThat(int8Report.skipped())
        .anySatisfy(
            s -> {
              assertThat(s.name()).isEqualTo("embeddings.position_ids");
              assertThat(s.reason()).contains("INT64, not float32");
            });
    assertThat(int8Report.describe())
        .contains("converted 38 tensor(s)")
        .contains("DequantizeLinear");
  }

  @Test
  void fp16ReportCountsMatchTheModelWritten() throws IOException {
    ModelProto after = ModelProto.parseFrom(Files.readAllBytes(fp16));
    long casts =
        countOps(after, "Cast") - countOps(ModelProto.parseFrom(Files.readAllBytes(fp32)), "Cast");
    assertThat(fp16Report.converted()).hasSize(101);
    assertThat(casts).isEqualTo(101);
    assertThat(fp16Report.skipped())
        .singleElement()
        .satisfies(s -> assertThat(s.name()).isEqualTo("embeddings.position_ids"));
    assertThat(fp16Report.nodesAfter()).isEqualTo(fp16Report.nodesBefore() + casts);
    assertThat(fp16Report.initializersAfter()).isEqualTo(fp16Report.initializersBefore());
    assertThat(fp16Report.notes()).isEmpty();
  }

  @Test
  void anInt8ModelIsKeptAsItIs() throws IOException {
    Path again = dir.resolve("again/model.onnx");
    OptimizeReport report = new ModelOptimizer().optimize(int8, Precision.INT8, again);

    assertThat(report.alreadyQuantized()).isTrue();
    assertThat(report.quantizationMarkers()).first().asString().contains("DequantizeLinear node");
    assertThat(report.converted()).isEmpty();
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(int8));
    assertThat(report.describe()).contains("already quantized, kept as it is");

    OptimizeReport halved =
        new ModelOptimizer().optimize(int8, Precision.FP16, dir.resolve("again/fp16.onnx"));
    assertThat(halved.alreadyQuantized()).isTrue();
  }

  @Test
  void aTextFileIsNotAModel() throws IOException {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "These are notes about the model, not the model itself.\n");

    assertThatThrownBy(
            () -> new ModelOptimizer().optimize(text, Precision.INT8, dir.resolve("out.onnx")))
        .isInstanceOf(NightshiftException.class)
        .hasMessageContaining(text.toString())
        .hasMessageContaining("is not an ONNX model")
        .satisfies(
            e -> assertThat(((NightshiftException) e).exitCode()).isEqualTo(ExitCode.INVALID));
    assertThat(dir.resolve("out.onnx")).doesNotExist();
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("missing.onnx");
    assertThatThrownBy(
            () -> new ModelOptimizer().optimize(missing, Precision.FP16, dir.resolve("out.onnx")))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("model file %s does not exist", missing);
  }

  private double[] cosines(float[][] embeddings) {
    return IntStream.range(0, embeddings.length)
        .mapToDouble(i -> io.nightshift.accuracy.AccuracyCheck.cosine(fp32Embeddings[i], embeddings[i]))
        .toArray();
  }

  private static long countOps(ModelProto model, String op) {
    return model.getGraph().getNodeList().stream()
        .map(NodeProto::getOpType)
        .filter(op::equals)
        .count();
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElseThrow();
  }

  private static double min(double[] values) {
    return java.util.Arrays.stream(values).min().orElseThrow();
  }
}
