package io.nightshift.text;

import java.nio.FloatBuffer;

/**
 * Post-steps for token-level outputs {@code [batch, tokens, hidden]}: mean over a row's real
 * tokens (its attention mask is ones for the first {@code tokens} positions, the rest is
 * padding), the first ([CLS]) token, and L2 normalization. Sums run in double, so a row's result
 * does not depend on how far its batch was padded. Stateless.
 */
public final class Pooling {
  private Pooling() {}

  /** Mean of the first {@code tokens} token vectors of the row starting at {@code base}. */
  public static void mean(FloatBuffer h, int base, int hidden, int tokens, float[] out) {
    double[] sum = new double[hidden];
    for (int t = 0; t < tokens; t++) {
      int off = base + t * hidden;
      for (int j = 0; j < hidden; j++) {
        sum[j] += h.get(off + j);
      }
    }
    double n = Math.max(1, tokens);
    for (int j = 0; j < hidden; j++) {
      out[j] = (float) (sum[j] / n);
    }
  }

  /** The first token vector of the row starting at {@code base}. */
  public static void cls(FloatBuffer h, int base, int hidden, float[] out) {
    for (int j = 0; j < hidden; j++) {
      out[j] = h.get(base + j);
    }
  }

  /** Scales {@code v} to unit length in place; an all-zero vector stays zero. */
  public static void l2(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    double norm = Math.sqrt(sq);
    if (norm > 0) {
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) (v[j] / norm);
      }
    }
  }
}
