package io.nightshift.quality;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Stages one task's rejected rows as JSON lines ({@code reason_code}, {@code reason}, {@code
 * input_json}) in a file named by the task attempt, opened on the first rejection. The driver
 * reads only the files of attempts that succeeded (reported through an accumulator), so a retried
 * task never duplicates a row. Not thread-safe: one per task.
 */
public final class RejectSink implements AutoCloseable {
  private final String dir;
  private final String fileName;
  private final Configuration conf;
  private OutputStream out;
  private long rows;

  public RejectSink(String dir, String fileName, Configuration conf) {
    this.dir = dir;
    this.fileName = fileName;
    this.conf = conf;
  }

  /** Writes one rejected row. */
  public void write(Rejection rejection, String inputJson) {
    StringBuilder sb = new StringBuilder(inputJson.length() + 96);
    sb.append("{\"reason_code\":");
    RowJson.string(sb, rejection.reason().code());
    sb.append(",\"reason\":");
    RowJson.string(sb, rejection.detail());
    sb.append(",\"input_json\":");
    RowJson.string(sb, inputJson);
    sb.append("}\n");
    try {
      if (out == null) {
        Path path = new Path(dir, fileName);
        out = path.getFileSystem(conf).create(path, true);
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot stage a rejected row under %s: %s", dir, e.getMessage());
    }
    rows++;
  }

  /** The staged file's name, or null when nothing was rejected. */
  public String writtenFile() {
    return rows == 0 ? null : new Path(dir, fileName).toString();
  }

  public long rows() {
    return rows;
  }

  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new NightshiftException(e, "cannot close staged rejects %s/%s: %s", dir, fileName, e.getMessage());
      } finally {
        out = null;
      }
    }
  }

  /** Whether a file system can be reached for {@code dir} (used by validation). */
  public static FileSystem fileSystem(String dir, Configuration conf) throws IOException {
    return new Path(dir).getFileSystem(conf);
  }
}
