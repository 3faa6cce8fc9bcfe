package io.nightshift.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.nightshift.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The row-at-a-time MiniLM baseline, as a user writes it first: a plain Spark Java UDF over the
 * text column that tokenizes one text with a JVM-wide cached tokenizer, runs a JVM-wide cached
 * session (1 intra-op thread) on that one row, and returns its mean-pooled, L2-normalized
 * embedding. No batching, so no padding: on the CPU that is not slow for a transformer.
 */
final class TextRowUdf implements UDF1<String, float[]> {
  private static final Map<String, OrtSession> SESSIONS = new ConcurrentHashMap<>();
  private static final Map<String, TextTokenizer> TOKENIZERS = new ConcurrentHashMap<>();
  private final String model;
  private final String tokenizer;
  private final int maxLength;

  TextRowUdf(Path model, Path tokenizer, int maxLength) {
    this.model = model.toAbsolutePath().toString();
    this.tokenizer = tokenizer.toAbsolutePath().toString();
    this.maxLength = maxLength;
  }

  @Override
  public float[] call(String text) throws Exception {
    OrtSession session = SESSIONS.computeIfAbsent(model, RowUdf::open);
    TextTokenizer t = TOKENIZERS.computeIfAbsent(tokenizer + "#" + maxLength, k -> load(tokenizer, maxLength));
    return TextCeiling.embed(OrtEnvironment.getEnvironment(), session, List.of(t.encode(text)))[0];
  }

  private static TextTokenizer load(String file, int maxLength) {
    try {
      return TextTokenizer.load(Files.readAllBytes(Path.of(file)), file, maxLength, true);
    } catch (Exception e) {
      throw new IllegalStateException("cannot load " + file + ": " + e.getMessage(), e);
    }
  }
}
