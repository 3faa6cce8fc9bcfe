package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataLocation;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the values of float32 tensors and builds the new int8, float16 and int64 tensors. */
final class TensorData {
  private TensorData() {}

  /**
   * The number of elements {@code dims} describe (1 for a scalar), or -1 if any is negative or the
   * count overflows an int.
   */
  static long elementCount(TensorProto tensor) {
    long count = 1;
    for (long dim : tensor.getDimsList()) {
      if (dim < 0) {
        return -1;
      }
      count *= dim;
      if (count > Integer.MAX_VALUE) {
        return -1;
      }
    }
    return count;
  }

  /** The bytes a tensor's values take in the model file (raw or typed fields). */
  static long storedBytes(TensorProto tensor) {
    return tensor.getRawData().size()
        + 4L * tensor.getFloatDataCount()
        + 4L * tensor.getInt32DataCount()
        + 8L * tensor.getInt64DataCount()
        + 8L * tensor.getDoubleDataCount()
        + 8L * tensor.getUint64DataCount();
  }

  /**
   * The values of a float32 tensor, from {@code raw_data} (little-endian) or {@code float_data}.
   */
  static float[] floats(TensorProto tensor) throws SkipTensor {
    if (tensor.getDataType() != DataType.FLOAT_VALUE) {
      throw new SkipTensor("not a float32 tensor");
    }
    if (tensor.getDataLocation() == DataLocation.EXTERNAL) {
      throw new SkipTensor("its data is in an external file");
    }
    if (tensor.hasSegment()) {
      throw new SkipTensor("it is one segment of a split tensor");
    }
    long count = elementCount(tensor);
    if (count < 0) {
      throw new SkipTensor(
          "its dims " + tensor.getDimsList() + " are negative or hold more than 2^31 elements");
    }
    float[] values = new float[(int) count];
    ByteString raw = tensor.getRawData();
    if (!raw.isEmpty()) {
      if (raw.size() != 4L * count) {
        throw new SkipTensor(
            "raw_data holds "
                + raw.size()
                + " bytes but dims "
                + tensor.getDimsList()
                + " need "
                + 4L * count);
      }
      raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return values;
    }
    if (tensor.getFloatDataCount() != count) {
      throw new SkipTensor(
          "float_data holds "
              + tensor.getFloatDataCount()
              + " values but dims "
              + tensor.getDimsList()
              + " need "
              + count);
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = tensor.getFloatData(i);
    }
    return values;
  }

  /** A float32 tensor stored as raw little-endian bytes. */
  static TensorProto floatTensor(String name, long[] dims, float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return tensor(name, DataType.FLOAT, dims, ByteString.copyFrom(buffer.array()));
  }

  /** An int8 tensor. */
  static TensorProto int8Tensor(String name, long[] dims, byte[] values) {
    return tensor(name, DataType.INT8, dims, ByteString.copyFrom(values));
  }

  /** A uint8 tensor. */
  static TensorProto uint8Tensor(String name, long[] dims, byte[] values) {
    return tensor(name, DataType.UINT8, dims, ByteString.copyFrom(values));
  }

  /** A float16 tensor from float16 bits, stored as raw little-endian bytes. */
  static TensorProto float16Tensor(String name, long[] dims, short[] bits) {
    ByteBuffer buffer = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asShortBuffer().put(bits);
    return tensor(name, DataType.FLOAT16, dims, ByteString.copyFrom(buffer.array()));
  }

  /** A 1-D int64 tensor, as opset 13 wants for axes and split sizes. */
  static TensorProto int64Vector(String name, java.util.List<Long> values) {
    ByteBuffer buffer = ByteBuffer.allocate(8 * values.size()).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(buffer::putLong);
    return tensor(
        name, DataType.INT64, new long[] {values.size()}, ByteString.copyFrom(buffer.array()));
  }

  private static TensorProto tensor(String name, DataType type, long[] dims, ByteString raw) {
    TensorProto.Builder builder =
        TensorProto.newBuilder().setName(name).setDataType(type.getNumber()).setRawData(raw);
    for (long dim : dims) {
      builder.addDims(dim);
    }
    return builder.build();
  }

  /** The dims of a tensor as an array. */
  static long[] dims(TensorProto tensor) {
    return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** A readable name for an ONNX tensor data type number. */
  static String typeName(int dataType) {
    DataType type = DataType.forNumber(dataType);
    return type == null ? "data type " + dataType : type.name();
  }
}
