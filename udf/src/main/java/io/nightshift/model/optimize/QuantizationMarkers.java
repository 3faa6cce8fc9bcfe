package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds what shows a model is quantized already: quantization operators (ONNX's and ONNX Runtime's
 * {@code com.microsoft} ones) or initializers of an 8-bit or narrower integer or float8 type.
 * Optimizing such a model again would quantize twice, so the optimizer keeps it as it is.
 */
final class QuantizationMarkers {
  private static final Set<String> QUANTIZED_OPS =
      Set.of(
          "QuantizeLinear",
          "DequantizeLinear",
          "DynamicQuantizeLinear",
          "MatMulInteger",
          "ConvInteger",
          // ONNX Runtime contrib operators (domain com.microsoft).
          "DynamicQuantizeMatMul",
          "MatMulIntegerToFloat",
          "QGemm",
          "QAttention",
          "QEmbedLayerNormalization",
          "MatMulNBits",
          "MatMulBnb4",
          "GatherBlockQuantized",
          "QuantizeBFP",
          "DequantizeBFP");

  private static final Set<Integer> QUANTIZED_TYPES =
      Set.of(
          DataType.INT8_VALUE,
          DataType.UINT8_VALUE,
          DataType.INT4_VALUE,
          DataType.UINT4_VALUE,
          DataType.FLOAT8E4M3FN_VALUE,
          DataType.FLOAT8E4M3FNUZ_VALUE,
          DataType.FLOAT8E5M2_VALUE,
          DataType.FLOAT8E5M2FNUZ_VALUE);

  /** Stop after this many markers: the report needs a few examples, not all of them. */
  private static final int MAX_MARKERS = 5;

  private QuantizationMarkers() {}

  /**
   * Operators that quantize activations with a range computed from the whole tensor they are given
   * when they run, so one row's result depends on the rows run with it.
   */
  private static final Set<String> BATCH_DEPENDENT_OPS =
      Set.of("DynamicQuantizeLinear", "DynamicQuantizeMatMul", "DynamicQuantizeLSTM");

  /** The first batch-dependent node (main graph or subgraph), described, or empty. */
  static java.util.Optional<String> batchDependent(ModelProto model) {
    List<GraphProto> graphs = new ArrayList<>();
    graphs.add(model.getGraph());
    graphs.addAll(Subgraphs.nestedIn(model.getGraph()));
    for (GraphProto graph : graphs) {
      for (NodeProto node : graph.getNodeList()) {
        if (BATCH_DEPENDENT_OPS.contains(node.getOpType())) {
          return java.util.Optional.of(node.getOpType() + " node '" + node.getName() + "'");
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** Up to a few markers, each described for people; empty if the model looks unquantized. */
  static List<String> find(ModelProto model) {
    List<String> markers = new ArrayList<>();
    List<GraphProto> graphs = new ArrayList<>();
    graphs.add(model.getGraph());
    graphs.addAll(Subgraphs.nestedIn(model.getGraph()));
    for (GraphProto graph : graphs) {
      for (NodeProto node : graph.getNodeList()) {
        if (QUANTIZED_OPS.contains(node.getOpType()) || node.getOpType().startsWith("QLinear")) {
          markers.add(node.getOpType() + " node '" + node.getName() + "'");
        }
      }
      for (TensorProto tensor : graph.getInitializerList()) {
        if (QUANTIZED_TYPES.contains(tensor.getDataType())) {
          markers.add(
              TensorData.typeName(tensor.getDataType())
                  + " initializer '"
                  + tensor.getName()
                  + "'");
        }
      }
    }
    return markers.size() > MAX_MARKERS ? List.copyOf(markers.subList(0, MAX_MARKERS)) : markers;
  }
}
