package io.nightshift.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.nightshift.text.Pooling;
import io.nightshift.text.TextTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The MiniLM ceiling: the same tokenizer and plain ONNX Runtime over texts already in memory, and
 * nothing else. Each caller thread takes a window of {@code batch x windowBatches} texts,
 * tokenizes them, sorts them by token count, cuts batches of {@code batch}, pads each to its own
 * longest row, runs the shared session and mean-pools + L2-normalizes every row: the work a
 * Nightshift text job does, minus Spark. Tokenizing is inside the timing (the job does it too);
 * building the tokenizer and the session is not. Same session options as Nightshift.
 */
final class TextCeiling {
  private final List<String> texts;
  private final TextTokenizer tokenizer;
  private final int windowBatches;

  TextCeiling(List<String> texts, TextTokenizer tokenizer, int windowBatches) {
    this.texts = texts;
    this.tokenizer = tokenizer;
    this.windowBatches = windowBatches;
  }

  /**
   * One pass over the texts by {@code callers} threads sharing {@code session} (created outside
   * the timing, e.g. by {@link Ceiling#session}), in batches of {@code batch} rows.
   */
  Bench.Body pass(OrtSession session, int callers, int batch) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    return () -> pass(env, session, callers, batch);
  }

  private void pass(OrtEnvironment env, OrtSession session, int callers, int batch) throws Exception {
    int window = batch * windowBatches;
    Ceiling.onCallers(callers, "text-ceiling", texts.size(), window, (from, to) -> {
      List<TextTokenizer.Tokens> tokens = new ArrayList<>(window);
      for (String s : texts.subList(from, to)) {
        tokens.add(tokenizer.encode(s));
      }
      tokens.sort(Comparator.comparingInt(TextTokenizer.Tokens::length));
      for (int b = 0; b < tokens.size(); b += batch) {
        embed(env, session, tokens.subList(b, Math.min(tokens.size(), b + batch)));
      }
    });
  }

  /** Mean-pooled, L2-normalized embeddings of one batch padded to its longest row. */
  static float[][] embed(OrtEnvironment env, OrtSession session, List<TextTokenizer.Tokens> rows) throws Exception {
    int n = rows.size();
    int longest = rows.stream().mapToInt(TextTokenizer.Tokens::length).max().orElse(1);
    long[] ids = new long[n * longest];
    long[] mask = new long[n * longest];
    long[] types = new long[n * longest];
    for (int r = 0; r < n; r++) {
      TextTokenizer.Tokens t = rows.get(r);
      System.arraycopy(t.ids(), 0, ids, r * longest, t.length());
      System.arraycopy(t.typeIds(), 0, types, r * longest, t.length());
      Arrays.fill(mask, r * longest, r * longest + t.length(), 1L);
    }
    long[] shape = {n, longest};
    try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor b = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
        OrtSession.Result res = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
      FloatBuffer h = ((OnnxTensor) res.get("last_hidden_state").orElseThrow()).getFloatBuffer();
      int hidden = h.remaining() / (n * longest);
      float[][] out = new float[n][hidden];
      for (int r = 0; r < n; r++) {
        Pooling.mean(h, r * longest * hidden, hidden, rows.get(r).length(), out[r]);
        Pooling.l2(out[r]);
      }
      return out;
    }
  }
}
