package io.nightshift.ocr;

import io.nightshift.image.DecodedImage;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Point;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Cuts a detected box out of a page and straightens it, as PaddleOCR's {@code
 * get_rotate_crop_image} ({@code tools/infer/utility.py}) does: the output is {@code
 * int(max(top, bottom edge))} wide and {@code int(max(left, right edge))} high; a perspective
 * transform maps the box's corners onto it ({@code warpPerspective}, bicubic, border replicated);
 * a crop at least 1.5 times as high as wide is turned by 90° counter-clockwise (vertical text).
 * Stateless and thread-safe; the page Mat is only read.
 */
final class LineCropper {
  /** Crops at least this much higher than wide are turned by 90° (PaddleOCR: 1.5). */
  static final double TURN_RATIO = 1.5;

  private LineCropper() {}

  /** The straightened line of {@code box} from {@code page} (8-bit BGR). */
  static DecodedImage crop(Mat page, TextBox box, OpenCv.Mats mats) {
    Point[] c = new Point[4];
    for (int i = 0; i < 4; i++) {
      c[i] = new Point(box.x(i), box.y(i));
    }
    int width = (int) Math.max(distance(c[0], c[1]), distance(c[2], c[3]));
    int height = (int) Math.max(distance(c[0], c[3]), distance(c[1], c[2]));
    width = Math.max(1, width);
    height = Math.max(1, height);
    MatOfPoint2f from = mats.add(new MatOfPoint2f(c));
    MatOfPoint2f to =
        mats.add(new MatOfPoint2f(
            new Point(0, 0), new Point(width, 0), new Point(width, height), new Point(0, height)));
    Mat transform = mats.add(Imgproc.getPerspectiveTransform(from, to));
    Mat line = mats.add(new Mat());
    Imgproc.warpPerspective(
        page, line, transform, new Size(width, height), Imgproc.INTER_CUBIC, Core.BORDER_REPLICATE);
    if ((double) height / width >= TURN_RATIO) {
      Mat turned = mats.add(new Mat());
      Core.rotate(line, turned, Core.ROTATE_90_COUNTERCLOCKWISE);
      line = turned;
    }
    return OpenCv.image(line);
  }

  /** {@code image} turned by 180°. */
  static DecodedImage turn180(DecodedImage image, OpenCv.Mats mats) {
    Mat mat = mats.add(OpenCv.bgr(image));
    Mat turned = mats.add(new Mat());
    Core.rotate(mat, turned, Core.ROTATE_180);
    return OpenCv.image(turned);
  }

  private static double distance(Point a, Point b) {
    return Math.hypot(a.x - b.x, a.y - b.y);
  }
}
