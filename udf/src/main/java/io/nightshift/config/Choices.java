package io.nightshift.config;

import io.nightshift.NightshiftException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses an enum from its job-file spelling (lower case, '-' for '_'), naming key and value on error. */
final class Choices {
  private Choices() {}

  static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
    String wanted = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return e;
      }
    }
    throw NightshiftException.invalid(
        "%s: '%s' is not one of %s", key, value, spellings(type));
  }

  static <E extends Enum<E>> String spelling(E e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static <E extends Enum<E>> String spellings(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(Choices::spelling)
        .collect(Collectors.joining(" | "));
  }
}
