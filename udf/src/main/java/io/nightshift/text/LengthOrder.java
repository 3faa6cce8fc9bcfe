package io.nightshift.text;

/**
 * The order rows of a window are batched in. Sorted by token count, batches cut from the run hold
 * rows of similar length, so padding each batch to its longest row costs little. Stateless.
 */
public final class LengthOrder {
  private LengthOrder() {}

  /**
   * Positions {@code 0..n-1}, stably sorted by {@code lengths} when {@code sort}, else as they came.
   * A counting sort: lengths are bounded by max-length, so this is linear.
   */
  public static int[] of(int[] lengths, int n, boolean sort) {
    int[] order = new int[n];
    if (!sort) {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      return order;
    }
    int max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, lengths[i]);
    }
    int[] start = new int[max + 2];
    for (int i = 0; i < n; i++) {
      start[lengths[i] + 1]++;
    }
    for (int l = 1; l < start.length; l++) {
      start[l] += start[l - 1];
    }
    for (int i = 0; i < n; i++) {
      order[start[lengths[i]]++] = i;
    }
    return order;
  }
}
