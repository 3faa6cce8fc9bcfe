package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.nightshift.model.optimize.GraphUses.Use;
import io.nightshift.model.optimize.OptimizeReport.Converted;
import io.nightshift.model.optimize.OptimizeReport.Skipped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weight-only int8 quantization of a model's main graph.
 *
 * <p>A float32 initializer of at least {@code minElements} values is quantized when every node that
 * reads it reads it as a weight: input B of {@code MatMul} (2-D), input B of {@code Gemm} ({@code
 * transB} aware), or the table (input 0) of {@code Gather}. Gather is there because the embedding
 * table is the largest tensor of a text model; gathering rows of the dequantized table is exact row
 * by row. The initializer is replaced by an int8 tensor, a float32 scale per output channel (per
 * gathered slice for Gather) and an int8 zero point, and a {@code DequantizeLinear} node (opset 13,
 * {@code axis}) whose output keeps the initializer's name, so every reader, however many, gets the
 * float32 weight unchanged in shape; the model is upgraded to opset 13 if needed (see {@link
 * OpsetUpgrade}).
 *
 * <p>Symmetric quantization (zero point 0, values in [-127, 127], scale = max|w| / 127 per
 * channel): trained weights are close to zero-centred, so an offset buys almost no resolution,
 * while a zero point of 0 keeps 0 exact and is the form int8 GEMM kernels (ORT, TensorRT) take for
 * weights; -128 is left out so that w and -w quantize alike.
 *
 * <p>Left as they are, each with its reason: non-float32 tensors, tensors below the size threshold,
 * graph inputs (a caller may feed them), graph outputs, tensors read from a subgraph, tensors read
 * in any other way or by readers wanting different channel axes, tensors holding NaN or infinity,
 * and initializers of subgraphs. Activations stay float32, so results of a row never depend on its
 * batch. Stateless and thread-safe.
 */
final class Int8WeightQuantizer {
  /** Above this relative error of one input feature's weights, scales go per input feature. */
  private static final double MAX_FEATURE_ERROR = 0.05;

  private final int minElements;

  Int8WeightQuantizer(int minElements) {
    this.minElements = minElements;
  }

  /** One initializer quantized, before it goes into the graph. */
  private record Quantized(
      int axis, String readers, byte[] values, float[] scales, double maxAbsError) {}

  Rewrite apply(ModelProto model, String source) {
    GraphProto graph = model.getGraph();
    GraphUses uses = GraphUses.of(graph);
    Map<String, Quantized> quantized = new LinkedHashMap<>();
    List<Skipped> skipped = new ArrayList<>();
    for (TensorProto tensor : graph.getInitializerList()) {
      try {
        quantized.put(tensor.getName(), quantize(tensor, uses));
      } catch (SkipTensor e) {
        skipped.add(new Skipped(tensor.getName(), e.getMessage()));
      }
    }
    skipped.addAll(Rewrite.subgraphInitializers(graph));
    if (quantized.isEmpty()) {
      return new Rewrite(model, List.of(), skipped, List.of());
    }

    List<String> notes = new ArrayList<>();
    NameScope names = NameScope.of(graph);
    ModelProto upgraded = OpsetUpgrade.to13(model, names, source, notes);
    GraphProto upgradedGraph = upgraded.getGraph();
    GraphProto.Builder builder = upgradedGraph.toBuilder().clearInitializer().clearNode();
    List<NodeProto> dequantizers = new ArrayList<>();
    List<Converted> converted = new ArrayList<>();
    for (TensorProto tensor : upgradedGraph.getInitializerList()) {
      Quantized q = quantized.get(tensor.getName());
      if (q == null) {
        builder.addInitializer(tensor);
        continue;
      }
      String name = tensor.getName();
      String valuesName = names.fresh(name + "_int8");
      String scaleName = names.fresh(name + "_scale");
      String zeroPointName = names.fresh(name + "_zero_point");
      long[] channels = {q.scales().length};
      builder.addInitializer(
          TensorData.int8Tensor(valuesName, TensorData.dims(tensor), q.values()));
      builder.addInitializer(TensorData.floatTensor(scaleName, channels, q.scales()));
      builder.addInitializer(
          TensorData.int8Tensor(zeroPointName, channels, new byte[q.scales().length]));
      dequantizers.add(
          NodeProto.newBuilder()
              .setName(names.fresh(name + "_dequantize"))
              .setOpType("DequantizeLinear")
              .addInput(valuesName)
              .addInput(scaleName)
              .addInput(zeroPointName)
              .addOutput(name) // readers keep reading the name they always read
              .addAttribute(OpsetUpgrade.intAttribute("axis", q.axis()))
              .build());
      converted.add(
          new Converted(
              name,
              tensor.getDimsList(),
              String.format(
                  "int8, symmetric scale per channel on axis %d, read as %s",
                  q.axis(), q.readers()),
              TensorData.storedBytes(tensor),
              q.values().length + 5L * q.scales().length,
              q.maxAbsError()));
    }
    // Dequantizers read only initializers, so placing them first keeps the nodes topologically
    // sorted.
    builder.addAllNode(dequantizers).addAllNode(upgradedGraph.getNodeList());
    return new Rewrite(upgraded.toBuilder().setGraph(builder).build(), converted, skipped, notes);
  }

