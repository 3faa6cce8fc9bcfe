package io.nightshift.samples.ocr;

/**
 * A tally of the character error rate (CER) of OCR output against its truth.
 *
 * <p>CER = (S + D + I) / N: the substitutions, deletions and insertions that turn the truth into
 * what was read, over the N characters of the truth (the character-level form of the word error
 * rate of speech recognition). S + D + I summed is the Levenshtein distance (V. I. Levenshtein,
 * "Binary codes capable of correcting deletions, insertions, and reversals", 1966), computed here
 * by the Wagner–Fischer dynamic programme (R. A. Wagner, M. J. Fischer, "The string-to-string
 * correction problem", JACM 21(1), 1974) over Unicode code points, each edit costing 1, so one
 * Chinese character counts as one character. The rate can exceed 1 when more is read than is
 * there.
 *
 * <p>Not thread-safe: one tally per test.
 */
public final class Cer {
  private long edits;
  private long chars;
  private long lines;
  private long exact;

  /** An empty tally. */
  public Cer() {}

  /**
   * The Levenshtein distance between {@code truth} and {@code read} in code points: the fewest
   * insertions, deletions and substitutions of one code point each that turn one into the other.
   */
  public static int distance(String truth, String read) {
    int[] x = truth.codePoints().toArray();
    int[] y = read.codePoints().toArray();
    int[] prev = new int[y.length + 1];
    int[] cur = new int[y.length + 1];
    for (int j = 0; j <= y.length; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length; i++) {
      cur[0] = i;
      for (int j = 1; j <= y.length; j++) {
        int sub = prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length];
  }

  /** Counts one line read as {@code read} against its {@code truth}; returns its distance. */
  public int add(String truth, String read) {
    int d = distance(truth, read);
    edits += d;
    chars += truth.codePointCount(0, truth.length());
    lines++;
    exact += d == 0 ? 1 : 0;
    return d;
  }

  /** The edits summed over the lines added: S + D + I. */
  public long edits() {
    return edits;
  }

  /** The truth's code points summed over the lines added: N. */
  public long chars() {
    return chars;
  }

  /** How many lines were added. */
  public long lines() {
    return lines;
  }

  /** How many lines were read exactly (distance 0). */
  public long exact() {
    return exact;
  }

  /**
   * (S + D + I) / N.
   *
   * @throws IllegalStateException when no truth character was added (N = 0)
   */
  public double rate() {
    if (chars == 0) {
      throw new IllegalStateException("the CER of no truth characters is undefined");
    }
    return (double) edits / chars;
  }
}
