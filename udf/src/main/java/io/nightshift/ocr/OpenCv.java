package io.nightshift.ocr;

import io.nightshift.NightshiftException;
import io.nightshift.image.DecodedImage;
import java.util.ArrayList;
import java.util.List;
import nu.pattern.OpenCV;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * OpenCV for this package: loads the native library once per JVM (from the {@code org.openpnp:opencv}
 * jar, which bundles it for Linux x86-64 among others) and converts between {@link DecodedImage}
 * and 8-bit BGR {@link Mat}s. Thread-safe.
 */
final class OpenCv {
  private static volatile boolean loaded;

  private OpenCv() {}

  /** Loads OpenCV's native library into this JVM if it is not loaded yet. */
  static void load() {
    if (loaded) {
      return;
    }
    synchronized (OpenCv.class) {
      if (!loaded) {
        try {
          // Extracts the bundled library to a temporary folder and System.load()s it.
          OpenCV.loadLocally();
        } catch (RuntimeException | LinkageError e) {
          throw new NightshiftException(e, "cannot load OpenCV's native library: %s", e.getMessage());
        }
        loaded = true;
      }
    }
  }

  /** {@code image} as a new {@code CV_8UC3} Mat in OpenCV's B, G, R byte order; the caller releases it. */
  static Mat bgr(DecodedImage image) {
    int w = image.width();
    int h = image.height();
    byte[] bytes = new byte[w * h * 3];
    int i = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = image.rgb(x, y);
        bytes[i++] = (byte) p;
        bytes[i++] = (byte) (p >> 8);
        bytes[i++] = (byte) (p >> 16);
      }
    }
    Mat mat = new Mat(h, w, CvType.CV_8UC3);
    mat.put(0, 0, bytes);
    return mat;
  }

  /** A {@code CV_8UC3} BGR Mat as a decoded image (copied). */
  static DecodedImage image(Mat bgr) {
    int w = bgr.cols();
    int h = bgr.rows();
    byte[] bytes = new byte[w * h * 3];
    Mat dense = bgr.isContinuous() ? bgr : bgr.clone();
    try {
      dense.get(0, 0, bytes);
    } finally {
      if (dense != bgr) {
        dense.release();
      }
    }
    int[] rgb = new int[w * h];
    for (int p = 0, i = 0; p < rgb.length; p++, i += 3) {
      rgb[p] = (bytes[i + 2] & 0xFF) << 16 | (bytes[i + 1] & 0xFF) << 8 | (bytes[i] & 0xFF);
    }
    return new DecodedImage(w, h, rgb);
  }

  /**
   * The Mats of one piece of work, released together: OpenCV's Java Mats hold native memory that
   * only {@link Mat#release()} (or the garbage collector, late) frees. Not thread-safe.
   */
  static final class Mats implements AutoCloseable {
    private final List<Mat> mats = new ArrayList<>();

    /** Registers {@code mat} for release and returns it. */
    <T extends Mat> T add(T mat) {
      mats.add(mat);
      return mat;
    }

    @Override
    public void close() {
      for (Mat m : mats) {
        m.release();
      }
      mats.clear();
    }
  }
}
