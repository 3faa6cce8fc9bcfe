package io.nightshift.batch;

import io.nightshift.arrow.TensorBuffer;
import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.Decimal;

/**
 * Copies a row's features into the batch's tensor buffers, checking each value on the way: null,
 * wrong array length, NaN/Inf, text that is not a number. A rejected row leaves garbage in its
 * slot, which the caller reuses for the next row. Not thread-safe: one per task.
 */
public final class RowReader {
  private final List<FeatureInput> inputs;
  private final TensorBuffer[] buffers;
  private final boolean rejectNonFinite;
  /** Row width of each dynamic-length array input in the current batch, 0 until its first row. */
  private final int[] batchWidth;
  private long rowsRead;

  /** Where a rejected row goes: the caller's quarantine. */
  public interface Rejected {
    void reject(Rejection r, InternalRow row);
  }

  public RowReader(List<FeatureInput> inputs, TensorBuffer[] buffers, NonFinitePolicy nonFinite) {
    this.inputs = inputs;
    this.buffers = buffers;
    this.rejectNonFinite = nonFinite == NonFinitePolicy.REJECT;
    this.batchWidth = new int[inputs.size()];
  }

  /** Starts a new batch: dynamic array lengths are fixed again by its first row. */
  void newBatch() {
    java.util.Arrays.fill(batchWidth, 0);
  }

  /** Row width of input {@code i} in the current batch. */
  public int width(int i) {
    FeatureInput in = inputs.get(i);
    return in.width() >= 0 ? in.width() : batchWidth[i];
  }

  /**
   * Reads the next batch from {@code input} into slots [0, capacity): accepted rows are kept in
   * {@code rows} (a copy, since Spark reuses input rows; a columnar row as it is, since it is its
   * own object over the scan's vectors, valid until its reader batch ends), rejected ones go to
   * {@code rejected}. Over {@link ColumnarRows} the batch stops at the end of a reader batch.
   * Returns the number of rows kept.
   */
  public int next(java.util.Iterator<InternalRow> input, int capacity, InternalRow[] rows, Rejected rejected) {
    int n = 0;
    newBatch();
    ColumnarRows columnar = input instanceof ColumnarRows c ? c : null;
    while (n < capacity && input.hasNext()) {
      InternalRow row = input.next();
      rowsRead++;
      Rejection r = read(row, n, capacity);
      if (r == null) {
        rows[n++] = columnar != null ? row : row.copy();
      } else {
        rejected.reject(r, row);
      }
      if (columnar != null && n > 0 && columnar.batchEnds()) {
        break; // the scan reuses its vectors for the next batch: score and emit these first
      }
    }
    return n;
  }

  /** Rows taken from the input by {@link #next}, rejected ones included. */
  public long rowsRead() {
    return rowsRead;
  }

