package io.nightshift.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How a decoded image becomes the floats of one model input row: resize, channel order,
 * per-channel normalisation and layout. Immutable, serializable (built on the driver, used on
 * executors), thread-safe.
 *
 * <p>Each channel value is {@code (pixel · scale − mean[c]) / std[c]}, {@code pixel} being the
 * 0–255 value and {@code c} the channel's index <em>in the tensor</em> (after {@link
 * ChannelOrder}). Padding (to the right of a {@link ImageResize.FixedHeight} image) is {@code
 * padValue}, already normalised: PaddleOCR pads with 0 after normalising.
 *
 * <p>Resizing is bilinear on the sampling grid of OpenCV's {@code INTER_LINEAR} (pixel centres
 * aligned: source x = (x + 0.5) · w / w' − 0.5, clamped at the edges), which PaddleOCR's {@code
 * cv2.resize} uses; values are computed in float, where OpenCV rounds to 8 bits first, so they
 * can differ from OpenCV's by up to about 1/255 before normalisation.
 */
public record ImageTensorSpec(
    ImageResize resize,
    ChannelOrder channels,
    TensorLayout layout,
    float scale,
    float[] mean,
    float[] std,
    float padValue)
    implements Serializable {

  /** Colour channels per pixel. */
  public static final int CHANNELS = 3;

  public ImageTensorSpec {
    if (mean.length != CHANNELS || std.length != CHANNELS) {
      throw new IllegalArgumentException(
          "mean and std need 3 values each, got " + mean.length + " and " + std.length);
    }
    for (float s : std) {
      if (!(s > 0) || Float.isInfinite(s)) {
        throw new IllegalArgumentException("std values must be positive, got " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /**
   * PaddleOCR's text-line recognition input (PP-OCRv4 rec, {@code tools/infer/predict_rec.py}
   * {@code resize_norm_img} with {@code rec_image_shape = 3,48,320}): BGR (the model was trained
   * on {@code cv2.imread} output), height 48, width {@code ceil(48 · w / h)} up to {@code
   * maxWidth}, at least 320 wide padded with 0, values {@code (x / 255 − 0.5) / 0.5}, NCHW.
   */
  public static ImageTensorSpec paddleRecognition(int maxWidth) {
    return new ImageTensorSpec(
        new ImageResize.FixedHeight(48, 320, maxWidth),
        ChannelOrder.BGR,
        TensorLayout.NCHW,
        1f / 255f,
        new float[] {0.5f, 0.5f, 0.5f},
        new float[] {0.5f, 0.5f, 0.5f},
        0f);
  }

  /**
   * PaddleOCR's text orientation classifier input ({@code tools/infer/predict_cls.py} {@code
   * resize_norm_img}, {@code cls_image_shape = 3,48,192}): as {@link #paddleRecognition} but 48
   * high and at most and at least 192 wide.
   */
  public static ImageTensorSpec paddleClassifier() {
    return new ImageTensorSpec(
        new ImageResize.FixedHeight(48, 192, 192),
        ChannelOrder.BGR,
        TensorLayout.NCHW,
        1f / 255f,
        new float[] {0.5f, 0.5f, 0.5f},
        new float[] {0.5f, 0.5f, 0.5f},
        0f);
  }

  /**
   * ImageNet normalisation, as PaddleOCR's detection uses it ({@code NormalizeImage} in {@code
   * ppocr/data/imaug/operators.py}: scale 1/255, mean 0.485, 0.456, 0.406, std 0.229, 0.224,
   * 0.225, with the image in OpenCV's BGR order — PaddleOCR applies the means in that order as
   * written, so {@code channels} BGR with these values reproduces it), NCHW, to {@code resize}.
   */
  public static ImageTensorSpec imageNet(ImageResize resize, ChannelOrder channels) {
    return new ImageTensorSpec(
        resize,
        channels,
        TensorLayout.NCHW,
        1f / 255f,
        new float[] {0.485f, 0.456f, 0.406f},
        new float[] {0.229f, 0.224f, 0.225f},
        0f);
  }

  /** The tensor height. */
  public int height() {
    return resize.height();
  }

  /** The smallest tensor width that holds {@code image} (see {@link ImageResize#tensorWidth}). */
  public int tensorWidth(DecodedImage image) {
    return resize.tensorWidth(image.width(), image.height());
  }

  /** Floats in one row of a tensor {@code tensorWidth} wide: 3 · height · tensorWidth. */
  public int rowSize(int tensorWidth) {
    return CHANNELS * height() * tensorWidth;
  }

  /**
   * Writes {@code image} as one tensor row {@code [3, height, tensorWidth]} (NCHW) or {@code
   * [height, tensorWidth, 3]} (NHWC) into {@code dst} from {@code offset}: {@link
   * #rowSize}{@code (tensorWidth)} floats, padding included. {@code tensorWidth} is at least
   * {@link #tensorWidth}{@code (image)}: a batch of images of different widths uses its widest.
   *
   * @throws IllegalArgumentException if {@code tensorWidth} is too small for the image, or {@code
   *     dst} has no room from {@code offset}
   */
  public void write(DecodedImage image, int tensorWidth, float[] dst, int offset) {
    int outH = height();
    int outW = resize.resizedWidth(image.width(), image.height());
    if (tensorWidth < tensorWidth(image)) {
      throw new IllegalArgumentException(
          "a tensor " + tensorWidth + " wide cannot hold an image resized to " + tensorWidth(image));
    }
    int size = rowSize(tensorWidth);
    if (offset < 0 || offset + (long) size > dst.length) {
      throw new IllegalArgumentException(
          "no room for " + size + " floats at offset " + offset + " of " + dst.length);
    }
    int srcW = image.width();
    int srcH = image.height();
    int[] px = image.pixels();
    // Channel c of the tensor takes the byte at this shift of 0xRRGGBB.
    int[] shift = channels == ChannelOrder.RGB ? new int[] {16, 8, 0} : new int[] {0, 8, 16};
    float[] a = new float[CHANNELS];
    float[] b = new float[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
      // (p · scale − mean) / std = p · a + b
      a[c] = scale / std[c];
      b[c] = -mean[c] / std[c];
    }
    double scaleX = (double) srcW / outW;
    double scaleY = (double) srcH / outH;
    int plane = outH * tensorWidth;
    for (int y = 0; y < outH; y++) {
      double fy = (y + 0.5) * scaleY - 0.5;
      int y0 = (int) Math.floor(fy);
      double wy = fy - y0;
      if (y0 < 0) {
        y0 = 0;
        wy = 0;
      }
      if (y0 >= srcH - 1) {
        y0 = srcH - 1;
        wy = 0;
      }
      int y1 = Math.min(y0 + 1, srcH - 1);
      for (int x = 0; x < tensorWidth; x++) {
        if (x >= outW) {
          for (int c = 0; c < CHANNELS; c++) {
            dst[index(offset, plane, tensorWidth, c, y, x)] = padValue;
          }
          continue;
        }
        double fx = (x + 0.5) * scaleX - 0.5;
        int x0 = (int) Math.floor(fx);
        double wx = fx - x0;
        if (x0 < 0) {
          x0 = 0;
          wx = 0;
        }
        if (x0 >= srcW - 1) {
          x0 = srcW - 1;
          wx = 0;
        }
        int x1 = Math.min(x0 + 1, srcW - 1);
        int p00 = px[y0 * srcW + x0];
        int p01 = px[y0 * srcW + x1];
        int p10 = px[y1 * srcW + x0];
        int p11 = px[y1 * srcW + x1];
        for (int c = 0; c < CHANNELS; c++) {
          int s = shift[c];
          double top = ((p00 >> s) & 0xff) * (1 - wx) + ((p01 >> s) & 0xff) * wx;
          double bottom = ((p10 >> s) & 0xff) * (1 - wx) + ((p11 >> s) & 0xff) * wx;
          float v = (float) (top * (1 - wy) + bottom * wy);
          dst[index(offset, plane, tensorWidth, c, y, x)] = v * a[c] + b[c];
        }
      }
    }
  }

  private int index(int offset, int plane, int width, int c, int y, int x) {
    return layout == TensorLayout.NCHW
        ? offset + c * plane + y * width + x
        : offset + (y * width + x) * CHANNELS + c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageTensorSpec s
        && resize.equals(s.resize)
        && channels == s.channels
        && layout == s.layout
        && Float.compare(scale, s.scale) == 0
        && Arrays.equals(mean, s.mean)
        && Arrays.equals(std, s.std)
        && Float.compare(padValue, s.padValue) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * resize.hashCode() + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return String.format(
        "ImageTensorSpec[%s, %s, %s, scale %s, mean %s, std %s, pad %s]",
        resize, channels, layout, scale, Arrays.toString(mean), Arrays.toString(std), padValue);
  }
}
