package io.nightshift.samples.ocr;

import io.nightshift.samples.SampleGenerationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The recognition dictionary check and the CSV format of the truth files. */
final class Truth {
  private Truth() {}

  /** The characters of PaddleOCR's dictionary ({@code ppocr_keys_v1.txt}), plus the space. */
  static Set<Integer> alphabet(Path keys) throws IOException {
    List<String> lines = Files.readAllLines(keys, StandardCharsets.UTF_8);
    Set<Integer> chars = new HashSet<>();
    for (String line : lines) {
      line.codePoints().forEach(chars::add);
    }
    chars.add((int) ' ');
    return chars;
  }

  /** Fails unless the model can spell {@code text}: a truth it cannot output would skew the CER. */
  static void checkSpellable(String text, Set<Integer> alphabet) {
    text.codePoints()
        .filter(c -> !alphabet.contains(c))
        .findFirst()
        .ifPresent(
            c -> {
              throw new SampleGenerationException(
                  "'%s' holds '%s', which is not in the recognition dictionary",
                  text, new String(Character.toChars(c)));
            });
  }

  /** One CSV record (RFC 4180: a field is quoted only when it holds a comma, quote or newline). */
  static String record(Object... fields) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      String f = String.valueOf(fields[i]);
      if (f.contains(",") || f.contains("\"") || f.contains("\n")) {
        out.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        out.append(f);
      }
    }
    return out.append('\n').toString();
  }
}
