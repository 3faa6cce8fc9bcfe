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

  /** The ONNX-ML operator domain (sklearn-onnx, onnxmltools), at the version they import. */
  static final String ML_DOMAIN = "ai.onnx.ml";

  static final long ML_OPSET = 3;

  /** An int64 tensor (e.g. a Reshape's shape). */
  static OnnxMl.TensorProto int64Tensor(String name, long[] dims, long[] values) {
    OnnxMl.TensorProto.Builder tensor =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber());
    for (long v : values) {
      tensor.addInt64Data(v);
    }
    for (long d : dims) {
      tensor.addDims(d);
    }
    return tensor.build();
  }

  /**
   * A graph output holding a sequence of maps from {@code keyType} to float, one map per row: what
   * a ZipMap node makes of class probabilities.
   */
  static OnnxMl.ValueInfoProto sequenceOfMaps(String name, OnnxMl.TensorProto.DataType keyType) {
    OnnxMl.TypeProto value =
        OnnxMl.TypeProto.newBuilder()
            .setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder()
                    .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))
            .build();
    OnnxMl.TypeProto map =
        OnnxMl.TypeProto.newBuilder()
            .setMapType(
                OnnxMl.TypeProto.Map.newBuilder().setKeyType(keyType.getNumber()).setValueType(value))
            .build();
    OnnxMl.TypeProto sequence =
        OnnxMl.TypeProto.newBuilder()
            .setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder().setElemType(map))
            .build();
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(sequence).build();
  }

  /** A node of the ONNX-ML domain. */
  static OnnxMl.NodeProto.Builder mlNode(
      String opType, String name, List<String> inputs, List<String> outputs) {
    return node(opType, name, inputs, outputs).setDomain(ML_DOMAIN);
  }

  static OnnxMl.AttributeProto floatsAttribute(String name, float... values) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      a.addFloats(v);
    }
    return a.build();
  }

  static OnnxMl.AttributeProto intsAttribute(String name, long... values) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static OnnxMl.AttributeProto stringAttribute(String name, String value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  static OnnxMl.AttributeProto stringsAttribute(String name, List<String> values) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
    for (String v : values) {
      a.addStrings(ByteString.copyFromUtf8(v));
    }
    return a.build();
  }

  /** A model around {@code graph} importing the default domain and the ONNX-ML domain. */
  static OnnxMl.ModelProto mlModel(OnnxMl.GraphProto graph, String docString) {
    return model(graph, docString).toBuilder()
        .addOpsetImport(
            OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_OPSET))
        .build();
  }

  /** Writes {@code model} to {@code file} through {@link io.nightshift.samples.OutputFiles}. */
  static void write(java.nio.file.Path file, OnnxMl.ModelProto model) {
    io.nightshift.samples.OutputFiles.write(
        file,
        f -> {
          try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(f)) {
            model.writeTo(out);
          }
        });
  }
}
