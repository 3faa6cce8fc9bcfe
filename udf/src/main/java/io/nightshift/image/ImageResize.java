package io.nightshift.image;

import java.io.Serializable;

/**
 * How an image is brought to the model's input size: either to a fixed height × width (aspect
 * ratio not kept), or to a fixed height with the width scaled to keep the aspect ratio, capped at
 * a maximum and padded on the right up to a minimum (text lines). Immutable.
 */
public sealed interface ImageResize extends Serializable {
  /** The output height in pixels. */
  int height();

  /** The width the image's own pixels are resized to. */
  int resizedWidth(int width, int height);

  /**
   * The smallest tensor width that holds the image: its resized width, or more when the mode pads
   * (a batch may use a larger width still; the rest is padding).
   */
  int tensorWidth(int width, int height);

  /** Every image becomes {@code height × width}, whatever its aspect ratio. */
  record Fixed(int height, int width) implements ImageResize {
    public Fixed {
      positive(height, "height");
      positive(width, "width");
    }

    @Override
    public int resizedWidth(int w, int h) {
      return width;
    }

    @Override
    public int tensorWidth(int w, int h) {
      return width;
    }
  }

  /**
   * Height {@code height}; width {@code ceil(height · w / h)} capped at {@code maxWidth}; the
   * tensor at least {@code minWidth} wide, padded on the right. PaddleOCR's recognition
   * ({@code tools/infer/predict_rec.py}, {@code resize_norm_img}: height 48, at least 320 wide)
   * and orientation classifier ({@code predict_cls.py}, {@code resize_norm_img}: 48 × 192, so
   * minimum = maximum = 192) both do this.
   */
  record FixedHeight(int height, int minWidth, int maxWidth) implements ImageResize {
    public FixedHeight {
      positive(height, "height");
      positive(minWidth, "minWidth");
      positive(maxWidth, "maxWidth");
      if (minWidth > maxWidth) {
        throw new IllegalArgumentException(
            "minWidth " + minWidth + " is above maxWidth " + maxWidth);
      }
    }

    @Override
    public int resizedWidth(int w, int h) {
      long scaled = (long) Math.ceil((double) height * w / h);
      return (int) Math.max(1, Math.min(maxWidth, scaled));
    }

    @Override
    public int tensorWidth(int w, int h) {
      return Math.max(minWidth, resizedWidth(w, h));
    }
  }

  private static void positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
