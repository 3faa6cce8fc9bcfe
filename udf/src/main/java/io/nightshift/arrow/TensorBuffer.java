package io.nightshift.arrow;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.nightshift.NightshiftException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import ai.onnxruntime.platform.Fp16Conversions;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Off-heap storage for one model input of one batch, row-major [rows, width], in Arrow memory
 * from a task's allocator. {@link #tensor} wraps a range of rows as an {@link OnnxTensor} over the
 * same memory: ONNX Runtime reads it in place, no copy. Reused batch after batch; grows when a
 * batch needs more. Not thread-safe: one per task. Close it (and every tensor made from it first).
 */
public final class TensorBuffer implements AutoCloseable {
  private final BufferAllocator allocator;
  private final OnnxJavaType type;
  private final int elementSize;
  private ArrowBuf buf;
  /** A string input's values, row-major (ONNX Runtime copies strings in; they have no Arrow form). */
  private String[] strings;
  private int width;
  /** The rows this buffer was made for: a reshape keeps room for at least these. */
  private final int rows;

  public TensorBuffer(BufferAllocator allocator, OnnxJavaType type, int rows, int width) {
    this.allocator = allocator;
    this.type = type;
    this.elementSize = elementSize(type);
    this.width = width;
    this.rows = Math.max(1, rows);
    this.buf = allocator.buffer((long) Math.max(1, rows) * Math.max(1, width) * elementSize);
    if (type == OnnxJavaType.STRING) {
      this.strings = new String[Math.max(1, rows) * Math.max(1, width)];
    }
  }

  /** The tensor element type. */
  public OnnxJavaType type() {
    return type;
  }

  /** Values per row. */
  public int width() {
    return width;
  }

  /**
   * Sets the row width for the next batch (variable-length inputs), growing the buffer if needed
   * (its content is then lost), with room for {@code rows} rows and at least those it was made for.
   */
  public void reshape(int rows, int newWidth) {
    this.width = newWidth;
    int room = Math.max(rows, this.rows);
    ensureCapacity((long) room * newWidth * elementSize);
    if (strings != null && strings.length < room * newWidth) {
      strings = new String[room * newWidth];
    }
  }

  private void ensureCapacity(long bytes) {
    if (buf.capacity() < bytes) {
      ArrowBuf bigger = allocator.buffer(Math.max(bytes, buf.capacity() * 2));
      buf.close();
      buf = bigger;
    }
  }

  public void putFloat(int row, int col, float v) {
    buf.setFloat(((long) row * width + col) * 4L, v);
  }

  public void putDouble(int row, int col, double v) {
    buf.setDouble(((long) row * width + col) * 8L, v);
  }

  public void putLong(int row, int col, long v) {
    buf.setLong(((long) row * width + col) * 8L, v);
  }

  /** Sets a string input's value at ({@code row}, {@code col}). */
  public void putString(int row, int col, String v) {
    strings[row * width + col] = v;
  }

  public void putInt(int row, int col, int v) {
    buf.setInt(((long) row * width + col) * 4L, v);
  }

  /**
   * Copies {@code rows} whole rows of a float buffer from {@code src} (row-major, from its start)
   * into rows [row, row + rows), in one memory copy.
   */
  public void putFloats(int row, float[] src, int rows) {
    if (type != OnnxJavaType.FLOAT) {
      throw new IllegalStateException("putFloats on a " + type + " buffer");
    }
    if (rows == 0) {
      return;
    }
    long start = (long) row * width * 4L;
    int values = rows * width;
    buf.nioBuffer(start, values * 4).order(ByteOrder.nativeOrder()).asFloatBuffer().put(src, 0, values);
  }

  /** Copies row {@code from} over row {@code to} (different rows). */
  public void moveRow(int from, int to) {
    if (strings != null) {
      System.arraycopy(strings, from * width, strings, to * width, width);
      return;
    }
    long rowBytes = (long) width * elementSize;
    buf.setBytes(to * rowBytes, buf, from * rowBytes, rowBytes);
  }

  /** The float at ({@code row}, {@code col}) of a float buffer. */
  public float getFloat(int row, int col) {
    return buf.getFloat(((long) row * width + col) * 4L);
  }

  /** Sets a one-byte element (bool, int8, uint8: the caller checked the range). */
  public void putByte(int row, int col, byte v) {
    buf.setByte((long) row * width + col, v);
  }

