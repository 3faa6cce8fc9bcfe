package io.nightshift.model.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precision benchmark, off by default: {@code mvn -o -B -pl udf -am test -Dtest=PrecisionBench
 * -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dtest=PrecisionBench#bgePrecisions}
 * for one model). all-MiniLM-L6-v2 as fp32, fp16, int8 (weight-only), int8-dynamic and langchain4j's
 * int8 (ONNX Runtime's own dynamic quantization), and bge-small-en-v1.5 as the first four, each on
 * every 30th mail of the SpamAssassin sample (max-length 128), one mail per call on one session
 * with 2 intra-op threads, the models interleaved per round. Prints bytes, rows/s per
 * round (min and median) and cosine to fp32 (mean and min).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class PrecisionBench {
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

  @TempDir static Path dir;

  @Test
  void minilmPrecisions() throws Exception {
    run("minilm", MiniLmSample.model(), MiniLmSample.tokenizer(), false,
        Map.of("langchain4j int8", Samples.minilmInt8Model()));
  }

  /** bge-small-en-v1.5 with its own [CLS] pooling; no published int8 of it to compare with. */
  @Test
  void bgePrecisions() throws Exception {
    run("bge", Samples.bgeSmallEnFp32Model(), Samples.bgeSmallEnFp32Tokenizer(), true, Map.of());
  }

  private static void run(String name, Path fp32, Path tokenizer, boolean cls, Map<String, Path> references)
      throws Exception {
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("fp32", fp32);
    for (Precision p : Precision.values()) {
      Path out = dir.resolve(name + "-" + p.name().toLowerCase() + ".onnx");
      new ModelOptimizer().optimize(fp32, p, out);
      models.put(p.name().toLowerCase().replace('_', '-'), out);
    }
    models.putAll(references);

    List<String> mails = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader in = Files.newBufferedReader(Samples.mails(), StandardCharsets.UTF_8)) {
      String line;
      for (int i = 0; (line = in.readLine()) != null; i++) {
        String text = json.readTree(line).get("text").asText();
        if (i % 30 == 0 && !text.isBlank()) {
          mails.add(text);
        }
      }
    }
    List<long[]> rows = SentenceEmbedder.tokenize(tokenizer, mails);

    Map<String, double[]> rates = new LinkedHashMap<>();
    Map<String, float[][]> embeddings = new LinkedHashMap<>();
    Map<String, SentenceEmbedder> embedders = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Path> m : models.entrySet()) {
        embedders.put(m.getKey(), new SentenceEmbedder(m.getValue(), cls));
        embedders.get(m.getKey()).embed(rows.subList(0, 8), 1); // warm-up
        rates.put(m.getKey(), new double[ROUNDS]);
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (Map.Entry<String, SentenceEmbedder> e : embedders.entrySet()) {
          long start = System.nanoTime();
          embeddings.put(e.getKey(), e.getValue().embed(rows, 1));
          rates.get(e.getKey())[round] = rows.size() / ((System.nanoTime() - start) / 1e9);
        }
      }
    } finally {
      for (SentenceEmbedder e : embedders.values()) {
        e.close();
      }
    }
    System.out.printf("%s: %d mails, one per call, 2 intra-op threads, %d rounds%n", name, rows.size(), ROUNDS);
    System.out.println("| model | bytes | rows/s min | rows/s median | × fp32 (median) | cosine mean | cosine min |");
    double fp32Median = median(rates.get("fp32"));
    for (String m : models.keySet()) {
      double sum = 0;
      double min = 1;
      for (int r = 0; r < rows.size(); r++) {
        double c = io.nightshift.accuracy.AccuracyCheck.cosine(embeddings.get("fp32")[r], embeddings.get(m)[r]);
        sum += c;
        min = Math.min(min, c);
      }
      double[] rate = rates.get(m).clone();
      Arrays.sort(rate);
      System.out.printf("| %s | %,d | %.1f | %.1f | %.2f | %.5f | %.5f |%n", m, Files.size(models.get(m)),
          rate[0], median(rate), median(rate) / fp32Median, sum / rows.size(), min);
    }
    assertThat(rates).hasSize(models.size());
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
