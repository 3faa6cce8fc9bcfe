package io.nightshift.ocr;

import java.util.Arrays;

/**
 * A detected text box: four corners in image pixels, clockwise from the top-left (top-left,
 * top-right, bottom-right, bottom-left, as PaddleOCR orders them), and the detection score.
 * Immutable.
 *
 * @param points {@code x0, y0, x1, y1, x2, y2, x3, y3}, integers in the original image's pixel
 *     coordinates, inside {@code [0, width − 1] × [0, height − 1]}
 * @param score the mean text probability inside the box on the detection map, 0–1
 */
public record TextBox(int[] points, float score) {
  public TextBox {
    if (points.length != 8) {
      throw new IllegalArgumentException("a box has 4 corners (8 ints), got " + points.length);
    }
    points = points.clone();
  }

  @Override
  public int[] points() {
    return points.clone();
  }

  /** Corner {@code i}'s x (0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left). */
  public int x(int i) {
    return points[2 * i];
  }

  /** Corner {@code i}'s y. */
  public int y(int i) {
    return points[2 * i + 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TextBox b && Arrays.equals(points, b.points) && score == b.score;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(points) * 31 + Float.hashCode(score);
  }

  @Override
  public String toString() {
    return "TextBox" + Arrays.toString(points) + " score " + score;
  }
}
