package io.nightshift.samples.ocr;

import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerator;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of rendered text images in one folder with its {@code truth.csv}: what {@link TextLines}
 * and {@link TextPages} share. The images are {@code fileName(0)} to {@code fileName(count - 1)};
 * the truth file is written last, so that it marks the set as complete (GenerateSamples checks
 * every output). Not thread-safe: one generation at a time.
 */
abstract class TextImageSet implements SampleGenerator {
  final TextFonts fonts;
  final Path keys;
  final Path dir;
  private final int count;

  /** Draws with {@code fonts}, checks every text against {@code keys}, writes into {@code dir}. */
  TextImageSet(TextFonts fonts, Path keys, Path dir, int count) {
    this.fonts = fonts;
    this.keys = keys;
    this.dir = dir;
    this.count = count;
  }

  /** The file name of image {@code i}. */
  abstract String imageName(int i);

  @Override
  public final List<Path> outputs() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(dir.resolve(imageName(i)));
    }
    out.add(dir.resolve("truth.csv"));
    return out;
  }

  /** Writes {@code records} (header first) as {@code truth.csv}; the last step of a generation. */
  final void writeTruth(CharSequence records) {
    OutputFiles.write(
        dir.resolve("truth.csv"),
        file -> {
          try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.append(records);
          }
        });
  }
}
