package io.nightshift.image;

import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes one row's image bytes into an upright 8-bit RGB {@link DecodedImage}, or says why not.
 *
 * <p>Formats: whatever ImageIO has a reader for — the JDK's PNG, BMP, GIF and JPEG readers, with
 * TwelveMonkeys' JPEG reader ({@code com.twelvemonkeys.imageio:imageio-jpeg}) ahead of the JDK's
 * (CMYK/YCCK and slightly broken JPEGs). GIF and other multi-image formats give their first image.
 * The EXIF orientation, if any, is applied ({@link ExifOrientation}).
 *
 * <p><b>Bad images never throw</b>: they come back as a {@link Rejection} with
 *
 * <ul>
 *   <li>{@link RejectReason#IMAGE_EMPTY}: null or zero bytes;
 *   <li>{@link RejectReason#IMAGE_UNDECODABLE}: no reader knows the bytes, or the reader fails;
 *   <li>{@link RejectReason#IMAGE_TRUNCATED}: the data ends early: the format's end marker is
 *       missing ({@link ImageEnd}: JPEG EOI, PNG IEND, GIF trailer — checked before decoding,
 *       since the JDK's JPEG reader returns the missing part grey without an error), or a reader
 *       fails with an end-of-file error or warns of a premature end;
 *   <li>{@link RejectReason#IMAGE_TOO_LARGE}: the <em>header</em> declares more than {@code
 *       maxPixels} pixels. The size is read ({@link ImageReader#getWidth}) before any pixel is
 *       decoded, so a decompression bomb (a few KB of PNG claiming 30000×30000) costs nothing and
 *       cannot exhaust the heap.
 * </ul>
 *
 * <p>Memory: a decoded image takes about 7 bytes per pixel while it is converted (the reader's
 * raster and the packed RGB array), 11 when it must be turned; the pixel limit bounds it. The bytes
 * are read from memory (no ImageIO disk cache). Immutable and thread-safe; each call uses its own
 * reader.
 */
public final class ImageDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The default pixel limit: 50 megapixels (an 8688×5792 photo), ~350 MB while decoding. */
  public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

  static {
    // ImageIO scans for plugins once, with the class loader of whichever thread first used it; on
    // an executor that may not see the job jar, which holds the TwelveMonkeys readers.
    ImageIO.scanForPlugins();
  }

  private final long maxPixels;

  /** A decoder refusing images whose header declares more than {@code maxPixels} pixels. */
  public ImageDecoder(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("the pixel limit must be positive, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  /** The pixel limit. */
  public long maxPixels() {
    return maxPixels;
  }

  /** Decodes {@code bytes} (may be null) into an image or a rejection; never throws for bad data. */
  public DecodeOutcome decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return reject(RejectReason.IMAGE_EMPTY, "the image is empty (0 bytes)");
    }
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return reject(
            RejectReason.IMAGE_UNDECODABLE,
            "not an image: no image reader knows data starting " + head(bytes));
      }
      ImageReader reader = readers.next();
      try {
        return read(reader, in, bytes);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      // Only closing a stream over memory can get here.
      return reject(RejectReason.IMAGE_UNDECODABLE, "cannot read the image: " + e);
    }
  }

  private DecodeOutcome read(ImageReader reader, ImageInputStream in, byte[] bytes) {
    String format = reader.getOriginatingProvider().getFormatNames()[0].toUpperCase(Locale.ROOT);
    reader.setInput(in, true, true);
    int width;
    int height;
    try {
      width = reader.getWidth(0);
      height = reader.getHeight(0);
    } catch (IOException | RuntimeException e) {
      return failure(format, "header", e, bytes);
    }
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      return reject(
          RejectReason.IMAGE_TOO_LARGE,
          String.format(
              "the %s header declares %d×%d = %d pixels, above the limit of %d",
              format, width, height, pixels, maxPixels));
    }
    if (width <= 0 || height <= 0) {
      return reject(
          RejectReason.IMAGE_UNDECODABLE,
          String.format("the %s header declares %d×%d pixels", format, width, height));
    }
    if (ImageEnd.missing(format, bytes)) {
      return reject(
          RejectReason.IMAGE_TRUNCATED,
          String.format("the %s data ends early: no end marker in its %d bytes", format, bytes.length));
    }
    Warnings warnings = new Warnings();
    reader.addIIOReadWarningListener(warnings);
    BufferedImage image;
    try {
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      return failure(format, "pixels", e, bytes);
    }
    if (warnings.truncation != null) {
      return reject(
          RejectReason.IMAGE_TRUNCATED,
          String.format("the %s data ends early: %s", format, warnings.truncation));
    }
    DecodedImage decoded = new DecodedImage(image.getWidth(), image.getHeight(), packedRgb(image));
    return DecodeOutcome.decoded(ExifOrientation.apply(decoded, ExifOrientation.read(bytes)));
  }

  /**
   * A reader's failure: truncated when the data lacks its end marker ({@link ImageEnd}) or an
   * end-of-file caused it, otherwise undecodable.
   */
  private static DecodeOutcome failure(String format, String part, Exception e, byte[] bytes) {
    if (ImageEnd.missing(format, bytes)) {
      return reject(
          RejectReason.IMAGE_TRUNCATED,
          String.format(
              "the %s data ends early (reading its %s, %d bytes): %s", format, part, bytes.length, e));
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (t instanceof EOFException || message.contains("end of") || message.contains("eof")) {
        return reject(
            RejectReason.IMAGE_TRUNCATED,
            String.format("the %s data ends early (reading its %s): %s", format, part, e));
      }
    }
    return reject(
        RejectReason.IMAGE_UNDECODABLE,
        String.format("cannot decode the %s %s: %s", format, part, e));
  }

  private static DecodeOutcome reject(RejectReason reason, String detail) {
    return DecodeOutcome.rejected(new Rejection(reason, detail));
  }

  /** The first bytes in hex, for the message of a file no reader knows. */
  private static String head(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(8, bytes.length); i++) {
      out.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
    }
    return out.toString();
  }

  /**
   * The pixels as {@code 0xRRGGBB}. Grey images keep their values in all three channels (as
   * OpenCV does): {@link BufferedImage#getRGB} would treat them as linear grey and brighten them.
   */
  static int[] packedRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] out = new int[w * h];
    switch (image.getType()) {
      case BufferedImage.TYPE_BYTE_GRAY -> {
        byte[] grey = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        if (grey.length == out.length) {
          for (int i = 0; i < out.length; i++) {
            int v = grey[i] & 0xff;
            out[i] = (v << 16) | (v << 8) | v;
          }
          return out;
        }
        greyFromRaster(image, out);
      }
      case BufferedImage.TYPE_3BYTE_BGR -> {
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        if (bgr.length == 3 * out.length) {
          for (int i = 0, j = 0; i < out.length; i++, j += 3) {
            out[i] = ((bgr[j + 2] & 0xff) << 16) | ((bgr[j + 1] & 0xff) << 8) | (bgr[j] & 0xff);
          }
          return out;
        }
        image.getRGB(0, 0, w, h, out, 0, w);
      }
      case BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB -> {
        int[] src = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        if (src.length == out.length) {
          System.arraycopy(src, 0, out, 0, out.length);
        } else {
          image.getRGB(0, 0, w, h, out, 0, w);
        }
      }
      default -> {
        if (image.getColorModel().getColorSpace().getType()
                == java.awt.color.ColorSpace.TYPE_GRAY
            && image.getRaster().getNumBands() <= 2) {
          greyFromRaster(image, out);
        } else {
          image.getRGB(0, 0, w, h, out, 0, w);
        }
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] &= 0xffffff;
    }
    return out;
  }

  /** Grey of any bit depth (band 0; alpha, if any, dropped), scaled to 8 bits. */
  private static void greyFromRaster(BufferedImage image, int[] out) {
    int w = image.getWidth();
    int bits = image.getColorModel().getComponentSize(0);
    int max = (1 << bits) - 1;
    int[] row = new int[w];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRaster().getSamples(0, y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int v = bits == 8 ? row[x] : Math.round(row[x] * 255f / max);
        out[y * w + x] = (v << 16) | (v << 8) | v;
      }
    }
  }

  /** Keeps the first warning that says the data ended early; other warnings are recoverable. */
  private static final class Warnings implements IIOReadWarningListener {
    private String truncation;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      String w = warning.toLowerCase(Locale.ROOT);
      if (truncation == null
          && (w.contains("premature end") || w.contains("truncated") || w.contains("eoi"))) {
        truncation = warning;
      }
    }
  }
}
