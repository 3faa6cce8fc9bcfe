package io.nightshift.image;

/**
 * Whether an image file's data ends early, by its format's own end marker. Needed because the
 * JDK's JPEG reader fills the missing part of a cut-off JPEG with grey and returns it as if whole.
 * Stateless.
 */
final class ImageEnd {
  private ImageEnd() {}

  /**
   * Whether {@code bytes}, read as {@code format} (upper case, as {@link ImageDecoder} names it),
   * lack their end: a JPEG has no EOI marker after its last start-of-scan (ITU T.81 B.2: inside
   * entropy-coded data {@code FF} is only ever followed by {@code 00} or a restart marker, so a
   * real {@code FF D9} there is the end; an EXIF thumbnail's own EOI comes before the image's
   * scans); a PNG has no {@code IEND} chunk; a GIF does not end with its trailer {@code 3B}
   * (trailing zero bytes allowed). Other formats: false (their readers report the end of file).
   */
  static boolean missing(String format, byte[] bytes) {
    return switch (format) {
      case "JPEG", "JPG" -> !jpegEnds(bytes);
      case "PNG" -> lastIndexOf(bytes, new byte[] {'I', 'E', 'N', 'D'}) < 0;
      case "GIF" -> !gifEnds(bytes);
      default -> false;
    };
  }

  private static boolean jpegEnds(byte[] b) {
    int sos = lastIndexOf(b, new byte[] {(byte) 0xff, (byte) 0xda});
    if (sos < 0) {
      return false;
    }
    for (int i = sos + 2; i + 1 < b.length; i++) {
      if (b[i] == (byte) 0xff && b[i + 1] == (byte) 0xd9) {
        return true;
      }
    }
    return false;
  }

  private static boolean gifEnds(byte[] b) {
    int i = b.length - 1;
    while (i >= 0 && b[i] == 0) {
      i--;
    }
    return i >= 0 && b[i] == 0x3b;
  }

  private static int lastIndexOf(byte[] b, byte[] pattern) {
    outer:
    for (int i = b.length - pattern.length; i >= 0; i--) {
      for (int j = 0; j < pattern.length; j++) {
        if (b[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
