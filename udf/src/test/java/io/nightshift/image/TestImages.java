package io.nightshift.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * Image files made in tests with ImageIO's writers, and by hand where no writer can make them (PNGs
 * by hand: {@link io.nightshift.samples.HandMadePngs}).
 */
final class TestImages {
  private TestImages() {}

  static final int RED = 0xff0000;
  static final int BLUE = 0x0000ff;

  /** {@code w × h}, the left half red and the right half blue. */
  static BufferedImage halves(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, x < w / 2 ? RED : BLUE);
      }
    }
    return image;
  }

  /** {@code image} encoded by ImageIO's writer for {@code format} (png, bmp, gif, jpeg). */
  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IllegalStateException("no writer for " + format);
    }
    return out.toByteArray();
  }

  /**
   * {@code jpeg} with an EXIF APP1 segment right after SOI whose IFD0 holds one entry: the
   * orientation tag (0x0112, SHORT) = {@code orientation}. Big-endian TIFF, as EXIF 2.3 allows.
   */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) throws IOException {
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    DataOutputStream t = new DataOutputStream(tiff);
    t.writeBytes("MM");
    t.writeShort(42);
    t.writeInt(8); // IFD0 right after the header
    t.writeShort(1); // one entry
    t.writeShort(0x0112);
    t.writeShort(3); // SHORT
    t.writeInt(1);
    t.writeShort(orientation);
    t.writeShort(0); // the 4-byte value field, left-justified
    t.writeInt(0); // no next IFD
    byte[] exif = tiff.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(out);
    o.write(jpeg, 0, 2); // SOI
    o.writeShort(0xffe1); // APP1
    o.writeShort(2 + 6 + exif.length);
    o.write("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
    o.write(exif);
    o.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
