package io.nightshift.ocr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Boxes in reading order, as PaddleOCR's {@code sorted_boxes} ({@code
 * tools/infer/predict_system.py}) orders them: by the top-left corner's y, then x; then a box whose
 * top-left y is within {@link #SAME_LINE} pixels of the box before it, but which starts further
 * left, moves before it (boxes of one line whose tops differ by a few pixels read left to right).
 */
final class ReadingOrder {
  /** Top-left corners closer than this in y, in pixels, are on one line (PaddleOCR: 10). */
  static final int SAME_LINE = 10;

  private ReadingOrder() {}

  static List<TextBox> sort(List<TextBox> boxes) {
    List<TextBox> out = new ArrayList<>(boxes);
    out.sort(Comparator.comparingInt((TextBox b) -> b.y(0)).thenComparingInt(b -> b.x(0)));
    for (int i = 1; i < out.size(); i++) {
      for (int j = i; j > 0; j--) {
        TextBox before = out.get(j - 1);
        TextBox box = out.get(j);
        if (Math.abs(box.y(0) - before.y(0)) < SAME_LINE && box.x(0) < before.x(0)) {
          out.set(j - 1, box);
          out.set(j, before);
        } else {
          break;
        }
      }
    }
    return out;
  }
}
