package io.nightshift.model;

import io.nightshift.NightshiftException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads model (and tokenizer) files from a local path or any Hadoop file system URI. */
public final class ModelSource {
  private ModelSource() {}

  /** The whole file at {@code uri}; fails naming the URI when it is missing or unreadable. */
  public static byte[] read(String uri, Configuration hadoopConf) {
    return read(uri, hadoopConf, "model file", "an ONNX file");
  }

  /**
   * The whole file at {@code uri}; errors call it {@code what} (e.g. "tokenizer file") and say it
   * should be {@code expected} when it is a directory.
   */
  public static byte[] read(String uri, Configuration hadoopConf, String what, String expected) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        throw NightshiftException.invalid("%s %s is a directory, not %s", what, uri, expected);
      }
      if (status.getLen() > Integer.MAX_VALUE - 8) {
        throw NightshiftException.invalid(
            "model file %s is %d bytes; one ONNX file holds at most 2 GiB: store the weights as"
                + " external data (model.onnx plus data file) and ship it with model.distribution: files",
            uri, status.getLen());
      }
      byte[] bytes = new byte[(int) status.getLen()];
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
}
