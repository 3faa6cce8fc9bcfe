package io.nightshift.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DbPostProcess} on synthetic probability maps: known rectangles give known boxes. */
class DbPostProcessTest {
  private static final int W = 200;
  private static final int H = 100;

  /** A 200 × 100 map: two text rectangles at 0.9, a faint one at 0.4, a 2 × 2 speck at 0.9. */
  private static float[] map() {
    float[] map = new float[W * H];
    fill(map, 20, 10, 79, 29, 0.9f);
    fill(map, 100, 50, 179, 69, 0.9f);
    fill(map, 20, 80, 60, 95, 0.4f); // above thresh 0.3, mean below box_thresh 0.6
    fill(map, 190, 5, 191, 6, 0.9f); // short side 1 < min_size 3
    return map;
  }

  private static void fill(float[] map, int x0, int y0, int x1, int y1, float p) {
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        map[y * W + x] = p;
      }
    }
  }

  private static List<TextBox> sortedByX(List<TextBox> boxes) {
    return boxes.stream().sorted(Comparator.comparingInt((TextBox b) -> b.x(0))).toList();
  }

  /**
   * Rectangle 1 spans pixels 20–79 × 10–29: its contour's minimum-area rectangle is 59 × 19
   * centred on (49.5, 19.5); unclip distance 59·19·1.5 / (2·(59+19)) = 10.7788, so 80.56 × 40.56:
   * x 9.22–89.78, y −0.78–39.78 → rounded and clipped (9, 0)–(90, 40). Rectangle 2 (100–179 ×
   * 50–69): 79 × 19, distance 11.4872, x 88.51–190.49, y 38.51–80.49 → (89, 39)–(190, 80).
   */
  @Test
  void knownRectanglesGiveKnownBoxes() {
    List<TextBox> boxes = sortedByX(new DbPostProcess(PageSettings.paddle()).boxes(map(), 0, W, H, W, H));
    assertThat(boxes).hasSize(2);
    assertThat(boxes.get(0).points()).containsExactly(9, 0, 90, 0, 90, 40, 9, 40);
    assertThat(boxes.get(1).points()).containsExactly(89, 39, 190, 39, 190, 80, 89, 80);
    assertThat(boxes).allSatisfy(b -> assertThat(b.score()).isCloseTo(0.9f, org.assertj.core.data.Offset.offset(1e-6f)));
  }

  /** Map pixels scale to the image's: here twice as large, so every coordinate doubles before rounding. */
  @Test
  void boxesAreScaledToTheOriginalImage() {
    List<TextBox> boxes =
        sortedByX(new DbPostProcess(PageSettings.paddle()).boxes(map(), 0, W, H, 2 * W, 2 * H));
    assertThat(boxes).hasSize(2);
    // 2 · (9.22, -0.78, 89.78, 39.78) = 18.44, -1.56, 179.56, 79.56
    assertThat(boxes.get(0).points()).containsExactly(18, 0, 180, 0, 180, 80, 18, 80);
    // 2 · (88.51, 38.51, 190.49, 80.49) = 177.03, 77.03, 380.97, 160.97
    assertThat(boxes.get(1).points()).containsExactly(177, 77, 381, 77, 381, 161, 177, 161);
  }

  /** With box_thresh 0.3 the faint rectangle (mean 0.4) is kept too; the speck never is. */
  @Test
  void boxThresholdDecidesTheFaintRegion() {
    PageSettings p = PageSettings.paddle();
    PageSettings lenient =
        new PageSettings(p.limitSideLen(), p.thresh(), 0.3f, p.unclipRatio(), p.minSize(),
            p.maxCandidates(), p.clsThresh(), p.dropScore(), p.recMaxWidth(), p.recBatch());
    List<TextBox> boxes = new DbPostProcess(lenient).boxes(map(), 0, W, H, W, H);
    assertThat(boxes).hasSize(3);
    TextBox faint = boxes.stream().filter(b -> b.score() < 0.5f).findFirst().orElseThrow();
    assertThat(faint.score()).isCloseTo(0.4f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(faint.x(0)).isLessThan(20);
    assertThat(faint.y(2)).isGreaterThan(95);
  }

  @Test
  void anEmptyMapHasNoBoxes() {
    assertThat(new DbPostProcess(PageSettings.paddle()).boxes(new float[W * H], 0, W, H, W, H)).isEmpty();
  }

  @Test
  void aMapThatDoesNotFitIsRefused() {
    assertThatThrownBy(() -> new DbPostProcess(PageSettings.paddle()).boxes(new float[10], 0, W, H, W, H))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a map of 200×100 does not fit 10 floats from 0");
  }

  /**
   * PaddleOCR's DetResizeForTest (limit_type max, 960): no upscaling; sides to the nearest
   * multiple of 32, at least 32.
   */
  @Test
  void detectionSizeFollowsPaddleOcr() {
    PageSettings p = PageSettings.paddle();
    assertThat(p.detectionSize(800, 380)).containsExactly(384, 800);
    assertThat(p.detectionSize(800, 460)).containsExactly(448, 800);
    assertThat(p.detectionSize(1920, 1000)).containsExactly(512, 960); // 500 → 15.6 · 32
    assertThat(p.detectionSize(10, 10)).containsExactly(32, 32);
  }

  /** Reading order: by top, but boxes whose tops are within 10 px read left to right. */
  @Test
  void readingOrderIsTopToBottomThenLeftToRight() {
    TextBox right = box(300, 52);
    TextBox left = box(10, 58);
    TextBox top = box(200, 10);
    TextBox below = box(5, 100);
    assertThat(ReadingOrder.sort(List.of(below, left, right, top))).containsExactly(top, left, right, below);
  }

  private static TextBox box(int x, int y) {
    return new TextBox(new int[] {x, y, x + 50, y, x + 50, y + 20, x, y + 20}, 0.9f);
  }
}
