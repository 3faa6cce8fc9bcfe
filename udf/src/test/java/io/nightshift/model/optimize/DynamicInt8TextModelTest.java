package io.nightshift.model.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Precision#INT8_DYNAMIC} on a real fp32 BERT-style sentence model, run by the real ONNX
 * Runtime one mail per call (as the job runs such a model) on every n-th mail of the SpamAssassin
 * sample: the graph it writes, and its embeddings against fp32's. A subclass names the model, its
 * pooling, how many mails it scores and the counts its layers give.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DynamicInt8TextModelTest {
  private Path int8;
  private OptimizeReport report;
  private List<long[]> rows;
  private List<long[]> shortParagraphs;

  /** Paragraphs of the corpus taken in order, as the bench's r2000 set takes them. */
  private static final int PARAGRAPHS = 2000;

  /** The shortest of those (in tokens) that the short-text test scores. */
  private static final int SHORTEST = 300;

  /** The fp32 {@code model.onnx}. */
  abstract Path model();

  /** Its {@code tokenizer.json}. */
  abstract Path tokenizer();

  /** The model's own pooling: [CLS] (true) or the mean (false). */
  abstract boolean cls();

  /** Every how many mails one is scored. */
  abstract int every();

  /** Non-blank mails that {@link #every()} picks. */
  abstract int mails();

  /** Transformer layers: 6 MatMul weights each. */
  abstract int layers();

  /** Bounds of the written file's size over the fp32 file's. */
  abstract double[] sizeRatio();

  @BeforeAll
  void optimize(@TempDir Path dir) throws Exception {
    int8 = dir.resolve("int8-dynamic/model.onnx");
    report = new ModelOptimizer().optimize(model(), Precision.INT8_DYNAMIC, int8);
    List<String> mails = new ArrayList<>();
    List<String> paragraphs = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader in = Files.newBufferedReader(Samples.mails(), StandardCharsets.UTF_8)) {
      String line;
      for (int i = 0; (line = in.readLine()) != null; i++) {
        String text = json.readTree(line).get("text").asText();
        if (i % every() == 0 && !text.isBlank()) {
          mails.add(text);
        }
        // Split at blank lines, as the bench's mail paragraphs are.
        for (String paragraph : text.split("\n\\s*\n")) {
          if (paragraphs.size() < PARAGRAPHS && !paragraph.trim().isEmpty()) {
            paragraphs.add(paragraph.trim());
          }
        }
      }
    }
    rows = SentenceEmbedder.tokenize(tokenizer(), mails);
    shortParagraphs = new ArrayList<>(SentenceEmbedder.tokenize(tokenizer(), paragraphs));
    shortParagraphs.sort(java.util.Comparator.comparingInt(r -> r.length)); // stable: corpus order within a length
    shortParagraphs = List.copyOf(shortParagraphs.subList(0, SHORTEST));
  }

  @Test
  void everyMatMulWeightRunsOnIntegerKernelsAndTheTablesAreInt8() throws Exception {
    ModelProto before = ModelProto.parseFrom(Files.readAllBytes(model()));
    ModelProto after = ModelProto.parseFrom(Files.readAllBytes(int8));
    int layers = layers();
    // Per layer: (Q, K, V, attention output, 2 feed-forward) MatMul weights on integer kernels.
    // Q, K and V share one activation, quantized once per call, and take their bias Adds; the
    // attention output and the two feed-forward MatMuls read theirs alone: quantized per row
    // (ReduceMax, ReduceMin, Max, Min, Sub, Max, 2 Div, Mul, Round, Neg, Mul, Add, QuantizeLinear), each product
    // corrected for the row zero point (Mul, Sub) and rescaled (Mul), its bias Add kept.
    assertThat(countOps(after, "MatMulIntegerToFloat")).isEqualTo(6L * layers);
    assertThat(countOps(after, "DynamicQuantizeLinear")).isEqualTo(layers);
    assertThat(countOps(after, "DynamicQuantizeMatMul")).isZero();
    assertThat(countOps(after, "QuantizeLinear")).isEqualTo(3L * layers);
    assertThat(countOps(after, "ReduceMax")).isEqualTo(countOps(before, "ReduceMax") + 3L * layers);
    assertThat(countOps(after, "ReduceMin")).isEqualTo(countOps(before, "ReduceMin") + 3L * layers);
    assertThat(countOps(after, "MatMul")).isEqualTo(countOps(before, "MatMul") - 6L * layers);
    // 3 bias Adds folded into Q, K and V; 3 Adds of row zero points.
    assertThat(countOps(after, "Add")).isEqualTo(countOps(before, "Add"));
    assertThat(countOps(after, "Mul")).isEqualTo(countOps(before, "Mul") + 12L * layers);
    assertThat(countOps(after, "Sub")).isEqualTo(countOps(before, "Sub") + 6L * layers);
    assertThat(countOps(after, "DequantizeLinear")).isZero();
    assertThat(report.converted()).hasSize(6 * layers);
    assertThat(report.converted())
        .allSatisfy(c -> assertThat(c.how()).contains("integer kernels"));
    assertThat(report.converted().stream().filter(c -> c.how().contains("quantized per row,")))
        .hasSize(3 * layers);
    assertThat(report.converted().size() + report.skipped().size())
        .isEqualTo(report.initializersBefore());
    // The embedding tables (47 MB) stay float32.
    assertThat(report.sizeRatio()).isBetween(sizeRatio()[0], sizeRatio()[1]);
    assertThat(after.getOpsetImport(0).getVersion()).isEqualTo(before.getOpsetImport(0).getVersion());
    assertThat(after.getOpsetImportList())
        .anySatisfy(o -> assertThat(o.getDomain() + ":" + o.getVersion()).isEqualTo("com.microsoft:1"));
    assertThat(ModelOptimizer.batchDependent(after)).get().asString()
        .startsWith("DynamicQuantizeLinear node '");
    assertThat(ModelOptimizer.batchDependent(before)).isEmpty();
  }

  @Test
  void mailsScoredOneAtATimeKeepTheirFp32Embeddings() throws Exception {
    float[][] fp32;
    float[][] dynamic;
    long fp32Nanos;
    long dynamicNanos;
    try (SentenceEmbedder embedder = new SentenceEmbedder(model(), cls())) {
      long start = System.nanoTime();
      fp32 = embedder.embed(rows, 1);
      fp32Nanos = System.nanoTime() - start;
    }
    try (SentenceEmbedder embedder = new SentenceEmbedder(int8, cls())) {
      long start = System.nanoTime();
      dynamic = embedder.embed(rows, 1);
      dynamicNanos = System.nanoTime() - start;
      // Scored alone again: the same bits.
      for (int r = 0; r < 8; r++) {
        assertThat(embedder.embedBatch(List.of(rows.get(r)))[0]).isEqualTo(dynamic[r]);
      }
    }
    double[] cosines = meanAndMin(fp32, dynamic);
    double mean = cosines[0];
    double min = cosines[1];
    System.out.printf(
        "%s int8-dynamic vs fp32 over %d mails (%s pooling): cosine mean %.5f, min %.5f; batch 1,"
            + " 2 threads: fp32 %.0f ms, int8-dynamic %.0f ms (first runs, include warm-up);"
            + " size ratio %.3f%n",
        model().getParent().getParent().getFileName(), rows.size(), cls() ? "cls" : "mean", mean, min,
        fp32Nanos / 1e6, dynamicNanos / 1e6, report.sizeRatio());
    assertThat(rows).hasSize(mails());
    assertThat(mean).isGreaterThanOrEqualTo(0.99);
    assertThat(min).isGreaterThanOrEqualTo(0.97);
  }

  /**
   * The hard case: short texts (the shortest of the corpus's first paragraphs, a few tokens each),
   * where per-call activation scales gave a min cosine of 0.96 on the bench's paragraphs.
   */
  @Test
  void shortParagraphsScoredOneAtATimeKeepTheirFp32Embeddings() throws Exception {
    float[][] fp32;
    float[][] dynamic;
    try (SentenceEmbedder embedder = new SentenceEmbedder(model(), cls())) {
      fp32 = embedder.embed(shortParagraphs, 1);
    }
    try (SentenceEmbedder embedder = new SentenceEmbedder(int8, cls())) {
      dynamic = embedder.embed(shortParagraphs, 1);
    }
    double[] cosines = meanAndMin(fp32, dynamic);
    double mean = cosines[0];
    double min = cosines[1];
    System.out.printf("%s int8-dynamic vs fp32 over the %d shortest of %d paragraphs (%d-%d tokens):"
            + " cosine mean %.5f, min %.5f%n",
        model().getParent().getParent().getFileName(), shortParagraphs.size(), PARAGRAPHS,
        shortParagraphs.get(0).length, shortParagraphs.get(SHORTEST - 1).length, mean, min);
    assertThat(mean).isGreaterThanOrEqualTo(0.99);
    assertThat(min).isGreaterThanOrEqualTo(0.97);
  }

  /** The mean and the minimum cosine between the rows of {@code a} and {@code b}. */
  private static double[] meanAndMin(float[][] a, float[][] b) {
    double sum = 0;
    double min = 1;
    for (int r = 0; r < a.length; r++) {
      double c = io.nightshift.accuracy.AccuracyCheck.cosine(a[r], b[r]);
      sum += c;
      min = Math.min(min, c);
    }
    return new double[] {sum / a.length, min};
  }

  private static long countOps(ModelProto model, String op) {
    return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).filter(op::equals).count();
  }
}
