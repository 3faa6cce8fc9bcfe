package io.nightshift.samples.onnx;

import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerator;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes one {@link Mlp} as a self-contained ONNX file. */
public final class MlpGenerator implements SampleGenerator {
  private final Mlp mlp;
  private final Path onnx;

  public MlpGenerator(Mlp mlp, Path onnx) {
    this.mlp = mlp;
    this.onnx = onnx;
  }

  @Override
  public String name() {
    return mlp.name();
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx);
  }

  @Override
  public void generate() {
    OutputFiles.write(
        onnx,
        file -> {
          try (OutputStream out = Files.newOutputStream(file)) {
            mlp.toModel().writeTo(out);
          }
        });
  }
}
