package io.nightshift.batch;

import ai.onnxruntime.OnnxJavaType;
import java.io.Serializable;
import java.util.List;

/**
 * One model input and the columns that feed it: N numeric columns as [batch, N], or one array
 * column as the row's vector. {@code width} is the values per row, or -1 when an array input's
 * length is dynamic (then the first row of each batch fixes it). {@code dims} are the tensor
 * dimensions after the batch one, with -1 standing for the width.
 */
public record FeatureInput(
    String modelInput, OnnxJavaType type, List<FeatureColumn> columns, int width, long[] dims)
    implements Serializable {

  /** Whether the model input holds whole numbers (int64, int32). */
  boolean integral() {
    return type == OnnxJavaType.INT64 || type == OnnxJavaType.INT32 || type == OnnxJavaType.INT16
        || type == OnnxJavaType.INT8 || type == OnnxJavaType.UINT8 || type == OnnxJavaType.BOOL;
  }

  /** The smallest and largest whole number an integer (or bool, as 0/1) input holds. */
  long[] wholeRange() {
    return switch (type) {
      case BOOL -> new long[] {0, 1};
      case UINT8 -> new long[] {0, 255};
      case INT8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
      case INT16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
      case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
      default -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
    };
  }

  public boolean arrayColumn() {
    return columns.size() == 1 && columns.get(0).kind().isArray();
  }

  /** The dims for a batch whose rows hold {@code rowWidth} values. */
  long[] dimsFor(int rowWidth) {
    long[] out = dims.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] < 0) {
        out[i] = rowWidth;
      }
    }
    return out;
  }
}
