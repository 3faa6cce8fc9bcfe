package io.nightshift.image;

import io.nightshift.NightshiftException;
import io.nightshift.batch.FeatureColumn;
import io.nightshift.config.JobProperties;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A row's image: its bytes from a binary column, or from the file a string column names (any
 * Hadoop file system, read on the executor), at most {@code maxBytes} of them, decoded by
 * {@link ImageDecoder}. Every bad row gets a rejection with its reason (null or empty:
 * image_empty; above max-bytes or max-pixels: image_too_large; ...), never an exception; a file
 * that cannot be read at all (gone, permission) throws, failing the task, which Spark retries:
 * the storage's fault, not the row's. Any input kind or post-step that needs the decoded image
 * (recognition, a page reader) starts here. Not thread-safe: one per task.
 */
public final class ImageRows {
  private final int ordinal;
  private final String column;
  private final boolean paths;
  private final long maxBytes;
  private final ImageDecoder decoder;
  private final Configuration hadoopConf;

  /** Images of {@code column} (binary: bytes; else a path), at most {@code maxBytes} and {@code maxPixels}. */
  public ImageRows(FeatureColumn column, long maxBytes, long maxPixels, Configuration hadoopConf) {
    this.ordinal = column.ordinal();
    this.column = column.name();
    this.paths = !column.binary();
    this.maxBytes = maxBytes;
    this.decoder = new ImageDecoder(maxPixels);
    this.hadoopConf = hadoopConf;
  }

  /** The row's decoded image, or its rejection. */
  public DecodeOutcome decode(InternalRow row) {
    if (row.isNullAt(ordinal)) {
      return DecodeOutcome.rejected(new Rejection(RejectReason.IMAGE_EMPTY, "column '" + column + "' is null"));
    }
    byte[] bytes;
    if (paths) {
      Object read = read(row.getUTF8String(ordinal).toString());
      if (read instanceof Rejection r) {
        return DecodeOutcome.rejected(r);
      }
      bytes = (byte[]) read;
    } else {
      bytes = row.getBinary(ordinal);
      if (bytes.length > maxBytes) {
        return DecodeOutcome.rejected(tooManyBytes("the image", bytes.length));
      }
    }
    return decoder.decode(bytes);
  }

  private Rejection tooManyBytes(String what, long length) {
    return new Rejection(RejectReason.IMAGE_TOO_LARGE, String.format("%s is %d bytes, above %s (%d)",
        what, length, JobProperties.INFERENCE_IMAGE_MAX_BYTES, maxBytes));
  }

  /** The file's bytes, or the rejection of a file above max-bytes (its length read first). */
  private Object read(String file) {
    Path path = new Path(file);
    try {
      FileSystem fs = io.nightshift.fs.LocalFiles.unchecked(path.getFileSystem(hadoopConf), path);
      long length = fs.getFileStatus(path).getLen();
      if (length > maxBytes) {
        return tooManyBytes("file " + file, length);
      }
      byte[] bytes = new byte[(int) length];
      try (FSDataInputStream in = fs.open(path)) {
        in.readFully(0, bytes);
      }
      return bytes;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot read image file %s: %s", file, e.getMessage());
    }
  }
}
