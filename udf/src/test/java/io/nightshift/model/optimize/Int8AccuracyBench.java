package io.nightshift.model.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * int8-dynamic accuracy harness, off by default: {@code mvn -o -B -pl udf -am test
 * -Dtest=Int8AccuracyBench -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false} ({@code
 * #minilm} or {@code #bge} for one model; {@code -Dvariants=all,-ffn_down,...} picks the variants:
 * {@code all} quantizes every MatMul weight, {@code -KIND} keeps one kind float32 in every layer
 * (q, k, v, attn_out, ffn_up, ffn_down), {@code -layerN} keeps layer N float32, {@code default} is
 * what {@link Precision#INT8_DYNAMIC} writes). Embeds the bench's 2,000 mail paragraphs
 * ({@code bench/target/data/mail-paragraphs-r2000}, exported once to JSON lines beside it) with fp32
 * and each variant, one row per call on one intra-op thread, and prints cosine to fp32 (mean, min)
 * and rows/s over fp32's.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class Int8AccuracyBench {
  private static final String[] KINDS = {"q", "k", "v", "attn_out", "ffn_up", "ffn_down"};

  @TempDir static Path dir;

  @Test
  void minilm() throws Exception {
    run("minilm", MiniLmSample.model(), MiniLmSample.tokenizer(), false);
  }

  @Test
  void bge() throws Exception {
    run("bge", Samples.bgeSmallEnFp32Model(), Samples.bgeSmallEnFp32Tokenizer(), true);
  }

  static List<String> paragraphs() throws Exception {
    Path data = Samples.root().resolve("bench/target/data/mail-paragraphs-r2000");
    Path lines = data.resolveSibling("mail-paragraphs-r2000.jsonl");
    ObjectMapper json = new ObjectMapper();
    if (!Files.exists(lines)) {
      SparkSession spark = SparkSession.builder().master("local[1]").appName("export").getOrCreate();
      try (BufferedWriter out = Files.newBufferedWriter(lines, StandardCharsets.UTF_8)) {
        for (Row row : spark.read().parquet(data.toString()).select("text").collectAsList()) {
          out.write(json.writeValueAsString(Map.of("text", row.getString(0))));
          out.newLine();
        }
      } finally {
        spark.stop();
      }
    }
    List<String> texts = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(lines, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        texts.add(json.readTree(line).get("text").asText());
      }
    }
    return texts;
  }

  private static void run(String name, Path fp32, Path tokenizer, boolean ownPooling) throws Exception {
    // -Dbench.pooling=mean pools bge by the mean, as the bench's job files do.
    boolean cls = ownPooling && !"mean".equals(System.getProperty("bench.pooling"));
    List<String> texts = paragraphs();
    int limit = Integer.getInteger("bench.rows", texts.size());
    List<long[]> rows = SentenceEmbedder.tokenize(tokenizer, texts.subList(0, limit));
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(fp32));
    Map<String, TensorProto> initializers = new HashMap<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    // Weight MatMuls in graph order: 6 per BERT layer (q, k, v, attention output, FFN up, FFN down).
    Map<String, String> kindOf = new LinkedHashMap<>();
    Map<String, String> producer = new HashMap<>();
    for (NodeProto node : model.getGraph().getNodeList()) {
      node.getOutputList().forEach(o -> producer.put(o, node.getOpType()));
    }
    int i = 0;
    for (NodeProto node : model.getGraph().getNodeList()) {
      if ((node.getOpType().equals("MatMul") || node.getOpType().equals("Gemm"))
          && initializers.containsKey(node.getInput(1)) && initializers.get(node.getInput(1)).getDimsCount() == 2) {
        String kind = "layer" + (i / 6) + "/" + KINDS[i % 6];
        kindOf.put(node.getInput(1), kind);
        System.out.printf("%s %s <- %s (%s)%n", kind, node.getName(), node.getInput(0),
            producer.get(node.getInput(0)));
        i++;
      }
    }
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("fp32", fp32);
    for (String variant : System.getProperty("variants", "all,default").split(",")) {
      Path out = dir.resolve(name + "-" + variant + ".onnx");
      if (variant.equals("default")) {
        new ModelOptimizer().optimize(fp32, Precision.INT8_DYNAMIC, out);
      } else {
        Function<String, DynamicInt8Quantizer.Scales> override =
            w -> {
              String kind = kindOf.get(w);
              if (kind == null) {
                return null;
              }
              if (variant.equals("all")) {
                return DynamicInt8Quantizer.Scales.PER_CALL;
              }
              if (variant.startsWith("row")) {
                // row: every kind per row; row:ffn_up+ffn_down: those kinds per row, the rest per call
                if (variant.equals("row")) {
                  return DynamicInt8Quantizer.Scales.PER_ROW;
                }
                for (String k : variant.substring(4).split("\\+")) {
                  if (kind.endsWith("/" + k)) {
                    return DynamicInt8Quantizer.Scales.PER_ROW;
                  }
                }
                return DynamicInt8Quantizer.Scales.PER_CALL;
              }
              String drop = variant.substring(1); // -KIND or -layerN: float32, the rest per call
              return kind.endsWith("/" + drop) || kind.startsWith(drop + "/")
                  ? DynamicInt8Quantizer.Scales.FLOAT : DynamicInt8Quantizer.Scales.PER_CALL;
            };
        Files.write(out, new DynamicInt8Quantizer(1024, override).apply(model).model().toByteArray());
      }
      models.put(variant, out);
    }
    Map<String, float[][]> embeddings = new LinkedHashMap<>();
    Map<String, double[]> seconds = new LinkedHashMap<>();
    Map<String, SentenceEmbedder> embedders = new LinkedHashMap<>();
    int rounds = Integer.getInteger("bench.rounds", 1);
    try {
      for (Map.Entry<String, Path> m : models.entrySet()) {
        embedders.put(m.getKey(), new SentenceEmbedder(m.getValue(), cls, 1));
        embedders.get(m.getKey()).embed(rows.subList(0, 16), 1); // warm-up
        seconds.put(m.getKey(), new double[rounds]);
      }
      // The models interleaved per round, so a busy spell of the machine hits them alike.
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, SentenceEmbedder> e : embedders.entrySet()) {
          long start = System.nanoTime();
          embeddings.put(e.getKey(), e.getValue().embed(rows, 1));
          seconds.get(e.getKey())[round] = (System.nanoTime() - start) / 1e9;
        }
      }
    } finally {
      for (SentenceEmbedder e : embedders.values()) {
        e.close();
      }
    }
    System.out.printf("%s (%s pooling): %d paragraphs, one per call, 1 intra-op thread, %d round(s), median%n",
        name, cls ? "cls" : "mean", rows.size(), rounds);
    System.out.println("| variant | rows/s | x fp32 | cosine mean | cosine min | min at tokens |");
    for (String m : models.keySet()) {
      double sum = 0;
      double min = 1;
      int worst = 0;
      for (int r = 0; r < rows.size(); r++) {
        double c = io.nightshift.accuracy.AccuracyCheck.cosine(embeddings.get("fp32")[r], embeddings.get(m)[r]);
        sum += c;
        if (c < min) {
          min = c;
          worst = r;
        }
      }
      System.out.printf("| %s | %.1f | %.2f | %.5f | %.5f | %d |%n", m, rows.size() / median(seconds.get(m)),
          median(seconds.get("fp32")) / median(seconds.get(m)), sum / rows.size(), min, rows.get(worst).length);
    }
    assertThat(embeddings).hasSize(models.size());
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }
}