  /** Reads {@code row} into slot {@code slot}; null when accepted, else why not. */
  Rejection read(InternalRow row, int slot, int batchCapacity) {
    for (int i = 0; i < inputs.size(); i++) {
      FeatureInput in = inputs.get(i);
      Rejection r =
          in.type() == ai.onnxruntime.OnnxJavaType.STRING
              ? readStrings(row, slot, in, buffers[i])
              : in.arrayColumn()
              ? readArray(row, slot, i, in, batchCapacity)
              : readScalars(row, slot, in, buffers[i]);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  private Rejection readScalars(InternalRow row, int slot, FeatureInput in, TensorBuffer buf) {
    List<FeatureColumn> cols = in.columns();
    for (int c = 0; c < cols.size(); c++) {
      FeatureColumn col = cols.get(c);
      int ord = col.ordinal();
      if (row.isNullAt(ord)) {
        return new Rejection(RejectReason.NULL_FEATURE, "column '" + col.name() + "' is null");
      }
      switch (col.kind()) {
        case BYTE -> buf.putIntegral(slot, c, row.getByte(ord));
        case SHORT -> buf.putIntegral(slot, c, row.getShort(ord));
        case INT -> buf.putIntegral(slot, c, row.getInt(ord));
        case LONG -> buf.putIntegral(slot, c, row.getLong(ord));
        case FLOAT, DOUBLE, DECIMAL, STRING -> {
          double v;
          if (col.kind() == FeatureColumn.Kind.FLOAT) {
            v = row.getFloat(ord);
          } else if (col.kind() == FeatureColumn.Kind.DOUBLE) {
            v = row.getDouble(ord);
          } else if (col.kind() == FeatureColumn.Kind.DECIMAL) {
            v = ((Decimal) row.get(ord, null)).toDouble();
          } else {
            String s = row.getUTF8String(ord).toString().trim();
            v = TextNumber.parse(s);
            if (TextNumber.isNotANumber(v)) {
              return new Rejection(
                  RejectReason.NOT_A_NUMBER,
                  "column '" + col.name() + "' holds '" + TextNumber.shorten(s) + "', not a number");
            }
          }
          Rejection r = check(v, col, in, "");
          if (r != null) {
            return r;
          }
          buf.put(slot, c, v);
        }
        default -> throw new IllegalStateException("array column in a scalar mapping: " + col);
      }
    }
    return null;
  }

  /** A string input: the columns' text as it is (categories are matched exactly by the model). */
  private static Rejection readStrings(InternalRow row, int slot, FeatureInput in, TensorBuffer buf) {
    List<FeatureColumn> cols = in.columns();
    for (int c = 0; c < cols.size(); c++) {
      FeatureColumn col = cols.get(c);
      if (row.isNullAt(col.ordinal())) {
        return new Rejection(RejectReason.NULL_FEATURE, "column '" + col.name() + "' is null");
      }
      buf.putString(slot, c, row.getUTF8String(col.ordinal()).toString());
    }
    return null;
  }

  private Rejection readArray(InternalRow row, int slot, int i, FeatureInput in, int capacity) {
    FeatureColumn col = in.columns().get(0);
    int ord = col.ordinal();
    if (row.isNullAt(ord)) {
      return new Rejection(RejectReason.NULL_FEATURE, "column '" + col.name() + "' is null");
    }
    ArrayData arr = row.getArray(ord);
    int n = arr.numElements();
    int width = in.width();
    if (width < 0) {
      if (batchWidth[i] == 0) {
        if (n == 0) {
          return new Rejection(RejectReason.WRONG_LENGTH, "column '" + col.name() + "' is an empty array");
        }
        batchWidth[i] = n;
        buffers[i].reshape(capacity, n);
      }
      width = batchWidth[i];
    }
    if (n != width) {
      return new Rejection(
          RejectReason.WRONG_LENGTH,
          "column '" + col.name() + "' has " + n + " values, model input '" + in.modelInput()
              + "' needs " + width);
    }
    TensorBuffer buf = buffers[i];
    for (int j = 0; j < n; j++) {
      if (arr.isNullAt(j)) {
        return new Rejection(
            RejectReason.NULL_FEATURE, "column '" + col.name() + "' has a null at index " + j);
      }
      switch (col.kind()) {
        case ARRAY_BYTE -> buf.putIntegral(slot, j, arr.getByte(j));
        case ARRAY_SHORT -> buf.putIntegral(slot, j, arr.getShort(j));
        case ARRAY_INT -> buf.putIntegral(slot, j, arr.getInt(j));
        case ARRAY_LONG -> buf.putIntegral(slot, j, arr.getLong(j));
        case ARRAY_FLOAT, ARRAY_DOUBLE -> {
          double v = col.kind() == FeatureColumn.Kind.ARRAY_FLOAT ? arr.getFloat(j) : arr.getDouble(j);
          Rejection r = check(v, col, in, " at index " + j);
          if (r != null) {
            return r;
          }
          buf.put(slot, j, v);
        }
        default -> throw new IllegalStateException("scalar column in an array mapping: " + col);
      }
    }
    return null;
  }

  /**
   * Checks a floating-point value on its way into {@code in}: NaN and infinities per the policy
   * (always rejected for an integer input, which cannot hold them), and for an integer input only
   * whole numbers in its range, since truncating 1.5 to 1 would score a row the data does not hold.
   */
  private Rejection check(double v, FeatureColumn col, FeatureInput in, String where) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      if (rejectNonFinite || in.integral()) {
        return new Rejection(RejectReason.NON_FINITE, "column '" + col.name() + "' is " + v + where
            + (rejectNonFinite ? "" : ", and model input '" + in.modelInput() + "' holds integers"));
      }
      return null;
    }
    if (in.integral()) {
      double min = in.type() == ai.onnxruntime.OnnxJavaType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
      double max = in.type() == ai.onnxruntime.OnnxJavaType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
      if (v != Math.rint(v) || v < min || v > max) {
        return new Rejection(RejectReason.NOT_A_NUMBER, "column '" + col.name() + "' holds " + v + where
            + ", model input '" + in.modelInput() + "' takes whole numbers of " + in.type());
      }
    }
    return null;
  }
}
