package io.nightshift.image;

/**
 * A decoded image as 8-bit sRGB, upright (EXIF orientation applied): {@code width × height}
 * pixels, row-major, each packed as {@code 0xRRGGBB} in an {@code int} (alpha dropped, as OpenCV's
 * {@code imread(IMREAD_COLOR)} does). Immutable by convention: the array is shared, not copied, and
 * nobody writes to it after decoding. Thread-safe to read.
 */
public final class DecodedImage {
  private final int width;
  private final int height;
  private final int[] rgb;

  /** Wraps {@code rgb} (length {@code width * height}); the caller hands it over. */
  public DecodedImage(int width, int height, int[] rgb) {
    if (width <= 0 || height <= 0 || rgb.length != (long) width * height) {
      throw new IllegalArgumentException(
          "an image of " + width + "×" + height + " needs " + (long) width * height
              + " pixels, got " + rgb.length);
    }
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /** Width in pixels. */
  public int width() {
    return width;
  }

  /** Height in pixels. */
  public int height() {
    return height;
  }

  /** The pixel at column {@code x}, row {@code y}, as {@code 0xRRGGBB}. */
  public int rgb(int x, int y) {
    return rgb[y * width + x];
  }

  /** The pixels, row-major, {@code 0xRRGGBB}; not a copy, do not modify. */
  int[] pixels() {
    return rgb;
  }
}