  /** Sets a two-byte element (int16, or float16 bits). */
  public void putShort(int row, int col, short v) {
    buf.setShort(((long) row * width + col) * 2L, v);
  }

  /** Writes {@code v} converted to this buffer's element type. */
  public void put(int row, int col, double v) {
    switch (type) {
      case FLOAT -> putFloat(row, col, (float) v);
      case FLOAT16 -> putShort(row, col, Fp16Conversions.floatToFp16((float) v));
      case INT8, UINT8, BOOL -> putByte(row, col, (byte) (long) v);
      case INT16 -> putShort(row, col, (short) (long) v);
      case DOUBLE -> putDouble(row, col, v);
      case INT64 -> putLong(row, col, (long) v);
      case INT32 -> putInt(row, col, (int) v);
      default -> throw new IllegalStateException("unsupported tensor type " + type);
    }
  }

  /** Writes an integer value converted to this buffer's element type (no float rounding). */
  public void putIntegral(int row, int col, long v) {
    switch (type) {
      case FLOAT -> putFloat(row, col, v);
      case DOUBLE -> putDouble(row, col, v);
      case INT64 -> putLong(row, col, v);
      case INT32 -> putInt(row, col, Math.toIntExact(v));
      case INT8, UINT8, BOOL -> putByte(row, col, (byte) v);
      case INT16 -> putShort(row, col, (short) v);
      case FLOAT16 -> putShort(row, col, Fp16Conversions.floatToFp16(v));
      default -> throw new IllegalStateException("unsupported tensor type " + type);
    }
  }

  /**
   * A tensor over rows [from, to) with shape {@code [to - from, dims...]} (dims multiply to the
   * width). The caller closes the tensor before this buffer is written again or closed.
   */
  public OnnxTensor tensor(OrtEnvironment env, int from, int to, long[] dimsAfterBatch) {
    long start = (long) from * width * elementSize;
    long length = (long) (to - from) * width * elementSize;
    long[] shape = new long[dimsAfterBatch.length + 1];
    shape[0] = to - from;
    System.arraycopy(dimsAfterBatch, 0, shape, 1, dimsAfterBatch.length);
    try {
      ByteBuffer bytes = type == OnnxJavaType.STRING ? null : buf.nioBuffer(start, (int) length).order(ByteOrder.nativeOrder());
      if (type == OnnxJavaType.STRING) {
        return OnnxTensor.createTensor(env, java.util.Arrays.copyOfRange(strings, from * width, to * width), shape);
      }
      return switch (type) {
        case FLOAT -> OnnxTensor.createTensor(env, bytes.asFloatBuffer(), shape);
        case DOUBLE -> OnnxTensor.createTensor(env, bytes.asDoubleBuffer(), shape);
        case INT64 -> OnnxTensor.createTensor(env, bytes.asLongBuffer(), shape);
        case INT32 -> OnnxTensor.createTensor(env, bytes.asIntBuffer(), shape);
        case INT8 -> OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.INT8);
        case UINT8 -> OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.UINT8);
        case BOOL -> OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BOOL);
        case INT16 -> OnnxTensor.createTensor(env, bytes.asShortBuffer(), shape, OnnxJavaType.INT16);
        case FLOAT16 -> OnnxTensor.createTensor(env, bytes.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
        default -> throw new IllegalStateException("unsupported tensor type " + type);
      };
    } catch (OrtException e) {
      throw new NightshiftException(e, "cannot create a %s tensor of shape %s: %s",
          type, java.util.Arrays.toString(shape), e.getMessage());
    }
  }

  /** Whether {@code type} can be fed from numeric columns. */
  public static boolean supports(OnnxJavaType type) {
    return type == OnnxJavaType.FLOAT
        || type == OnnxJavaType.DOUBLE
        || type == OnnxJavaType.INT64
        || type == OnnxJavaType.INT32
        || type == OnnxJavaType.INT16
        || type == OnnxJavaType.INT8
        || type == OnnxJavaType.UINT8
        || type == OnnxJavaType.BOOL
        || type == OnnxJavaType.FLOAT16;
  }

  private static int elementSize(OnnxJavaType type) {
    return switch (type) {
      case STRING -> 0;
      case BOOL, INT8, UINT8 -> 1;
      case INT16, FLOAT16 -> 2;
      case FLOAT, INT32 -> 4;
      case DOUBLE, INT64 -> 8;
      default -> throw new IllegalArgumentException("unsupported tensor type " + type);
    };
  }

  @Override
  public void close() {
    buf.close();
  }
}
