package io.nightshift.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageTensorSpecTest {
  private static final ImageTensorSpec REC = ImageTensorSpec.paddleRecognition(3200);

  @Test
  void recognitionKeepsTheAspectRatioAtHeight48AndPadsTo320() {
    // ceil(48 · 100 / 20) = 240, padded to 320; ceil(48 · 1000 / 20) = 2400; capped at 3200.
    assertThat(REC.tensorWidth(uniform(100, 20, 0))).isEqualTo(320);
    assertThat(REC.tensorWidth(uniform(1000, 20, 0))).isEqualTo(2400);
    assertThat(REC.tensorWidth(uniform(101, 7, 0))).isEqualTo(693);
    assertThat(REC.tensorWidth(uniform(5000, 20, 0))).isEqualTo(3200);
    assertThat(ImageTensorSpec.paddleClassifier().tensorWidth(uniform(1000, 20, 0))).isEqualTo(192);
    assertThat(ImageTensorSpec.paddleClassifier().tensorWidth(uniform(20, 20, 0))).isEqualTo(192);
  }

  @Test
  void recognitionWritesBgrPlanesNormalisedToMinusOneOneThenZeros() {
    // R 255, G 0, B 51: (x / 255 − 0.5) / 0.5 gives B −0.6, G −1, R 1.
    DecodedImage image = uniform(100, 20, 0xff0033);
    int width = 330;
    float[] row = new float[REC.rowSize(width) + 5];
    Arrays.fill(row, Float.NaN);
    REC.write(image, width, row, 5);
    int plane = 48 * width;
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < width; x++) {
        boolean image240 = x < 240;
        assertThat(row[5 + y * width + x]).isCloseTo(image240 ? -0.6f : 0f, offset(1e-6f));
        assertThat(row[5 + plane + y * width + x]).isCloseTo(image240 ? -1f : 0f, offset(1e-6f));
        assertThat(row[5 + 2 * plane + y * width + x]).isCloseTo(image240 ? 1f : 0f, offset(1e-6f));
      }
    }
    assertThat(row[4]).isNaN();
  }

  @Test
  void nhwcRgbInterleavesTheChannelsOfEachPixel() {
    ImageTensorSpec spec = raw(2, 3, TensorLayout.NHWC);
    float[] row = new float[spec.rowSize(3)];
    spec.write(uniform(6, 4, 0x0a141e), 3, row, 0);
    for (int p = 0; p < 6; p++) {
      assertThat(Arrays.copyOfRange(row, 3 * p, 3 * p + 3)).containsExactly(10f, 20f, 30f);
    }
  }

  @Test
  void imageNetMeansApplyToTheTensorsChannels() {
    ImageTensorSpec spec = ImageTensorSpec.imageNet(new ImageResize.Fixed(1, 1), ChannelOrder.BGR);
    float[] row = new float[3];
    spec.write(uniform(1, 1, 0xffffff), 1, row, 0);
    assertThat(row[0]).isCloseTo((1 - 0.485f) / 0.229f, offset(1e-5f));
    assertThat(row[1]).isCloseTo((1 - 0.456f) / 0.224f, offset(1e-5f));
    assertThat(row[2]).isCloseTo((1 - 0.406f) / 0.225f, offset(1e-5f));
  }

  @Test
  void resizingIsBilinearOnOpenCvsPixelCentreGrid() {
    ImageTensorSpec raw = raw(1, 4, TensorLayout.NCHW);
    float[] row = new float[raw.rowSize(4)];
    // Grey 0 and 255 side by side, stretched to 4: source x = (x + 0.5) / 2 − 0.5.
    raw.write(new DecodedImage(2, 1, new int[] {0x000000, 0xffffff}), 4, row, 0);
    assertThat(Arrays.copyOfRange(row, 0, 4)).containsExactly(0f, 63.75f, 191.25f, 255f);
  }

  @Test
  void theSameSizeCopiesThePixels() {
    ImageTensorSpec raw = raw(1, 3, TensorLayout.NCHW);
    float[] row = new float[9];
    raw.write(new DecodedImage(3, 1, new int[] {0x010203, 0x040506, 0x070809}), 3, row, 0);
    assertThat(row).containsExactly(1, 4, 7, 2, 5, 8, 3, 6, 9);
  }

  @Test
  void aTooNarrowTensorOrBufferIsRefused() {
    DecodedImage image = uniform(100, 20, 0);
    assertThatThrownBy(() -> REC.write(image, 319, new float[REC.rowSize(319)], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a tensor 319 wide cannot hold an image resized to 320");
    assertThatThrownBy(() -> REC.write(image, 320, new float[REC.rowSize(320)], 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no room for 46080 floats at offset 1 of 46080");
    assertThatThrownBy(() -> new ImageResize.FixedHeight(48, 400, 320))
        .hasMessage("minWidth 400 is above maxWidth 320");
  }

  /** RGB resized to {@code h × w}, the pixel values as they are: scale 1, mean 0, std 1, pad 0. */
  private static ImageTensorSpec raw(int h, int w, TensorLayout layout) {
    return new ImageTensorSpec(
        new ImageResize.Fixed(h, w),
        ChannelOrder.RGB,
        layout,
        1f,
        new float[] {0, 0, 0},
        new float[] {1, 1, 1},
        0);
  }

  private static DecodedImage uniform(int w, int h, int rgb) {
    int[] px = new int[w * h];
    Arrays.fill(px, rgb);
    return new DecodedImage(w, h, px);
  }
}
