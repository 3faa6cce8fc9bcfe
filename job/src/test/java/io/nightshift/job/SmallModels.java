package io.nightshift.job;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper: one-node ONNX models written with the ONNX protobuf classes, for the row-path tests
 * (identity, sqrt, doubling), with the element types and shapes each case needs. A dimension is a
 * Long (fixed) or a String (symbolic).
 */
public final class SmallModels {
  private SmallModels() {}

  static OnnxMl.ValueInfoProto value(String name, DataType type, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Long l) {
        dim.setDimValue(l);
      } else {
        dim.setDimParam((String) d);
      }
      shape.addDim(dim);
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
            OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  /** {@code y = op(x)} for a one-input operator (Identity, Sqrt), x and y of {@code type} and {@code dims}. */
  public static Path unary(Path file, String op, DataType type, Object... dims) throws Exception {
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName(op.toLowerCase())
        .addInput(value("x", type, dims))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName("op").addInput("x").addOutput("y"))
        .addOutput(value("y", type, dims))
        .build();
    return write(file, graph);
  }

  /** {@code y = 2x}, float, x and y of {@code dims}. */
  public static Path doubling(Path file, Object... dims) throws Exception {
    ByteBuffer two = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2f);
    OnnxMl.TensorProto c = OnnxMl.TensorProto.newBuilder().setName("two")
        .setDataType(DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(two.array())).build();
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("doubling")
        .addInput(value("x", DataType.FLOAT, dims))
        .addInitializer(c)
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Mul").setName("mul").addAllInput(List.of("x", "two"))
            .addOutput("y"))
        .addOutput(value("y", DataType.FLOAT, dims))
        .build();
    return write(file, graph);
  }

  private static Path write(Path file, OnnxMl.GraphProto graph) throws Exception {
    OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setProducerName("nightshift-tests")
        .setGraph(graph)
        .build();
    Files.createDirectories(file.getParent());
    Files.write(file, model.toByteArray());
    return file;
  }
}
