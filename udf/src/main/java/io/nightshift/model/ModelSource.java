package io.nightshift.model;

import io.nightshift.NightshiftException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads model (and tokenizer) files from a local path, any Hadoop file system URI, or an {@code
 * http(s)://} URL. A URL is streamed to a local file first (its length may be unknown), so nothing
 * depends on a {@code Content-Length}; a failed download is one line naming the URL.
 */
public final class ModelSource {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelSource.class);

  private ModelSource() {}

  /** Whether {@code uri} is fetched over HTTP(S) rather than through a Hadoop file system. */
  public static boolean isHttp(String uri) {
    String lower = uri.toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /**
   * Streams the {@code http(s)://} URL {@code uri} into a new file in a fresh temporary folder,
   * named as the URL's last path segment, and returns it; the caller owns (and deletes) it. Fails
   * (exit code 2) with one line naming {@code what} and the URL on any status but 200 or any I/O
   * error. Follows redirects; times out after 30 s without a connection.
   */
  public static java.nio.file.Path download(String uri, String what) {
    java.net.URI url;
    try {
      url = java.net.URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw NightshiftException.invalid(e, "%s %s is not a valid URL: %s", what, uri, e.getMessage());
    }
    String name = new Path(url.getPath().isEmpty() ? "/model.onnx" : url.getPath()).getName();
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
        .connectTimeout(java.time.Duration.ofSeconds(30))
        .build();
    java.nio.file.Path dir = null;
    boolean done = false;
    try {
      dir = java.nio.file.Files.createTempDirectory("nightshift-download-");
      java.nio.file.Path file = dir.resolve(name.isEmpty() ? "model.onnx" : name);
      long start = System.nanoTime();
      java.net.http.HttpResponse<java.nio.file.Path> response = client.send(
          java.net.http.HttpRequest.newBuilder(url).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofFile(file));
      if (response.statusCode() != 200) {
        throw NightshiftException.invalid("cannot download %s %s: HTTP %d", what, uri, response.statusCode());
      }
      LOG.info("Downloaded {} {} ({} bytes) in {} ms", what, uri, java.nio.file.Files.size(file),
          (System.nanoTime() - start) / 1_000_000);
      done = true;
      return file;
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "cannot download %s %s: %s", what, uri,
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NightshiftException(e, "interrupted while downloading %s %s", what, uri);
    } finally {
      if (dir != null && !done) {
        deleteTree(dir); // nothing of a failed download is kept
      }
    }
  }

  /** Deletes a download folder and what it holds; a leftover temp file is logged, not fatal. */
  public static void deleteTree(java.nio.file.Path dir) {
    try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
      for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete the download folder {}: {}", dir, e.getMessage());
    }
  }

  /** The whole file at {@code uri}; fails naming the URI when it is missing or unreadable. */
  public static byte[] read(String uri, Configuration hadoopConf) {
    return read(uri, hadoopConf, "model file", "an ONNX file");
  }

  /**
   * The whole file at {@code uri}; errors call it {@code what} (e.g. "tokenizer file") and say it
   * should be {@code expected} when it is a directory.
   */
  public static byte[] read(String uri, Configuration hadoopConf, String what, String expected) {
    if (isHttp(uri)) {
      java.nio.file.Path file = download(uri, what);
      try {
        return read(file.toUri().toString(), hadoopConf, what, expected);
      } finally {
        deleteTree(file.getParent());
      }
    }
    long length = length(uri, hadoopConf, what, expected);
    Path path = new Path(uri);
    try {
      FileSystem fs = io.nightshift.fs.LocalFiles.unchecked(path.getFileSystem(hadoopConf), path);
      byte[] bytes = new byte[(int) length];
      try (InputStream in = fs.open(path)) {
        int off = 0;
        while (off < bytes.length) {
          int n = in.read(bytes, off, bytes.length - off);
          if (n < 0) {
            throw new IOException("file ended after " + off + " of " + bytes.length + " bytes");
          }
          off += n;
        }
      }
      return bytes;
    } catch (FileNotFoundException e) {
      throw NightshiftException.invalid(e, "%s not found: %s", what, uri);
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "cannot read %s %s: %s", what, uri, e.getMessage());
    }
  }

  /**
   * The length in bytes of the file at {@code uri}, read from its status (nothing of the file is
   * read); fails naming it when it is missing, a directory, or over the 2 GiB one ONNX file holds.
   */
  public static long length(String uri, Configuration hadoopConf, String what, String expected) {
    Path path = new Path(uri);
    try {
      FileStatus status = path.getFileSystem(hadoopConf).getFileStatus(path);
      if (status.isDirectory()) {
        throw NightshiftException.invalid("%s %s is a directory, not %s", what, uri, expected);
      }
      if (status.getLen() > Integer.MAX_VALUE - 8) {
        throw NightshiftException.invalid(
            "model file %s is %d bytes; one ONNX file holds at most 2 GiB: store the weights as"
                + " external data (model.onnx plus data file) and ship it with model.distribution: files",
            uri, status.getLen());
      }
      return status.getLen();
    } catch (FileNotFoundException e) {
      throw NightshiftException.invalid(e, "%s not found: %s", what, uri);
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "cannot read %s %s: %s", what, uri, e.getMessage());
    }
  }
}
