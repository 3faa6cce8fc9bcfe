package io.nightshift.model.optimize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Test helper: MiniLM sentence embeddings the sentence-transformers way (mean of the last hidden
 * state over real tokens, or the [CLS] token's state for bge, then L2-normalized), with each batch
 * padded to its longest row and attention mask 0 on padding. Owns its ONNX Runtime session; close it.
 */
final class SentenceEmbedder implements AutoCloseable {
  static {
    // The tokenizer's native library comes from its jar; keep DJL's cache in the build folder and
    // off the network.
    System.setProperty(
        "DJL_CACHE_DIR", io.nightshift.samples.Samples.root().resolve("udf/target/djl").toString());
    System.setProperty("ai.djl.offline", "true");
  }

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final boolean cls;

  SentenceEmbedder(Path model) throws OrtException {
    this(model, false);
  }

  /** {@code cls}: pool the first ([CLS]) token's state, as bge does, instead of the mean. */
  SentenceEmbedder(Path model, boolean cls) throws OrtException {
    this(model, cls, 2);
  }

  /** {@code threads}: ONNX Runtime's intra-op threads. */
  SentenceEmbedder(Path model, boolean cls, int threads) throws OrtException {
    this.cls = cls;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      session = env.createSession(model.toString(), options);
    }
  }

  /** Token ids of each text: [CLS] … [SEP], truncated at 128, not padded. */
  static List<long[]> tokenize(Path tokenizerJson, List<String> texts) {
    try (HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerJson)
            .optPadding(false)
            .optTruncation(true)
            .optMaxLength(128)
            .build()) {
      List<long[]> rows = new ArrayList<>();
      for (String text : texts) {
        Encoding encoding = tokenizer.encode(text);
        int real = (int) Arrays.stream(encoding.getAttentionMask()).sum();
        rows.add(Arrays.copyOf(encoding.getIds(), real));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The embeddings of {@code rows}, run in batches of {@code batchSize}. */
  float[][] embed(List<long[]> rows, int batchSize) throws OrtException {
    float[][] out = new float[rows.size()][];
    for (int start = 0; start < rows.size(); start += batchSize) {
      List<long[]> batch = rows.subList(start, Math.min(rows.size(), start + batchSize));
      float[][] embeddings = embedBatch(batch);
      System.arraycopy(embeddings, 0, out, start, embeddings.length);
    }
    return out;
  }

  /** The embeddings of one batch, padded to its longest row. */
  float[][] embedBatch(List<long[]> batch) throws OrtException {
    int rows = batch.size();
    int length = batch.stream().mapToInt(r -> r.length).max().orElse(0);
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      long[] row = batch.get(r);
      System.arraycopy(row, 0, ids, r * length, row.length);
      Arrays.fill(mask, r * length, r * length + row.length, 1L);
    }
    long[] shape = {rows, length};
    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor typeTensor =
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * length]), shape);
        OrtSession.Result result =
            session.run(
                Map.of(
                    "input_ids",
                    idTensor,
                    "attention_mask",
                    maskTensor,
                    "token_type_ids",
                    typeTensor))) {
      OnnxTensor hidden = (OnnxTensor) result.get("last_hidden_state").orElseThrow();
      long[] hiddenShape = hidden.getInfo().getShape();
      int width = (int) hiddenShape[2];
      FloatBuffer values = hidden.getFloatBuffer();
      float[][] embeddings = new float[rows][width];
      for (int r = 0; r < rows; r++) {
        int real = cls ? 1 : batch.get(r).length;
        double[] sum = new double[width];
        for (int t = 0; t < real; t++) {
          int base = (r * length + t) * width;
          for (int d = 0; d < width; d++) {
            sum[d] += values.get(base + d);
          }
        }
        double norm = 0;
        for (int d = 0; d < width; d++) {
          sum[d] /= real;
          norm += sum[d] * sum[d];
        }
        norm = Math.sqrt(norm);
        for (int d = 0; d < width; d++) {
          embeddings[r][d] = (float) (sum[d] / norm);
        }
      }
      return embeddings;
    }
  }

  @Override
  public void close() throws OrtException {
    session.close(); // the environment is shared per JVM and never closed here
  }
}
