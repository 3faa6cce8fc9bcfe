package io.nightshift.image;

import static io.nightshift.image.TestImages.BLUE;
import static io.nightshift.image.TestImages.RED;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import io.nightshift.samples.HandMadePngs;
import io.nightshift.samples.Samples;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp", "gif"})
  void losslessFormatsDecodeToTheirExactPixels(String format) throws Exception {
    byte[] bytes = TestImages.encode(TestImages.halves(40, 20), format);
    DecodedImage image = decoded(bytes);
    assertThat(image.width()).isEqualTo(40);
    assertThat(image.height()).isEqualTo(20);
    assertThat(image.rgb(0, 0)).isEqualTo(RED);
    assertThat(image.rgb(19, 19)).isEqualTo(RED);
    assertThat(image.rgb(20, 0)).isEqualTo(BLUE);
    assertThat(image.rgb(39, 19)).isEqualTo(BLUE);
  }

  @Test
  void jpegDecodesThroughTwelveMonkeysCloseToItsPixels() throws Exception {
    assertThat(ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName())
        .startsWith("com.twelvemonkeys.imageio.plugins.jpeg.");
    DecodedImage image = decoded(TestImages.encode(TestImages.halves(64, 32), "jpeg"));
    assertThat(image.width()).isEqualTo(64);
    assertThat(image.height()).isEqualTo(32);
    assertClose(image.rgb(4, 16), RED, 12);
    assertClose(image.rgb(60, 16), BLUE, 12);
  }

  @Test
  void greyImagesKeepTheirValuesInEveryChannel() throws Exception {
    BufferedImage grey = new BufferedImage(8, 4, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(3, 2, 0, 100);
    DecodedImage image = decoded(TestImages.encode(grey, "png"));
    // getRGB would have given 0xaaaaaa-ish: it takes TYPE_BYTE_GRAY as linear grey.
    assertThat(image.rgb(3, 2)).isEqualTo(0x646464);
    assertThat(image.rgb(0, 0)).isZero();
  }

  @Test
  void theRenderedSamplesDecode() throws Exception {
    DecodedImage png = decoded(Files.readAllBytes(Samples.ocrLinesTruth().resolveSibling("line-00.png")));
    DecodedImage jpg = decoded(Files.readAllBytes(Samples.ocrLinesTruth().resolveSibling("line-03.jpg")));
    assertThat(png.width()).isGreaterThan(png.height());
    assertThat(jpg.width()).isGreaterThan(jpg.height());
  }

  @Test
  void emptyBytesAreRejected() {
    Rejection expected = new Rejection(RejectReason.IMAGE_EMPTY, "the image is empty (0 bytes)");
    assertThat(decoder.decode(new byte[0]).rejection()).isEqualTo(expected);
    assertThat(decoder.decode(null).rejection()).isEqualTo(expected);
  }

  @Test
  void textIsNotAnImage() {
    DecodeOutcome outcome = decoder.decode("hello, world".getBytes(StandardCharsets.US_ASCII));
    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.IMAGE_UNDECODABLE,
                "not an image: no image reader knows data starting 68 65 6c 6c 6f 2c 20 77"));
  }

  @Test
  void aTruncatedJpegIsRejectedNotPaddedGrey() throws Exception {
    byte[] jpeg = Files.readAllBytes(Samples.ocrLinesTruth().resolveSibling("line-03.jpg"));
    DecodeOutcome outcome = decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2));
    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.IMAGE_TRUNCATED);
    assertThat(outcome.rejection().detail())
        .isEqualTo("the JPEG data ends early: no end marker in its " + jpeg.length / 2 + " bytes");
  }

  @Test
  void aTruncatedPngIsRejected() throws Exception {
    byte[] png = Files.readAllBytes(Samples.ocrLinesTruth().resolveSibling("line-00.png"));
    DecodeOutcome outcome = decoder.decode(Arrays.copyOf(png, png.length / 2));
    assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.IMAGE_TRUNCATED);
    assertThat(outcome.rejection().detail()).startsWith("the PNG data ends early");
  }

  @Test
  void aJpegCutInsideItsHeaderIsTruncated() throws Exception {
    byte[] jpeg = Files.readAllBytes(Samples.ocrLinesTruth().resolveSibling("line-03.jpg"));
    DecodeOutcome outcome = decoder.decode(Arrays.copyOf(jpeg, 40));
    assertThat(outcome.rejection().detail())
        .isEqualTo(
            "the JPEG data ends early (reading its header, 40 bytes): javax.imageio.IIOException:"
                + " No SOF segment in stream");
    assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.IMAGE_TRUNCATED);
  }

  @Test
  void aTruncatedGifIsRejected() throws Exception {
    byte[] gif = TestImages.encode(TestImages.halves(40, 20), "gif");
    DecodeOutcome outcome = decoder.decode(Arrays.copyOf(gif, gif.length - 10));
    assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.IMAGE_TRUNCATED);
  }

  @Test
  void aCorruptPngIsUndecodable() throws Exception {
    byte[] png = TestImages.encode(TestImages.halves(40, 20), "png");
    // Scramble the IDAT's deflate stream, keep the chunk structure and IEND.
    for (int i = 60; i < png.length - 20; i++) {
      png[i] = (byte) (png[i] ^ 0x5a);
    }
    DecodeOutcome outcome = decoder.decode(png);
    assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.IMAGE_UNDECODABLE);
    assertThat(outcome.rejection().detail()).startsWith("cannot decode the PNG pixels: ");
  }

  @Test
  void aDecompressionBombIsRefusedFromItsHeader() throws Exception {
    byte[] bomb = HandMadePngs.black(30_000, 30_000);
    assertThat(bomb.length).isLessThan(1_000_000);
    DecodeOutcome outcome = decoder.decode(bomb);
    assertThat(outcome.rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.IMAGE_TOO_LARGE,
                "the PNG header declares 30000×30000 = 900000000 pixels, above the limit of"
                    + " 50000000"));
  }

  @Test
  void theLimitIsTheDecodersOwn() throws Exception {
    byte[] png = HandMadePngs.black(101, 100);
    assertThat(new ImageDecoder(10_100).decode(png).ok()).isTrue();
    assertThat(new ImageDecoder(10_099).decode(png).rejection().detail())
        .isEqualTo("the PNG header declares 101×100 = 10100 pixels, above the limit of 10099");
  }

  @Test
  void exifOrientationTurnsTheImageUpright() throws Exception {
    byte[] jpeg = TestImages.encode(TestImages.halves(64, 32), "jpeg");
    // 6: stored turned 90° anticlockwise, shown turned 90° clockwise: the left half goes on top.
    DecodedImage six = decoded(TestImages.withExifOrientation(jpeg, 6));
    assertThat(six.width()).isEqualTo(32);
    assertThat(six.height()).isEqualTo(64);
    assertClose(six.rgb(16, 4), RED, 12);
    assertClose(six.rgb(16, 60), BLUE, 12);
    DecodedImage eight = decoded(TestImages.withExifOrientation(jpeg, 8));
    assertClose(eight.rgb(16, 4), BLUE, 12);
    DecodedImage three = decoded(TestImages.withExifOrientation(jpeg, 3));
    assertThat(three.width()).isEqualTo(64);
    assertClose(three.rgb(4, 16), BLUE, 12);
    DecodedImage one = decoded(TestImages.withExifOrientation(jpeg, 1));
    assertClose(one.rgb(4, 16), RED, 12);
  }

  private DecodedImage decoded(byte[] bytes) {
    DecodeOutcome outcome = decoder.decode(bytes);
    assertThat(outcome.rejection()).isNull();
    return outcome.image();
  }

  private static void assertClose(int rgb, int expected, int tolerance) {
    for (int shift : new int[] {16, 8, 0}) {
      assertThat((rgb >> shift) & 0xff)
          .as("channel at bit %d of %06x", shift, rgb)
          .isCloseTo((expected >> shift) & 0xff, org.assertj.core.data.Offset.offset(tolerance));
    }
  }
}
