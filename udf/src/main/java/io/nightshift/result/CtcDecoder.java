package io.nightshift.result;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy CTC decoding of a text-recognition output {@code [T, C]} (per time step, one probability
 * per class) into a string and a confidence, as PaddleOCR's {@code CTCLabelDecode} does ({@code
 * ppocr/postprocess/rec_postprocess.py}): take the most probable class at each step, merge runs of
 * the same class into one, drop the blank (class 0), and map the rest to characters. The
 * confidence is the mean of the chosen classes' probabilities over the characters kept, or 0 when
 * none is (PaddleOCR's {@code conf_list = [0]}).
 *
 * <p>Classes: index 0 is the blank, then one per dictionary line in file order, then — for
 * PaddleOCR's Chinese/English models ({@code use_space_char: True}) — a space. For {@code
 * ppocr_keys_v1.txt} that is 1 + 6,623 + 1 = 6,625, the PP-OCRv4 rec output's last dimension.
 * Note that runs merge <em>before</em> blanks go: "a a" needs a blank between the two steps.
 *
 * <p>Immutable, serializable (the class list travels with the job), thread-safe.
 */
public final class CtcDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The class every CTC model here reserves for "no character". */
  public static final int BLANK = 0;

  private final String[] classes;

  /** A decoder over {@code classes}: index 0 is the blank (its text is never used). */
  public CtcDecoder(List<String> classes) {
    if (classes.size() < 2) {
      throw new IllegalArgumentException("a CTC decoder needs the blank and at least one character");
    }
    this.classes = classes.toArray(String[]::new);
  }

  /**
   * PaddleOCR's classes for a dictionary file: blank, each line of {@code dictionary} (UTF-8; a
   * line is one entry, its line end dropped, a final newline not making an empty entry), then a
   * space.
   *
   * @throws NightshiftException (invalid) if the file cannot be read or is empty
   */
  public static CtcDecoder paddle(Path dictionary) {
    String text;
    try {
      text = Files.readString(dictionary, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw NightshiftException.invalid(
          e, "cannot read the CTC dictionary %s: %s", dictionary, e.getMessage());
    }
    List<String> classes = new ArrayList<>();
    classes.add("");
    for (String line : text.split("\n", -1)) {
      classes.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
    if (text.endsWith("\n")) {
      classes.remove(classes.size() - 1);
    }
    if (classes.size() == 1 || text.isEmpty()) {
      throw NightshiftException.invalid("the CTC dictionary %s is empty", dictionary);
    }
    classes.add(" ");
    return new CtcDecoder(classes);
  }

  /** The number of classes (blank included) the model's output must have. */
  public int classes() {
    return classes.length;
  }

  /**
   * Checks a model output's class dimension against this dictionary.
   *
   * @throws NightshiftException (invalid) naming both counts when they differ
   */
  public void checkClasses(String output, long modelClasses) {
    if (modelClasses != classes.length) {
      throw NightshiftException.invalid(
          "model output '%s' has %d classes per step; the dictionary gives %d (blank + %d"
              + " entries + space)",
          output, modelClasses, classes.length, classes.length - 2);
    }
  }

  /**
   * Decodes one row: {@code steps × classes()} floats from {@code offset} in {@code probs}
   * (absolute indices; the buffer's position is not used or moved), step-major.
   */
  public Decoded decode(FloatBuffer probs, int offset, int steps) {
    int c = classes.length;
    StringBuilder text = new StringBuilder();
    double sum = 0;
    int kept = 0;
    int previous = -1;
    for (int t = 0; t < steps; t++) {
      int base = offset + t * c;
      int best = 0;
      float bestP = probs.get(base);
      for (int k = 1; k < c; k++) {
        float p = probs.get(base + k);
        if (p > bestP) {
          best = k;
          bestP = p;
        }
      }
      if (best != previous && best != BLANK) {
        text.append(classes[best]);
        sum += bestP;
        kept++;
      }
      previous = best;
    }
    return new Decoded(text.toString(), kept == 0 ? 0f : (float) (sum / kept));
  }

  /** {@link #decode(FloatBuffer, int, int)} over an array. */
  public Decoded decode(float[] probs, int offset, int steps) {
    return decode(FloatBuffer.wrap(probs), offset, steps);
  }

  /** One decoded row: the text, and the mean probability of its characters (0 when empty). */
  public record Decoded(String text, float confidence) {}
}
