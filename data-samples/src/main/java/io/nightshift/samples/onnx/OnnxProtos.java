package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Small builders over Tribuo's copy of the ONNX protobuf classes ({@link OnnxMl}). */
final class OnnxProtos {
  private OnnxProtos() {}

  /** ONNX IR version 8 is the one that goes with opset 17. */
  static final long IR_VERSION = 8;

  static final long OPSET = 17;

  static final String PRODUCER = "nightshift-data-samples";

  /** The symbolic name of the dynamic batch dimension. */
  static final String BATCH = "N";

  /** A float tensor with its values as little-endian raw data (what ONNX requires of raw_data). */
  static OnnxMl.TensorProto floatTensor(String name, long[] dims, float[] values) {
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    OnnxMl.TensorProto.Builder tensor =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(bytes.array()));
    for (long d : dims) {
      tensor.addDims(d);
    }
    return tensor.build();
  }

  /**
   * A graph input or output of element type {@code elemType}; each dimension is either a {@link
   * Long} (fixed) or a {@link String} (symbolic, e.g. {@link #BATCH}).
   */
  static OnnxMl.ValueInfoProto valueInfo(
      String name, OnnxMl.TensorProto.DataType elemType, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim =
          OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Long) {
        dim.setDimValue((Long) d);
      } else if (d instanceof String) {
        dim.setDimParam((String) d);
      } else {
        throw new IllegalArgumentException("a dimension is a Long or a String, not " + d);
      }
      shape.addDim(dim);
    }
    OnnxMl.TypeProto type =
        OnnxMl.TypeProto.newBuilder()
            .setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder()
                    .setElemType(elemType.getNumber())
                    .setShape(shape))
            .build();
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  /** A node of the default (ai.onnx) domain. */
  static OnnxMl.NodeProto.Builder node(
      String opType, String name, List<String> inputs, List<String> outputs) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(opType)
        .setName(name)
        .addAllInput(inputs)
        .addAllOutput(outputs);
  }

  static OnnxMl.AttributeProto intAttribute(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** A model around {@code graph}, importing the default domain at {@link #OPSET}. */
  static OnnxMl.ModelProto model(OnnxMl.GraphProto graph, String docString) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName(PRODUCER)
        .setDomain("io.nightshift.samples")
        .setModelVersion(1)
        .setDocString(docString)
        .setGraph(graph)
        .build();
  }
}
