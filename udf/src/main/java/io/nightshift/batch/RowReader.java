package io.nightshift.batch;

import io.nightshift.arrow.TensorBuffer;
import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import java.math.BigDecimal;
import ai.onnxruntime.platform.Fp16Conversions;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Copies a row's features into the batch's tensor buffers, checking each value on the way: null,
 * wrong array length, NaN/Inf, text that is not a number, a value the input's element type cannot
 * hold (out of range, or a whole number a float input would round). Integers, decimals and text
 * numbers are converted exactly, never through {@code double}. A rejected row leaves garbage in
 * its slot, which the caller reuses for the next row.
 *
 * <p>A row's fate never depends on its neighbours: a dynamic-length array input takes one length
 * per batch, and a row of another length is set aside (copied) for a later batch that starts with
 * it and gathers the rows of its length, so rows come out grouped by length, not in input order.
 * At most a batch of rows is set aside. Not thread-safe: one per task.
 */
public final class RowReader {
  private final List<FeatureInput> inputs;
  private final TensorBuffer[] buffers;
  private final boolean rejectNonFinite;
  /** Row width of each dynamic-length array input in the current batch, 0 until its first row. */
  private final int[] batchWidth;
  /**
   * Copies of rows taken from the input whose array lengths differ from their batch's: each later
   * batch starts with them. At most a batch's capacity.
   */
  private final java.util.ArrayDeque<InternalRow> deferred = new java.util.ArrayDeque<>();
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
    // Rows set aside by earlier batches first: the first fixes the lengths, the others that share
    // them join it.
    for (java.util.Iterator<InternalRow> it = deferred.iterator(); it.hasNext() && n < capacity; ) {
      InternalRow row = it.next();
      if (n > 0 && !fitsBatch(row)) {
        continue;
      }
      it.remove();
      n = take(row, row, n, capacity, rows, rejected);
    }
    ColumnarRows columnar = input instanceof ColumnarRows c ? c : null;
    while (n < capacity && input.hasNext()) {
      InternalRow row = input.next();
      rowsRead++;
      if (n > 0 && !fitsBatch(row)) {
        // Another array length: set aside (a copy) for a batch of its own length.
        deferred.add(row.copy());
        if (deferred.size() >= capacity) {
          break;
        }
      } else {
        n = take(row, columnar != null ? row : null, n, capacity, rows, rejected);
      }
      if (columnar != null && n > 0 && columnar.batchEnds()) {
        break; // the scan reuses its vectors for the next batch: score and emit these first
      }
    }
    return n;
  }

  /**
   * Reads {@code row} into slot {@code n}: kept as {@code keep} (a copy when null) if accepted,
   * else rejected. Returns the next free slot.
   */
  private int take(InternalRow row, InternalRow keep, int n, int capacity, InternalRow[] rows, Rejected rejected) {
    Rejection r = read(row, n, capacity);
    if (r == null) {
      rows[n] = keep != null ? keep : row.copy();
      return n + 1;
    }
    rejected.reject(r, row);
    if (n == 0) {
      newBatch(); // a rejected row does not fix the batch's array lengths
    }
    return n;
  }

  /**
   * Whether {@code row}'s dynamic-length arrays have the current batch's lengths (or will be
   * rejected whatever the batch: null or empty).
   */
  private boolean fitsBatch(InternalRow row) {
    for (int i = 0; i < inputs.size(); i++) {
      FeatureInput in = inputs.get(i);
      if (in.width() >= 0 || !in.arrayColumn() || batchWidth[i] == 0) {
        continue;
      }
      int ord = in.columns().get(0).ordinal();
      if (row.isNullAt(ord)) {
        continue;
      }
      int length = row.getArray(ord).numElements();
      if (length != 0 && length != batchWidth[i]) {
        return false;
      }
    }
    return true;
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
      Rejection r = switch (col.kind()) {
        case BYTE -> whole(buf, slot, c, row.getByte(ord), col, in, "");
        case SHORT -> whole(buf, slot, c, row.getShort(ord), col, in, "");
        case INT -> whole(buf, slot, c, row.getInt(ord), col, in, "");
        case LONG -> whole(buf, slot, c, row.getLong(ord), col, in, "");
        case BOOLEAN -> whole(buf, slot, c, row.getBoolean(ord) ? 1 : 0, col, in, "");
        case FLOAT -> real(buf, slot, c, row.getFloat(ord), col, in, "");
        case DOUBLE -> real(buf, slot, c, row.getDouble(ord), col, in, "");
        case DECIMAL -> exact(buf, slot, c,
            row.getDecimal(ord, col.precision(), col.scale()).toJavaBigDecimal(), col, in);
        case STRING -> text(buf, slot, c, row.getUTF8String(ord).toString().trim(), col, in);
        default -> throw new IllegalStateException("array column in a scalar mapping: " + col);
      };
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  /** A number held as text: its exact value, or NaN/Inf as spelled, or not a number. */
  private Rejection text(TensorBuffer buf, int slot, int c, String s, FeatureColumn col, FeatureInput in) {
    Double nonFinite = TextNumber.nonFinite(s);
    if (nonFinite != null) {
      return real(buf, slot, c, nonFinite, col, in, "");
    }
    BigDecimal v = TextNumber.exact(s);
    if (v == null) {
      return new Rejection(
          RejectReason.NOT_A_NUMBER,
          "column '" + col.name() + "' holds '" + TextNumber.shorten(s) + "', not a number");
    }
    return exact(buf, slot, c, v, col, in);
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
      if (n == 0) {
        return new Rejection(RejectReason.WRONG_LENGTH, "column '" + col.name() + "' is an empty array");
      }
      if (batchWidth[i] == 0) {
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
      Rejection r = switch (col.kind()) {
        case ARRAY_BYTE -> whole(buf, slot, j, arr.getByte(j), col, in, " at index " + j);
        case ARRAY_SHORT -> whole(buf, slot, j, arr.getShort(j), col, in, " at index " + j);
        case ARRAY_INT -> whole(buf, slot, j, arr.getInt(j), col, in, " at index " + j);
        case ARRAY_LONG -> whole(buf, slot, j, arr.getLong(j), col, in, " at index " + j);
        case ARRAY_FLOAT -> real(buf, slot, j, arr.getFloat(j), col, in, " at index " + j);
        case ARRAY_DOUBLE -> real(buf, slot, j, arr.getDouble(j), col, in, " at index " + j);
        default -> throw new IllegalStateException("scalar column in an array mapping: " + col);
      };
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  /**
   * Writes a whole number: into an integer input if in its range (else {@code out_of_range}), into
   * a float input only if the float holds it exactly (else {@code inexact}: 16777217 would become
   * 16777216 in a float, 9007199254740993 would become 9007199254740992 in a double).
   */
  private static Rejection whole(
      TensorBuffer buf, int slot, int c, long v, FeatureColumn col, FeatureInput in, String where) {
    switch (in.type()) {
      case INT64 -> buf.putLong(slot, c, v);
      case INT16, INT8, UINT8, BOOL -> {
        long[] range = in.wholeRange();
        if (v < range[0] || v > range[1]) {
          return outOfRange(Long.toString(v), col, in, where, range(in));
        }
        buf.putIntegral(slot, c, v);
      }
      case FLOAT16 -> {
        float half = Fp16Conversions.fp16ToFloat(Fp16Conversions.floatToFp16(v));
        if (Math.abs((double) v) > 65504) {
          return outOfRange(Long.toString(v), col, in, where, range(in));
        }
        if ((long) half != v) {
          return inexact(Long.toString(v), new BigDecimal(half).toPlainString(), col, in, where);
        }
        buf.putIntegral(slot, c, v);
      }
      case INT32 -> {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          return outOfRange(Long.toString(v), col, in, where, "-2147483648 to 2147483647");
        }
        buf.putInt(slot, c, (int) v);
      }
      case FLOAT -> {
        float f = v;
        if (f == 0x1p63f || (long) f != v) {
          return inexact(Long.toString(v), new BigDecimal(f).toPlainString(), col, in, where);
        }
        buf.putFloat(slot, c, f);
      }
      case DOUBLE -> {
        double d = v;
        if (d == 0x1p63 || (long) d != v) {
          return inexact(Long.toString(v), new BigDecimal(d).toPlainString(), col, in, where);
        }
        buf.putDouble(slot, c, d);
      }
      default -> throw new IllegalStateException("unsupported tensor type " + in.type());
    }
    return null;
  }

  /**
   * Writes an exact decimal value (a DECIMAL column, a number held as text): a whole value as
   * {@link #whole} does; a fraction into an integer input is refused, into a float input it rounds
   * to the nearest float (a decimal fraction such as 0.2 has no exact binary form).
   */
  private static Rejection exact(
      TensorBuffer buf, int slot, int c, BigDecimal v, FeatureColumn col, FeatureInput in) {
    boolean whole = v.signum() == 0 || v.stripTrailingZeros().scale() <= 0;
    if (whole) {
      long l;
      try {
        l = v.longValueExact();
      } catch (ArithmeticException e) {
        if (in.integral() || in.type() == ai.onnxruntime.OnnxJavaType.FLOAT16) {
          return outOfRange(TextNumber.shorten(v.toPlainString()), col, in, "", range(in));
        }
        // Beyond a long: exact only if the float type holds this very value.
        double d = in.type() == ai.onnxruntime.OnnxJavaType.FLOAT ? v.floatValue() : v.doubleValue();
        if (Double.isInfinite(d)) {
          return outOfRange(TextNumber.shorten(v.toString()), col, in, "", range(in));
        }
        if (new BigDecimal(d).compareTo(v) != 0) {
          return inexact(TextNumber.shorten(v.toPlainString()), new BigDecimal(d).toPlainString(), col, in, "");
        }
        buf.put(slot, c, d);
        return null;
      }
      return whole(buf, slot, c, l, col, in, "");
    }
    if (in.integral()) {
      return new Rejection(RejectReason.NOT_A_NUMBER, "column '" + col.name() + "' holds " + v.toPlainString()
          + ", model input '" + in.modelInput() + "' takes whole numbers of " + in.type());
    }
    if (in.type() == ai.onnxruntime.OnnxJavaType.FLOAT16) {
      double d = v.doubleValue();
      if (Math.abs(d) > 65504) {
        return outOfRange(TextNumber.shorten(v.toString()), col, in, "", range(in));
      }
      buf.put(slot, c, d);
    } else if (in.type() == ai.onnxruntime.OnnxJavaType.FLOAT) {
      float f = v.floatValue();
      if (Float.isInfinite(f)) {
        return outOfRange(TextNumber.shorten(v.toString()), col, in, "", range(in));
      }
      buf.putFloat(slot, c, f);
    } else {
      double d = v.doubleValue();
      if (Double.isInfinite(d)) {
        return outOfRange(TextNumber.shorten(v.toString()), col, in, "", range(in));
      }
      buf.putDouble(slot, c, d);
    }
    return null;
  }

  /** Writes a float or double column's value, once {@link #check}ed. */
  private Rejection real(
      TensorBuffer buf, int slot, int c, double v, FeatureColumn col, FeatureInput in, String where) {
    Rejection r = check(v, col, in, where);
    if (r != null) {
      return r;
    }
    buf.put(slot, c, v);
    return null;
  }

  private static String range(FeatureInput in) {
    return switch (in.type()) {
      case INT32 -> "-2147483648 to 2147483647";
      case INT64 -> "-9223372036854775808 to 9223372036854775807";
      case INT16, INT8, UINT8, BOOL -> in.wholeRange()[0] + " to " + in.wholeRange()[1];
      case FLOAT16 -> "magnitudes up to 65504";
      case FLOAT -> "magnitudes up to " + Float.MAX_VALUE;
      default -> "magnitudes up to " + Double.MAX_VALUE;
    };
  }

  private static Rejection outOfRange(String v, FeatureColumn col, FeatureInput in, String where, String range) {
    return new Rejection(RejectReason.OUT_OF_RANGE, "column '" + col.name() + "' holds " + v + where
        + ", outside the range of model input '" + in.modelInput() + "' (" + in.type() + ": " + range + ")");
  }

  private static Rejection inexact(String v, String becomes, FeatureColumn col, FeatureInput in, String where) {
    return new Rejection(RejectReason.INEXACT, "column '" + col.name() + "' holds " + v + where
        + ", which model input '" + in.modelInput() + "' (" + in.type() + ") cannot hold exactly (it would be "
        + becomes + ")");
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
      if (v != Math.rint(v)) {
        return new Rejection(RejectReason.NOT_A_NUMBER, "column '" + col.name() + "' holds " + v + where
            + ", model input '" + in.modelInput() + "' takes whole numbers of " + in.type());
      }
      // 2^63 is the first double above Long.MAX_VALUE; -2^63 is exactly Long.MIN_VALUE.
      boolean fits = in.type() == ai.onnxruntime.OnnxJavaType.INT64
          ? v >= -0x1p63 && v < 0x1p63
          : v >= in.wholeRange()[0] && v <= in.wholeRange()[1];
      if (!fits) {
        return outOfRange(new BigDecimal(v).toPlainString(), col, in, where, range(in));
      }
    } else if (in.type() == ai.onnxruntime.OnnxJavaType.FLOAT && Math.abs(v) > Float.MAX_VALUE) {
      return outOfRange(Double.toString(v), col, in, where, range(in));
    } else if (in.type() == ai.onnxruntime.OnnxJavaType.FLOAT16 && Math.abs(v) > 65504) {
      return outOfRange(Double.toString(v), col, in, where, range(in));
    }
    return null;
  }
}
