package io.nightshift.image;

import io.nightshift.NightshiftException;
import io.nightshift.arrow.TensorBuffer;
import io.nightshift.batch.BatchSource;
import io.nightshift.batch.FeatureColumn;
import io.nightshift.config.JobConfig.ImageSpec;
import io.nightshift.config.JobProperties;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Images as a model input. Each row's image comes from a binary column (its bytes) or a string
 * column (a file path on any Hadoop file system, read here, on the executor, at most {@code
 * max-bytes} of it); it is decoded ({@link ImageDecoder}: bad images are rejected per row with
 * their reason) and preprocessed at once into its tensor row ({@link ImageTensorSpec}), so only
 * tensor rows are held, never decoded pixels beyond the one image being read.
 *
 * <p>Batches hold images of <b>one tensor width</b> only: the recognizer sees the padding, so a
 * row padded to a wider batch could read differently (docs/images.md). Rows are read into a window
 * of {@value #WINDOW_BATCHES} batches, grouped by tensor width, and the largest group is cut into
 * the next batch; so rows come out grouped, not in input order, and memory is bounded by the
 * window. Not thread-safe: one per task.
 */
public final class ImageSource implements BatchSource {
  /** Batches' worth of rows read ahead to group by width. */
  static final int WINDOW_BATCHES = 4;

  private record Pending(InternalRow row, float[] values) {}

  private final Iterator<InternalRow> input;
  private final ImageSpec spec;
  private final ImageTensorSpec tensor;
  private final ImageDecoder decoder;
  private final int ordinal;
  private final boolean paths;
  private final String column;
  private final TensorBuffer buffer;
  private final int capacity;
  private final int window;
  private final Configuration hadoopConf;
  private final Rejects rejects;
  /** Preprocessed rows by tensor width, in order of first appearance. */
  private final Map<Integer, ArrayDeque<Pending>> groups = new LinkedHashMap<>();
  private int held;
  private int width;
  private long rowsRead;
  private long batches;
  private long imageRows;

  /**
   * A source over {@code input}'s image {@code column} into {@code buffer}, batches of at most
   * {@code capacity} rows; {@code hadoopConf} opens file paths.
   */
  public ImageSource(Iterator<InternalRow> input, ImageSpec spec, FeatureColumn column, TensorBuffer buffer,
      int capacity, Configuration hadoopConf, Rejects rejects) {
    this.input = input;
    this.spec = spec;
    this.tensor = spec.tensor();
    this.decoder = new ImageDecoder(spec.maxPixels());
    this.ordinal = column.ordinal();
    this.column = column.name();
    this.paths = !column.binary();
    this.buffer = buffer;
    this.capacity = capacity;
    this.window = Math.multiplyExact(capacity, WINDOW_BATCHES);
    this.hadoopConf = hadoopConf;
    this.rejects = rejects;
  }

  @Override
  public int next(InternalRow[] slots) {
    while (held < window && input.hasNext()) {
      InternalRow row = input.next();
      rowsRead++;
      prepare(row);
    }
    if (held == 0) {
      return 0;
    }
    ArrayDeque<Pending> largest = null;
    int key = 0;
    for (Map.Entry<Integer, ArrayDeque<Pending>> e : groups.entrySet()) {
      if (largest == null || e.getValue().size() > largest.size()) {
        largest = e.getValue();
        key = e.getKey();
      }
    }
    int n = Math.min(capacity, largest.size());
    width = key;
    buffer.reshape(n, tensor.rowSize(key));
    for (int i = 0; i < n; i++) {
      Pending p = largest.poll();
      buffer.putFloats(i, p.values(), 1);
      slots[i] = p.row();
    }
    if (largest.isEmpty()) {
      groups.remove(key);
    }
    held -= n;
    batches++;
    imageRows += n;
    return n;
  }

  /** Decodes and preprocesses one row into its width's group, or rejects it. */
  private void prepare(InternalRow row) {
    byte[] bytes;
    if (row.isNullAt(ordinal)) {
      rejects.reject(new Rejection(RejectReason.IMAGE_EMPTY, "column '" + column + "' is null"), row);
      return;
    }
    if (paths) {
      String path = row.getUTF8String(ordinal).toString();
      Object read = read(path);
      if (read instanceof Rejection r) {
        rejects.reject(r, row);
        return;
      }
      bytes = (byte[]) read;
    } else {
      bytes = row.getBinary(ordinal);
      if (bytes.length > spec.maxBytes()) {
        rejects.reject(tooManyBytes("the image", bytes.length), row);
        return;
      }
    }
    DecodeOutcome outcome = decoder.decode(bytes);
    if (!outcome.ok()) {
      rejects.reject(outcome.rejection(), row);
      return;
    }
    DecodedImage image = outcome.image();
    int w = tensor.tensorWidth(image);
    float[] values = new float[tensor.rowSize(w)];
    tensor.write(image, w, values, 0);
    groups.computeIfAbsent(w, k -> new ArrayDeque<>()).add(new Pending(row.copy(), values));
    held++;
  }

  private Rejection tooManyBytes(String what, long length) {
    return new Rejection(RejectReason.IMAGE_TOO_LARGE, String.format("%s is %d bytes, above %s (%d)",
        what, length, JobProperties.INFERENCE_IMAGE_MAX_BYTES, spec.maxBytes()));
  }

  /**
   * The file's bytes, or the rejection of a file above max-bytes. A file that cannot be read
   * fails the task (Spark retries it): that is the storage's fault, not the row's.
   */
  private Object read(String file) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      FileStatus status = fs.getFileStatus(path);
      long length = status.getLen();
      if (length > spec.maxBytes()) {
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

  @Override
  public void widths(int[] widths) {
    widths[0] = width;
  }

  @Override
  public long rowsRead() {
    return rowsRead;
  }

  @Override
  public String summary() {
    return String.format("%d rows read, %d images in %d batches of one width each", rowsRead, imageRows, batches);
  }
}
