package io.nightshift.ocr;

import java.io.Serializable;

/**
 * How {@link PageReader} detects and reads text lines. Immutable, serializable, thread-safe.
 * {@link #paddle()} gives PaddleOCR's defaults for its PP-OCR det/cls/rec models; each component
 * says where its default comes from.
 *
 * @param limitSideLen the detection input's longest side, in pixels: a longer image is scaled down
 *     to it, a shorter one is not scaled up (PaddleOCR {@code det_limit_side_len} 960 with {@code
 *     det_limit_type} {@code max}, {@code tools/infer/utility.py}); both sides are then rounded to
 *     multiples of 32 ({@code DetResizeForTest}, {@code ppocr/data/imaug/operators.py})
 * @param thresh a probability-map pixel is text when its probability is above this ({@code
 *     det_db_thresh} 0.3)
 * @param boxThresh a region is kept when the mean probability inside its box is at least this
 *     ({@code det_db_box_thresh} 0.6)
 * @param unclipRatio each box grows by {@code area · unclipRatio / perimeter} pixels of the
 *     probability map on every side ({@code det_db_unclip_ratio} 1.5)
 * @param minSize boxes whose short side is below this many map pixels are dropped ({@code
 *     DBPostProcess.min_size} 3; after unclipping, below {@code minSize + 2})
 * @param maxCandidates at most this many regions per image are considered ({@code
 *     DBPostProcess.max_candidates} 1000)
 * @param clsThresh a line is turned by 180° when the orientation classifier says so with a
 *     probability above this ({@code cls_thresh} 0.9)
 * @param dropScore lines whose recognition confidence is below this are left out ({@code
 *     drop_score} 0.5, {@code tools/infer/predict_system.py})
 * @param recMaxWidth the widest recognition input, in pixels at height 48 (a longer line is
 *     squeezed to it)
 * @param recBatch at most this many lines per recognition or classifier run
 */
public record PageSettings(
    int limitSideLen,
    float thresh,
    float boxThresh,
    float unclipRatio,
    int minSize,
    int maxCandidates,
    float clsThresh,
    float dropScore,
    int recMaxWidth,
    int recBatch)
    implements Serializable {

  /** Detection input sides are multiples of this (DBNet downsamples by 32). */
  public static final int DET_STRIDE = 32;

  public PageSettings {
    if (limitSideLen < DET_STRIDE) {
      throw new IllegalArgumentException("limitSideLen must be at least 32, got " + limitSideLen);
    }
    if (!(thresh > 0 && thresh < 1) || !(boxThresh >= 0 && boxThresh <= 1)) {
      throw new IllegalArgumentException(
          "thresh must be in (0, 1) and boxThresh in [0, 1], got " + thresh + " and " + boxThresh);
    }
    if (!(unclipRatio >= 0) || Float.isInfinite(unclipRatio)) {
      throw new IllegalArgumentException("unclipRatio must be finite and >= 0, got " + unclipRatio);
    }
    if (minSize < 1 || maxCandidates < 1 || recMaxWidth < 1 || recBatch < 1) {
      throw new IllegalArgumentException(
          "minSize, maxCandidates, recMaxWidth and recBatch must be positive, got " + minSize + ", "
              + maxCandidates + ", " + recMaxWidth + ", " + recBatch);
    }
  }

  /** PaddleOCR's defaults (see the parameters); recognition up to 3200 px wide, 16 lines a run. */
  public static PageSettings paddle() {
    return new PageSettings(960, 0.3f, 0.6f, 1.5f, 3, 1000, 0.9f, 0.5f, 3200, 16);
  }

  /**
   * The detection input size for an image of {@code width × height}: {@code {height, width}},
   * scaled so the longest side is at most {@link #limitSideLen}, then each side rounded to the
   * nearest multiple of 32 (at least 32), as PaddleOCR's {@code DetResizeForTest} does (it
   * truncates the scaled size to an int before rounding).
   */
  public int[] detectionSize(int width, int height) {
    double ratio = Math.max(width, height) > limitSideLen ? (double) limitSideLen / Math.max(width, height) : 1;
    int h = (int) (height * ratio);
    int w = (int) (width * ratio);
    return new int[] {roundToStride(h), roundToStride(w)};
  }

  private static int roundToStride(int side) {
    // Python's round() rounds halves to even; Math.rint does the same.
    return Math.max(DET_STRIDE, (int) Math.rint(side / (double) DET_STRIDE) * DET_STRIDE);
  }
}
