package io.nightshift.batch;

/**
 * Parses a number held as text (CSV, JSON), per row, exactly. Accepts what a person writes for a decimal
 * number ({@code 12}, {@code -0.5}, {@code 1e-3}) and the non-finite spellings of Spark's CSV
 * reader and of Java ({@code NaN}, {@code Inf}, {@code -Inf}, {@code Infinity}); refuses Java's
 * extras ({@code 1d}, {@code 2f}, hexadecimal), so that "what counts as a number" does not depend
 * on a JVM quirk. Stateless.
 */
public final class TextNumber {
  private TextNumber() {}

  /**
   * The exact value of {@code s} (trimmed), or null when it is not a plain decimal number. Never
   * goes through {@code double}: 9007199254740993 stays 9007199254740993. The non-finite spellings
   * are not numbers here; {@link #nonFinite} reads them.
   */
  static java.math.BigDecimal exact(String s) {
    if (s.isEmpty() || !plainDecimal(s)) {
      return null;
    }
    try {
      return new java.math.BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** NaN or an infinity when {@code s} spells one, else null. */
  static Double nonFinite(String s) {
    return switch (s) {
      case "NaN", "nan", "+NaN", "-NaN" -> Double.NaN;
      case "Inf", "+Inf", "Infinity", "+Infinity", "inf", "+inf" -> Double.POSITIVE_INFINITY;
      case "-Inf", "-Infinity", "-inf" -> Double.NEGATIVE_INFINITY;
      default -> null;
    };
  }

  /** At most 64 characters of {@code s}, for a message. */
  static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  /** Digits, one optional sign, point and exponent: no letters but e/E. */
  private static boolean plainDecimal(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return false;
      }
    }
    return true;
  }
}
