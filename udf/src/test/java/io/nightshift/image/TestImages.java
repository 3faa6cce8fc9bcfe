package io.nightshift.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/** Image files made in tests with ImageIO's writers, and by hand where no writer can make them. */
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

  /**
   * A valid 1-bit greyscale PNG of {@code width × height}, all black: every row is a filter byte
   * and zeros, deflated. 30000 × 30000 is 112 MB of rows that deflate to ~110 KB — and would be
   * 3.6 GB once decoded to RGB ints: a decompression bomb.
   */
  static byte[] blackPng(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(out);
    o.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(width);
    h.writeInt(height);
    h.writeByte(1); // bit depth
    h.writeByte(0); // greyscale
    h.writeByte(0); // deflate
    h.writeByte(0); // adaptive filtering
    h.writeByte(0); // no interlace
    chunk(o, "IHDR", ihdr.toByteArray());
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] row = new byte[1 + (width + 7) / 8];
    try (OutputStream z = new DeflaterOutputStream(idat, new Deflater(9), 1 << 16)) {
      for (int y = 0; y < height; y++) {
        z.write(row);
      }
    }
    chunk(o, "IDAT", idat.toByteArray());
    chunk(o, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(DataOutputStream o, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    o.writeInt(data.length);
    o.write(name);
    o.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    o.writeInt((int) crc.getValue());
  }
}
