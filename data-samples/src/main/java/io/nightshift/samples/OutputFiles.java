package io.nightshift.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a sample so that it either exists whole or not at all: the content goes to a temporary
 * sibling first and is moved into place when complete. A build stopped half-way therefore never
 * leaves a truncated file that the next build would take as done.
 */
public final class OutputFiles {
  private OutputFiles() {}

  /** What fills the temporary file. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path file) throws IOException;
  }

  /** Writes {@code target} through {@code writer}, replacing any earlier file. */
  public static void write(Path target, Writer writer) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // A name, not a created file: the writer creates it with the usual permissions
      // (createTempFile would make it owner-only).
      tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".part");
      Files.deleteIfExists(tmp);
      writer.writeTo(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp, e);
      throw new SampleGenerationException(e, "cannot write %s: %s", target, e.getMessage());
    } catch (RuntimeException e) {
      deleteQuietly(tmp, e);
      throw e;
    }
  }

  private static void deleteQuietly(Path tmp, Exception failure) {
    if (tmp == null) {
      return;
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      // The original failure matters more; keep this one attached to it.
      failure.addSuppressed(e);
    }
  }
}
