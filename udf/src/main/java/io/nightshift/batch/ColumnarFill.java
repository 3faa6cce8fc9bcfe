package io.nightshift.batch;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.arrow.TensorBuffer;
import io.nightshift.quality.Rejection;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatchRow;

/**
 * Fills the tensor buffers from a columnar batch's vectors a block at a time: per float column one
 * bulk read of the block's values, per {@code array<float>} column one bulk read of the child
 * vector's range, then one copy of the block into the buffer. Nulls, NaN/Inf and wrong array
 * lengths are looked for over the copied block; a row with any of them goes through {@link
 * RowReader} instead, which decides (and words) its rejection exactly as on the row path, so
 * accepted values and rejections are the same as reading every row through {@link RowReader}.
 * Only float model inputs of fixed width fed by float columns or one {@code array<float>} column
 * take this path ({@link #supports}). Not thread-safe: one per task.
 */
public final class ColumnarFill {
  private final List<FeatureInput> inputs;
  private final TensorBuffer[] buffers;
  private final RowReader reader;
  /** Values of one input held on the heap at once, at most: a GPU batch of wide rows is copied in parts. */
  static final int BLOCK_VALUES = 1 << 16;

  private final int capacity;
  /** Rows copied at once: the scoring batch, or fewer when its rows are wide. */
  private final int blockRows;
  /** A row-major block of one input's values, [blockRows, width]. */
  private final float[][] block;
  /** Per block row: true when it must go through the row reader. */
  private final boolean[] suspect;
  private final int[] offsets;
  /** Per batch slot, the row object handed out for it, re-pointed at each row: one object per slot, not per row. */
  private final ColumnarBatchRow[] slotRows;
  /** The vectors {@link #slotRows} read from; a new reader batch brings new ones. */
  private ColumnVector[] slotVectors;
  private long rowsRead;
  private long rowsReread;

  public ColumnarFill(List<FeatureInput> inputs, TensorBuffer[] buffers, RowReader reader, int capacity) {
    this(inputs, buffers, reader, capacity, BLOCK_VALUES);
  }

  /** With blocks of at most {@code blockValues} values per input (tests use small ones). */
  ColumnarFill(List<FeatureInput> inputs, TensorBuffer[] buffers, RowReader reader, int capacity, int blockValues) {
    this.inputs = inputs;
    this.buffers = buffers;
    this.reader = reader;
    this.capacity = capacity;
    int rows = capacity;
    for (FeatureInput in : inputs) {
      rows = Math.min(rows, Math.max(1, blockValues / Math.max(1, in.width())));
    }
    this.blockRows = rows;
    this.block = new float[inputs.size()][];
    for (int i = 0; i < block.length; i++) {
      block[i] = new float[blockRows * Math.max(1, inputs.get(i).width())];
    }
    this.suspect = new boolean[blockRows];
    this.offsets = new int[blockRows];
    this.slotRows = new ColumnarBatchRow[capacity];
  }

