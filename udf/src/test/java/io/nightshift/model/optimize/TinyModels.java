package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test helper: builds small ONNX graphs with the protobuf classes and runs them in ONNX Runtime.
 */
final class TinyModels {
  private TinyModels() {}

  static ValueInfoProto value(String name, TensorProto.DataType type, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long dim : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  static ValueInfoProto floats(String name, long... dims) {
    return value(name, TensorProto.DataType.FLOAT, dims);
  }

  /** A float initializer of values uniform in [-0.5, 0.5), from {@code seed}. */
  static TensorProto weight(String name, long seed, long... dims) {
    int count = 1;
    for (long dim : dims) {
      count *= (int) dim;
    }
    Random random = new Random(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = random.nextFloat() - 0.5f;
    }
    return TensorData.floatTensor(name, dims, values);
  }

  static NodeProto node(
      String op,
      String name,
      List<String> inputs,
      List<String> outputs,
      AttributeProto... attributes) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(inputs)
        .addAllOutput(outputs)
        .addAllAttribute(List.of(attributes))
        .build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder builder =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long value : values) {
      builder.addInts(value);
    }
    return builder.build();
  }

  static AttributeProto integer(String name, long value) {
    return OpsetUpgrade.intAttribute(name, value);
  }

  static AttributeProto graph(String name, GraphProto graph) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(graph)
        .build();
  }

  static ModelProto model(int opset, GraphProto graph) {
    return ModelProto.newBuilder()
        .setIrVersion(opset >= 13 ? 7 : 6)
        .setProducerName("nightshift-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph)
        .build();
  }

  /**
   * Runs a model (bytes or a path) on float and int64 inputs and returns every output, flattened.
   */
  static Map<String, float[]> run(Object model, Map<String, Object> inputs) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session =
          model instanceof byte[] bytes
              ? env.createSession(bytes, options)
              : env.createSession(model.toString(), options)) {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
          for (Map.Entry<String, Object> input : inputs.entrySet()) {
            tensors.put(input.getKey(), OnnxTensor.createTensor(env, input.getValue()));
          }
          Map<String, float[]> outputs = new LinkedHashMap<>();
          try (OrtSession.Result result = session.run(tensors)) {
            for (Map.Entry<String, OnnxValue> output : result) {
              FloatBuffer buffer = ((OnnxTensor) output.getValue()).getFloatBuffer();
              float[] values = new float[buffer.remaining()];
              buffer.get(values);
              outputs.put(output.getKey(), values);
            }
          }
          return outputs;
        } finally {
          for (OnnxTensor tensor : tensors.values()) {
            tensor.close();
          }
        }
      }
    }
  }

  /** The largest absolute difference between two arrays of the same length. */
  static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static double maxAbs(float[] a) {
    double max = 0;
    for (float v : a) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
