package io.nightshift.samples;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * PNG files written chunk by chunk (PNG specification, 2nd edition, ISO/IEC 15948), for the tests
 * of image decoding that need a file no ImageIO writer makes: one whose header declares a size far
 * beyond what may be decoded. Stateless and thread-safe; the files live in memory only.
 */
public final class HandMadePngs {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private HandMadePngs() {}

  /**
   * The signature, an IHDR declaring {@code width × height} 8-bit RGB, and IEND: a header with no
   * pixel data, so only its size can be read.
   */
  public static byte[] header(int width, int height) {
    return png(width, height, 8, 2, null);
  }

  /**
   * A valid 1-bit greyscale PNG of {@code width × height}, all black: every row is a filter byte
   * and zeros, deflated. 30000 × 30000 is 112 MB of rows that deflate to ~110 KB — and would be
   * 3.6 GB once decoded to RGB ints: a decompression bomb.
   */
  public static byte[] black(int width, int height) {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] row = new byte[1 + (width + 7) / 8];
    try (OutputStream z = new DeflaterOutputStream(idat, new Deflater(9), 1 << 16)) {
      for (int y = 0; y < height; y++) {
        z.write(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png(width, height, 1, 0, idat.toByteArray());
  }

  /** Signature, IHDR (deflate, adaptive filtering, no interlace), IDAT when not null, IEND. */
  private static byte[] png(int width, int height, int bitDepth, int colourType, byte[] idat) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DataOutputStream o = new DataOutputStream(out);
      o.write(SIGNATURE);
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(width);
      h.writeInt(height);
      h.write(new byte[] {(byte) bitDepth, (byte) colourType, 0, 0, 0});
      chunk(o, "IHDR", ihdr.toByteArray());
      if (idat != null) {
        chunk(o, "IDAT", idat);
      }
      chunk(o, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      // A ByteArrayOutputStream does not throw.
      throw new UncheckedIOException(e);
    }
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