  /** Whether every input can be filled in bulk: float tensors of fixed width from float data. */
  public static boolean supports(List<FeatureInput> inputs) {
    if (inputs.isEmpty()) {
      return false;
    }
    for (FeatureInput in : inputs) {
      if (in.type() != OnnxJavaType.FLOAT || in.width() < 1) {
        return false;
      }
      if (in.arrayColumn()) {
        if (in.columns().get(0).kind() != FeatureColumn.Kind.ARRAY_FLOAT) {
          return false;
        }
      } else if (in.columns().size() != in.width()
          || !in.columns().stream().allMatch(c -> c.kind() == FeatureColumn.Kind.FLOAT)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the next batch from {@code input} into slots [0, capacity), a block at a time, as {@link
   * RowReader#next} would: the same rows kept in the same slots, the same rows rejected in the same
   * order, and the batch stops at the end of a reader batch (the scan reuses its vectors).
   */
  public int next(ColumnarRows input, InternalRow[] rows, RowReader.Rejected rejected) {
    int n = 0;
    reader.newBatch();
    while (n < capacity && input.hasNext()) {
      int count = Math.min(Math.min(capacity - n, blockRows), input.remaining());
      int rowId = input.position();
      input.skip(count);
      rowsRead += count;
      n = fill(input.columns(), rowId, count, n, rows, rejected);
      if (n > 0 && input.batchEnds()) {
        break;
      }
    }
    return n;
  }

  /** Rows taken from the input by {@link #next}, rejected ones included. */
  public long rowsRead() {
    return rowsRead;
  }

  /** Rows that went through the row reader (suspect ones), rejected or not. */
  public long rowsReread() {
    return rowsReread;
  }

  /**
   * Reads rows [rowId, rowId + count) of {@code vectors} (a batch's columns, by input ordinal) into
   * batch slots from {@code slot} on, keeping accepted rows in {@code rows} (their row objects,
   * valid while the vectors are) and passing rejected ones to {@code rejected}, in row order.
   * Returns the slot after the last accepted row. {@code slot + count} must not exceed the capacity,
   * nor {@code count} the block's rows.
   */
  int fill(ColumnVector[] vectors, int rowId, int count, int slot, InternalRow[] rows, RowReader.Rejected rejected) {
    if (slot + count > capacity || count > blockRows) {
      throw new IllegalArgumentException(
          "slots [" + slot + ", " + (slot + count) + ") exceed " + capacity + " or a block of " + blockRows);
    }
    java.util.Arrays.fill(suspect, 0, count, false);
    for (int i = 0; i < inputs.size(); i++) {
      FeatureInput in = inputs.get(i);
      boolean ok = in.arrayColumn()
          ? copyArrays(vectors[in.columns().get(0).ordinal()], rowId, count, in.width(), block[i])
          : copyColumns(vectors, in, rowId, count, block[i]);
      if (!ok) {
        java.util.Arrays.fill(suspect, 0, count, true);
      }
      buffers[i].putFloats(slot, block[i], count);
    }
    int n = slot;
    for (int j = 0; j < count; j++) {
      // The row object of slot n: a slot's previous row is no longer used (its batch was scored and
      // emitted, or it was rejected and handed over), and rejected rows are handed over at once.
      InternalRow row = row(vectors, n, rowId + j);
      if (!suspect[j]) {
        if (n != slot + j) {
          for (TensorBuffer b : buffers) {
            b.moveRow(slot + j, n);
          }
        }
        rows[n++] = row;
        continue;
      }
      // Written at slot n <= slot + j: only rows already moved or rejected live there.
      rowsReread++;
      Rejection r = reader.read(row, n, capacity);
      if (r == null) {
        rows[n++] = row;
      } else {
        rejected.reject(r, row);
      }
    }
    return n;
  }

  /** Slot {@code slot}'s row object, pointed at row {@code rowId} of {@code vectors}. */
  private InternalRow row(ColumnVector[] vectors, int slot, int rowId) {
    if (vectors != slotVectors) {
      java.util.Arrays.fill(slotRows, null);
      slotVectors = vectors;
    }
    ColumnarBatchRow row = slotRows[slot];
    if (row == null) {
      row = new ColumnarBatchRow(vectors);
      slotRows[slot] = row;
    }
    row.rowId = rowId;
    return row;
  }

  /** One float column per value: a bulk read per column, scattered into the row-major block. */
  private boolean copyColumns(ColumnVector[] vectors, FeatureInput in, int rowId, int count, float[] out) {
    List<FeatureColumn> cols = in.columns();
    int width = cols.size();
    for (int c = 0; c < width; c++) {
      ColumnVector v = vectors[cols.get(c).ordinal()];
      for (int j = 0, k = c; j < count; j++, k += width) {
        float x = v.getFloat(rowId + j);
        out[k] = x;
        if (!Float.isFinite(x)) {
          suspect[j] = true;
        }
      }
      if (v.hasNull()) {
        for (int j = 0; j < count; j++) {
          if (v.isNullAt(rowId + j)) {
            suspect[j] = true;
          }
        }
      }
    }
    return true;
  }

  /**
   * One {@code array<float>} column: each row's values are a range of the child vector, usually
   * back to back. One bulk read of the child when they are, else one per row. False when the
   * vector does not expose its offsets (then every row goes through the row reader).
   */
  private boolean copyArrays(ColumnVector v, int rowId, int count, int width, float[] out) {
    if (!(v instanceof WritableColumnVector w)) {
      return false;
    }
    ColumnVector child = w.arrayData();
    boolean nulls = w.hasNull();
    boolean contiguous = true;
    int first = -1;
    for (int j = 0; j < count; j++) {
      int r = rowId + j;
      if ((nulls && w.isNullAt(r)) || w.getArrayLength(r) != width) {
        suspect[j] = true;
        contiguous = false;
        continue;
      }
      int off = w.getArrayOffset(r);
      offsets[j] = off;
      if (first < 0) {
        first = off - j * width;
      }
      if (off != first + j * width) {
        contiguous = false;
      }
    }
    if (contiguous && count > 0) {
      for (int k = 0, end = count * width; k < end; k++) {
        out[k] = child.getFloat(first + k);
      }
    } else {
      for (int j = 0; j < count; j++) {
        if (!suspect[j]) {
          for (int e = 0, off = offsets[j], k = j * width; e < width; e++) {
            out[k + e] = child.getFloat(off + e);
          }
        }
      }
    }
    boolean childNulls = child.hasNull();
    for (int j = 0, k = 0; j < count; j++) {
      if (suspect[j]) {
        k += width;
        continue;
      }
      for (int e = 0; e < width; e++, k++) {
        if (!Float.isFinite(out[k])) {
          suspect[j] = true;
        }
      }
      if (childNulls) {
        for (int e = 0; e < width; e++) {
          if (child.isNullAt(offsets[j] + e)) {
            suspect[j] = true;
            break;
          }
        }
      }
    }
    return true;
  }
}
