package io.nightshift.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The EXIF orientation tag (0x0112 in IFD0, values 1–8 as TIFF 6.0 / EXIF 2.3 define them), read
 * with metadata-extractor ({@code com.drewnoakes:metadata-extractor}), and applied to pixels so
 * the image comes out the way a viewer shows it. Stateless.
 */
final class ExifOrientation {
  private ExifOrientation() {}

  /** Upright: nothing to do. Also what an image without EXIF (or with an unreadable one) gets. */
  static final int NORMAL = 1;

  /**
   * The orientation tag of {@code bytes}, or {@link #NORMAL}. Called only on bytes that decoded:
   * metadata that is missing, unreadable or out of range leaves the pixels as stored, as image
   * viewers do, rather than losing an image that decoded fine.
   */
  static int read(byte[] bytes) {
    try {
      Metadata metadata =
          ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
      ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
      if (ifd0 == null || !ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
        return NORMAL;
      }
      int value = ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION);
      return value >= 1 && value <= 8 ? value : NORMAL;
    } catch (ImageProcessingException | IOException | MetadataException | RuntimeException e) {
      // See above: the orientation is a hint; the decoded pixels are the row's data.
      return NORMAL;
    }
  }

  /**
   * {@code image} as displayed under {@code orientation}: 2 mirrors left-right, 3 turns 180°, 4
   * mirrors top-bottom, 5 transposes, 6 turns 90° clockwise, 7 transverses, 8 turns 90°
   * anticlockwise; 5–8 swap width and height. 1 (or anything else) returns {@code image} itself.
   */
  static DecodedImage apply(DecodedImage image, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    int[] src = image.pixels();
    boolean swap = orientation >= 5;
    int outW = swap ? h : w;
    int outH = swap ? w : h;
    int[] out = new int[src.length];
    for (int dy = 0; dy < outH; dy++) {
      for (int dx = 0; dx < outW; dx++) {
        // (sx, sy): the stored pixel shown at (dx, dy).
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - dx; sy = dy; }
          case 3 -> { sx = w - 1 - dx; sy = h - 1 - dy; }
          case 4 -> { sx = dx; sy = h - 1 - dy; }
          case 5 -> { sx = dy; sy = dx; }
          case 6 -> { sx = dy; sy = h - 1 - dx; }
          case 7 -> { sx = w - 1 - dy; sy = h - 1 - dx; }
          default -> { sx = w - 1 - dy; sy = dx; }
        }
        out[dy * outW + dx] = src[sy * w + sx];
      }
    }
    return new DecodedImage(outW, outH, out);
  }
}
