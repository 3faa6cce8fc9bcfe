package io.nightshift.samples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One step of the sample build: the files it makes, and how. {@link GenerateSamples} skips a step
 * whose outputs all exist, so {@link #generate()} may assume it has work to do and may overwrite.
 * Implementations write each file through {@link OutputFiles}.
 */
public interface SampleGenerator {
  /** A short name for the build log. */
  String name();

  /** Every file this step makes. */
  List<Path> outputs();

  /** Makes all of {@link #outputs()}. */
  void generate() throws IOException;
}
