package io.nightshift.samples.ocr;

import io.nightshift.samples.SampleGenerationException;
import io.nightshift.samples.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The truth files of the OCR samples: the CSV format the generators write and the reader the
 * tests share, plus the recognition dictionary check.
 *
 * <p>{@code ocr/lines/truth.csv} ({@link Samples#ocrLinesTruth()}) holds one {@link Line} per
 * line image, {@code ocr/pages/truth.csv} ({@link Samples#ocrPagesTruth()}) one {@link PageLine}
 * per text line of a page. Both are UTF-8 CSV with a header (RFC 4180 quoting; no field holds a
 * newline). The readers throw {@link IllegalArgumentException} naming the file and line when the
 * header or a record is not what the generators write. Stateless and thread-safe.
 */
public final class Truth {
  /** The header of {@code ocr/lines/truth.csv}. */
  static final List<String> LINES_HEADER = List.of("path", "text", "angle");

  /** The header of {@code ocr/pages/truth.csv}. */
  static final List<String> PAGES_HEADER =
      List.of("path", "line", "x", "y", "width", "height", "text");

  private Truth() {}

  /**
   * One line image.
   *
   * @param path the image's file name, beside the truth file
   * @param text what it says
   * @param angle how far it is turned, 0 or 180 degrees
   */
  public record Line(String path, String text, int angle) {}

  /**
   * One text line of a page.
   *
   * @param page the page image's file name, beside the truth file
   * @param line the line's index on its page, in reading order (from 0)
   * @param x left of the ink's box, in pixels from the page's left
   * @param y top of the ink's box, in pixels from the page's top
   * @param width the ink box's width in pixels
   * @param height the ink box's height in pixels
   * @param text what it says
   */
  public record PageLine(String page, int line, int x, int y, int width, int height, String text) {}

  /** The records of a lines truth file ({@link Samples#ocrLinesTruth()}), in file order. */
  public static List<Line> lines(Path file) throws IOException {
    List<Line> out = new ArrayList<>();
    for (String[] f : records(file, LINES_HEADER)) {
      out.add(new Line(f[0], f[1], Integer.parseInt(f[2])));
    }
    return List.copyOf(out);
  }

  /**
   * The records of a pages truth file ({@link Samples#ocrPagesTruth()}): page file name to its
   * lines in reading order, the pages in file order.
   */
  public static Map<String, List<PageLine>> pages(Path file) throws IOException {
    Map<String, List<PageLine>> out = new LinkedHashMap<>();
    for (String[] f : records(file, PAGES_HEADER)) {
      out.computeIfAbsent(f[0], k -> new ArrayList<>())
          .add(
              new PageLine(
                  f[0],
                  Integer.parseInt(f[1]),
                  Integer.parseInt(f[2]),
                  Integer.parseInt(f[3]),
                  Integer.parseInt(f[4]),
                  Integer.parseInt(f[5]),
                  f[6]));
    }
    out.replaceAll((page, lines) -> List.copyOf(lines));
    return Collections.unmodifiableMap(out);
  }

  /** The records after {@code header}, each with as many fields as the header. */
  private static List<String[]> records(Path file, List<String> header) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !List.of(fields(lines.get(0))).equals(header)) {
      throw new IllegalArgumentException(
          String.format(
              "%s: the header is %s, not %s",
              file, lines.isEmpty() ? "missing" : "'" + lines.get(0) + "'", String.join(",", header)));
    }
    List<String[]> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = fields(lines.get(i));
      if (f.length != header.size()) {
        throw new IllegalArgumentException(
            String.format(
                "%s line %d: %d fields, not %d: '%s'",
                file, i + 1, f.length, header.size(), lines.get(i)));
      }
      out.add(f);
    }
    return out;
  }

  /**
   * The fields of one CSV record as {@link #record} writes it: a quoted field may hold commas, and
   * a quote inside it is doubled (RFC 4180).
   */
  static String[] fields(String record) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < record.length(); i++) {
      char c = record.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < record.length() && record.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    out.add(field.toString());
    return out.toArray(String[]::new);
  }

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
