package io.nightshift.image;

import io.nightshift.arrow.TensorBuffer;
import io.nightshift.batch.BatchSource;
import io.nightshift.batch.FeatureColumn;
import io.nightshift.config.JobConfig.ImageSpec;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Images as a model input. Each row's image comes from a binary column (its bytes) or a string
 * column (a file path on any Hadoop file system, read here, on the executor, at most {@code
 * max-bytes} of it); it is decoded ({@link ImageRows}: bad images are rejected per row with
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
  private final ImageTensorSpec tensor;
  private final ImageRows images;
  private final TensorBuffer buffer;
  private final int capacity;
  private final int window;
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
    this.tensor = spec.tensor();
    this.images = new ImageRows(column, spec.maxBytes(), spec.maxPixels(), hadoopConf);
    this.buffer = buffer;
    this.capacity = capacity;
    this.window = Math.multiplyExact(capacity, WINDOW_BATCHES);
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
    DecodeOutcome outcome = images.decode(row);
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