  private Quantized quantize(TensorProto tensor, GraphUses uses) throws SkipTensor {
    String name = tensor.getName();
    if (tensor.getDataType() != DataType.FLOAT_VALUE) {
      throw new SkipTensor(TensorData.typeName(tensor.getDataType()) + ", not float32");
    }
    SymmetricInt8.checkUse(tensor, uses, minElements);
    List<Use> readers = uses.consumers(name);
    if (readers.isEmpty()) {
      throw new SkipTensor("not read by any node");
    }
    int rank = tensor.getDimsCount();
    int axis = -1;
    Set<String> kinds = new LinkedHashSet<>();
    for (Use use : readers) {
      int wanted = channelAxis(use, rank);
      if (axis >= 0 && wanted != axis) {
        throw new SkipTensor(
            "shared by readers wanting scales on different axes (" + axis + " and " + wanted + ")");
      }
      axis = wanted;
      kinds.add(use.node().getOpType() + " input " + use.inputIndex());
    }
    float[] values = SymmetricInt8.finiteFloats(tensor);
    String readBy =
        String.join(", ", kinds) + (readers.size() > 1 ? " by " + readers.size() + " nodes" : "");
    Quantized perOutput = quantizeAlong(tensor, values, axis, readBy);
    if (rank != 2 || readers.stream().anyMatch(u -> u.node().getOpType().equals("Gather"))) {
      return perOutput;
    }
    // One scale per output channel is shared by every input feature. When features have very
    // different scales (raw tabular columns such as grams next to millimetres) the weights of the
    // large-valued features are tiny and round to nothing, and the error is multiplied by the
    // large inputs. Then one scale per input feature (the other axis) is used: it is as valid for a
    // weight-only DequantizeLinear, and keeps every feature's weights to within 1/127 of their own
    // largest value.
    int inputAxis = 1 - axis;
    double worstOutput = worstSliceError(values, TensorData.dims(tensor), perOutput, inputAxis);
    if (worstOutput <= MAX_FEATURE_ERROR) {
      return perOutput;
    }
    Quantized perInput = quantizeAlong(tensor, values, inputAxis, readBy);
    double worstInput = worstSliceError(values, TensorData.dims(tensor), perInput, inputAxis);
    return worstInput < worstOutput ? perInput : perOutput;
  }

  /**
   * The largest relative error of one input feature's weights: over the slices along {@code
   * sliceAxis} of a 2-D weight, sum |w - dequantized w| / sum |w|.
   */
  private static double worstSliceError(float[] values, long[] dims, Quantized q, int sliceAxis) {
    int cols = (int) dims[1];
    int slices = (int) dims[sliceAxis];
    double[] error = new double[slices];
    double[] mass = new double[slices];
    for (int i = 0; i < values.length; i++) {
      int r = i / cols;
      int c = i % cols;
      float scale = q.scales()[q.axis() == 0 ? r : c];
      int slice = sliceAxis == 0 ? r : c;
      error[slice] += Math.abs(values[i] - q.values()[i] * scale);
      mass[slice] += Math.abs(values[i]);
    }
    double worst = 0;
    for (int k = 0; k < slices; k++) {
      if (mass[k] > 0) {
        worst = Math.max(worst, error[k] / mass[k]);
      }
    }
    return worst;
  }

  /** The axis a reader needs one scale per index of, or a reason to skip. */
  private static int channelAxis(Use use, int rank) throws SkipTensor {
    NodeProto node = use.node();
    if (OpsetUpgrade.isDefaultDomain(node.getDomain())) {
      switch (node.getOpType()) {
        case "MatMul":
          if (use.inputIndex() == 1 && rank == 2) {
            return 1; // B is [K, N]: one scale per output column
          }
          if (use.inputIndex() == 1) {
            throw new SkipTensor(
                "MatMul weight of rank " + rank + "; only 2-D weights get per-channel scales");
          }
          break;
        case "Gemm":
          if (use.inputIndex() == 1 && rank == 2) {
            return intAttribute(node, "transB", 0) != 0 ? 0 : 1; // B is [N, K] when transposed
          }
          break;
        case "Gather":
          if (use.inputIndex() == 0 && rank >= 1) {
            long axis = intAttribute(node, "axis", 0);
            return (int) (axis < 0 ? axis + rank : axis); // one scale per gathered slice
          }
          break;
        default:
          break;
      }
    }
    throw new SkipTensor(
        "read as "
            + use.describe()
            + "; only MatMul and Gemm weights (B) and Gather tables are quantized");
  }

  private static long intAttribute(NodeProto node, String name, long fallback) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return attribute.getI();
      }
    }
    return fallback;
  }

  /** Symmetric int8 with one scale per index of {@code axis}. */
  private static Quantized quantizeAlong(
      TensorProto tensor, float[] values, int axis, String readers) {
    SymmetricInt8.Levels levels = SymmetricInt8.along(values, TensorData.dims(tensor), axis);
    return new Quantized(axis, readers, levels.values(), levels.scales(), levels.maxAbsError());
  }
}
