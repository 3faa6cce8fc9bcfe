package io.nightshift.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the build leaves the sample data and models (under {@code data-samples/target/samples}). */
public final class Samples {
  private Samples() {}

  /** The project root: the {@code nightshift.root} system property, else the nearest folder up holding {@code data-samples/}. */
  public static Path root() {
    String prop = System.getProperty("nightshift.root");
    if (prop != null && !prop.isBlank()) {
      return Paths.get(prop).toAbsolutePath().normalize();
    }
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("data-samples")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("cannot find the Nightshift project root above " + Paths.get("").toAbsolutePath());
  }

  /** The folder the generators write into. */
  public static Path dir() {
    return root().resolve("data-samples").resolve("target").resolve("samples");
  }
}
