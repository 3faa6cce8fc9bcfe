package io.nightshift.model;

import io.nightshift.NightshiftException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of one model as they travel with {@code model.distribution: files}: the {@code .onnx}
 * file first, then the external data files it names, each with its path relative to the model's
 * folder, where it is read from, its size and sha256. Immutable and serializable; made on the
 * driver, materialized on executors by {@link ModelCache}.
 *
 * @param sha256 the model's identity: the {@code .onnx} file's sha256 when it has no external data,
 *     else a digest over every file's relative path and sha256
 * @param files the {@code .onnx} file first
 */
public record ModelBundle(String sha256, List<File> files) implements Serializable {

  /**
   * One file of a bundle.
   *
   * @param relativePath where it goes inside the cache folder (the {@code .onnx} file: its name)
   * @param source a Hadoop URI to read it from, or {@code spark-files:NAME} for a file the driver
   *     added with {@code SparkContext.addFile}
   * @param size its bytes
   * @param sha256 its digest (hex)
   */
  public record File(String relativePath, String source, long size, String sha256)
      implements Serializable {}

  /** Prefix of a {@link File#source} that names a file added with {@code SparkContext.addFile}. */
  public static final String SPARK_FILES = "spark-files:";

  public ModelBundle {
    files = List.copyOf(files);
  }

  /** The {@code .onnx} file. */
  public File main() {
    return files.get(0);
  }

  /** The bytes of every file together. */
  public long totalSize() {
    return files.stream().mapToLong(File::size).sum();
  }

  /** The external data files (every file but the {@code .onnx}). */
  public List<File> externalData() {
    return files.subList(1, files.size());
  }

  /**
   * The bundle of the model file at {@code uri} whose bytes are {@code main} (with digest {@code
   * mainSha}) and whose external data lives at {@code locations} (location to the first tensor
   * naming it) beside it. Checks that each data file exists, failing with {@link
   * NightshiftException#invalid} naming it, and digests each by streaming it (never whole in
   * memory).
   */
  public static ModelBundle of(
      String uri, String mainSha, long mainSize, Map<String, String> locations, Configuration conf) {
    Path mainPath = new Path(uri);
    try {
      mainPath = mainPath.getFileSystem(conf).makeQualified(mainPath);
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "cannot resolve model file %s: %s", uri, e.getMessage());
    }
    List<File> files = new ArrayList<>();
    files.add(new File(mainPath.getName(), mainPath.toString(), mainSize, mainSha));
    for (Map.Entry<String, String> e : locations.entrySet()) {
      Path data = new Path(mainPath.getParent(), e.getKey());
      try {
        FileSystem fs = data.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(data);
        if (status.isDirectory()) {
          throw NightshiftException.invalid(
              "model file %s: external data '%s' (tensor '%s') is a directory: %s",
              uri, e.getKey(), e.getValue(), data);
        }
        String sha;
        try (InputStream in = fs.open(data)) {
          sha = digest(in);
        }
        files.add(new File(e.getKey(), data.toString(), status.getLen(), sha));
      } catch (FileNotFoundException missing) {
        throw NightshiftException.invalid(
            missing,
            "model file %s: external data file '%s' (tensor '%s') does not exist: %s; it must"
                + " stay beside the model, at the path the model names",
            uri, e.getKey(), e.getValue(), data);
      } catch (IOException io) {
        throw NightshiftException.invalid(
            io, "model file %s: cannot read external data file %s: %s", uri, data, io.getMessage());
      }
    }
    String sha = files.size() == 1 ? mainSha : combined(files);
    return new ModelBundle(sha, files);
  }

  /** A bundle of one file (no external data) read from {@code source}. */
  public static ModelBundle single(String name, String source, long size, String sha256) {
    return new ModelBundle(sha256, List.of(new File(name, source, size, sha256)));
  }

  /** Hex sha256 of a stream, read to its end. */
  static String digest(InputStream in) throws IOException {
    MessageDigest md = sha();
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) > 0) {
      md.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String combined(List<File> files) {
    MessageDigest md = sha();
    for (File f : files) {
      md.update((f.relativePath() + "\0" + f.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
