package io.nightshift.ocr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.RotatedRect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * DBNet's post-processing: a text probability map into boxes, as PaddleOCR's {@code
 * DBPostProcess} ({@code ppocr/postprocess/db_postprocess.py}, box type {@code quad}, score mode
 * {@code fast}, no dilation) does, with OpenCV:
 *
 * <ol>
 *   <li>pixels above {@link PageSettings#thresh} are text ({@code Imgproc.threshold});
 *   <li>each outer or inner contour of the text pixels ({@code findContours}, {@code RETR_LIST},
 *       {@code CHAIN_APPROX_SIMPLE}), at most {@link PageSettings#maxCandidates}, gives its
 *       minimum-area rectangle ({@code minAreaRect}); short side below {@link
 *       PageSettings#minSize}: dropped;
 *   <li>score: the mean probability inside that rectangle ({@code fillPoly} mask, {@code
 *       Core.mean}; corners snapped to 1/10000 pixel first, so an axis-aligned region's score is
 *       the mean over exactly its pixels); below {@link PageSettings#boxThresh}: dropped;
 *   <li>unclip: PaddleOCR offsets the rectangle outwards by {@code d = area · unclipRatio /
 *       perimeter} with Clipper (round joins) and takes the minimum-area rectangle of the result.
 *       For a rectangle that result is the same rectangle grown by {@code d} on each side (the
 *       rounded corners stay inside it), which is what this class computes, without Clipper; short
 *       side below {@code minSize + 2}: dropped;
 *   <li>corners scaled from map pixels to the original image ({@code x · width / mapWidth},
 *       rounded), clipped to the image, ordered clockwise from the top-left; boxes 3 pixels or
 *       less wide or high dropped (PaddleOCR's {@code filter_tag_det_res}).
 * </ol>
 *
 * <p>Stateless apart from its settings; thread-safe. Native memory (OpenCV Mats) lives only during
 * a call: about 6 bytes per map pixel.
 */
public final class DbPostProcess {
  private final PageSettings settings;

  /** A post-processor with {@code settings}; loads OpenCV's native library if not loaded yet. */
  public DbPostProcess(PageSettings settings) {
    this.settings = settings;
    OpenCv.load();
  }

  /**
   * The boxes of one probability map.
   *
   * @param map probabilities 0–1, row-major {@code mapHeight × mapWidth}, from {@code offset}
   * @param imageWidth the original image's width, in pixels (boxes are returned in its pixels)
   * @param imageHeight the original image's height
   * @return the boxes, in the order OpenCV finds the regions (see {@link ReadingOrder})
   */
  public List<TextBox> boxes(
      float[] map, int offset, int mapWidth, int mapHeight, int imageWidth, int imageHeight) {
    if (offset < 0 || offset + (long) mapWidth * mapHeight > map.length) {
      throw new IllegalArgumentException(
          "a map of " + mapWidth + "×" + mapHeight + " does not fit " + map.length + " floats from " + offset);
    }
    List<TextBox> out = new ArrayList<>();
    try (OpenCv.Mats mats = new OpenCv.Mats()) {
      Mat prob = mats.add(new Mat(mapHeight, mapWidth, CvType.CV_32F));
      prob.put(0, 0, offset == 0 && map.length == mapWidth * mapHeight
          ? map : Arrays.copyOfRange(map, offset, offset + mapWidth * mapHeight));
      Mat above = mats.add(new Mat());
      Imgproc.threshold(prob, above, settings.thresh(), 255, Imgproc.THRESH_BINARY);
      Mat bitmap = mats.add(new Mat());
      above.convertTo(bitmap, CvType.CV_8U);
      List<MatOfPoint> contours = new ArrayList<>();
      Mat hierarchy = mats.add(new Mat());
      Imgproc.findContours(bitmap, contours, hierarchy, Imgproc.RETR_LIST, Imgproc.CHAIN_APPROX_SIMPLE);
      contours.forEach(mats::add);
      int candidates = Math.min(contours.size(), settings.maxCandidates());
      for (int i = 0; i < candidates; i++) {
        TextBox box = box(contours.get(i), prob, mats, mapWidth, mapHeight, imageWidth, imageHeight);
        if (box != null) {
          out.add(box);
        }
      }
    }
    return out;
  }

  private TextBox box(
      MatOfPoint contour, Mat prob, OpenCv.Mats mats, int mapW, int mapH, int imageW, int imageH) {
    MatOfPoint2f points = mats.add(new MatOfPoint2f(contour.toArray()));
    RotatedRect rect = Imgproc.minAreaRect(points);
    if (Math.min(rect.size.width, rect.size.height) < settings.minSize()) {
      return null;
    }
    Point[] corners = ordered(rect);
    float score = meanInside(prob, corners, mats, mapW, mapH);
    if (score < settings.boxThresh()) {
      return null;
    }
    double w = rect.size.width;
    double h = rect.size.height;
    double grow = w * h * settings.unclipRatio() / (2 * (w + h));
    RotatedRect grown = new RotatedRect(rect.center, new Size(w + 2 * grow, h + 2 * grow), rect.angle);
    if (Math.min(grown.size.width, grown.size.height) < settings.minSize() + 2) {
      return null;
    }
    Point[] big = ordered(grown);
    int[] xy = new int[8];
    for (int i = 0; i < 4; i++) {
      // PaddleOCR clips to [0, width] here and to [0, width - 1] in filter_tag_det_res.
      xy[2 * i] = clip((int) Math.round(big[i].x * imageW / mapW), imageW - 1);
      xy[2 * i + 1] = clip((int) Math.round(big[i].y * imageH / mapH), imageH - 1);
    }
    int[] clockwise = clockwise(xy);
    double boxW = Math.hypot(clockwise[0] - clockwise[2], clockwise[1] - clockwise[3]);
    double boxH = Math.hypot(clockwise[0] - clockwise[6], clockwise[1] - clockwise[7]);
    if ((int) boxW <= 3 || (int) boxH <= 3) {
      return null;
    }
    return new TextBox(clockwise, score);
  }

  /** Mean probability inside the quadrilateral {@code corners} (PaddleOCR's {@code box_score_fast}). */
  private static float meanInside(Mat prob, Point[] corners, OpenCv.Mats mats, int mapW, int mapH) {
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (Point p : corners) {
      minX = Math.min(minX, p.x);
      maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y);
      maxY = Math.max(maxY, p.y);
    }
    int x0 = clip((int) Math.floor(snap(minX)), mapW - 1);
    int x1 = clip((int) Math.ceil(snap(maxX)), mapW - 1);
    int y0 = clip((int) Math.floor(snap(minY)), mapH - 1);
    int y1 = clip((int) Math.ceil(snap(maxY)), mapH - 1);
    Mat mask = mats.add(Mat.zeros(y1 - y0 + 1, x1 - x0 + 1, CvType.CV_8U));
    Point[] shifted = new Point[4];
    for (int i = 0; i < 4; i++) {
      // PaddleOCR casts the shifted corners to int32 (truncation) before filling.
      shifted[i] = new Point((int) snap(corners[i].x - x0), (int) snap(corners[i].y - y0));
    }
    MatOfPoint polygon = mats.add(new MatOfPoint(shifted));
    Imgproc.fillPoly(mask, List.of(polygon), new Scalar(1));
    Mat window = mats.add(prob.submat(new Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1)));
    return (float) Core.mean(window, mask).val[0];
  }

  /**
   * {@code v} rounded to 1/10000 of a pixel: the corners {@code RotatedRect.points} computes with
   * sines and cosines land a hair off whole pixels (19.9999999 for 20), which floor and truncation
   * would turn into a whole extra row or column of the mask (PaddleOCR has that quirk; here an
   * axis-aligned region's score is the mean over exactly its pixels).
   */
  private static double snap(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  /**
   * The rectangle's corners as PaddleOCR's {@code get_mini_boxes} orders them: of the two
   * leftmost, the upper is first and the lower last; of the two rightmost, the upper second and
   * the lower third.
   */
  static Point[] ordered(RotatedRect rect) {
    Point[] p = new Point[4];
    rect.points(p);
    Arrays.sort(p, Comparator.comparingDouble(q -> q.x));
    Point topLeft = p[0].y <= p[1].y ? p[0] : p[1];
    Point bottomLeft = p[0].y <= p[1].y ? p[1] : p[0];
    Point topRight = p[2].y <= p[3].y ? p[2] : p[3];
    Point bottomRight = p[2].y <= p[3].y ? p[3] : p[2];
    return new Point[] {topLeft, topRight, bottomRight, bottomLeft};
  }

  /**
   * Integer corners ordered clockwise from the top-left (PaddleOCR's {@code
   * order_points_clockwise}): by x, the two leftmost are top-left and bottom-left by y, the two
   * rightmost top-right and bottom-right by y.
   */
  static int[] clockwise(int[] xy) {
    Integer[] idx = {0, 1, 2, 3};
    Arrays.sort(idx, Comparator.comparingInt(i -> xy[2 * i]));
    int tl = xy[2 * idx[0] + 1] <= xy[2 * idx[1] + 1] ? idx[0] : idx[1];
    int bl = tl == idx[0] ? idx[1] : idx[0];
    int tr = xy[2 * idx[2] + 1] <= xy[2 * idx[3] + 1] ? idx[2] : idx[3];
    int br = tr == idx[2] ? idx[3] : idx[2];
    return new int[] {
      xy[2 * tl], xy[2 * tl + 1], xy[2 * tr], xy[2 * tr + 1],
      xy[2 * br], xy[2 * br + 1], xy[2 * bl], xy[2 * bl + 1]
    };
  }

  private static int clip(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
