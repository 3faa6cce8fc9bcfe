package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.nightshift.NightshiftException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Raises a model's default-domain opset from 10, 11 or 12 to 13, the first with per-axis {@code
 * DequantizeLinear}. Only where that is known to keep the model's meaning:
 *
 * <ul>
 *   <li>operators whose opset-13 definition accepts the same inputs and attributes with the same
 *       meaning are kept as they are (the list below, from the ONNX operator changelog);
 *   <li>{@code Squeeze}, {@code Unsqueeze}, {@code ReduceSum} and {@code Split}, whose {@code axes}
 *       or {@code split} attribute became an input in 13, get that input as an int64 initializer;
 *   <li>{@code Softmax}, {@code LogSoftmax} and {@code Hardmax}, which before 13 flattened their
 *       input to 2-D at {@code axis}, become {@code Shape}, {@code Flatten}, the operator on the
 *       2-D tensor, and {@code Reshape} back: exactly the old meaning, whatever the input's rank;
 *   <li>any other operator, or an opset below 10, is refused with a message naming it.
 * </ul>
 *
 * Subgraphs are upgraded too, as they share the model's opset imports. Stateless.
 */
final class OpsetUpgrade {
  static final int TARGET = 13;
  private static final int LOWEST = 10;

  /**
   * Default-domain operators whose opset-13 definition keeps the meaning of every earlier version
   * from 11 on (changes were new types, new attributes with the old default, or negative axes).
   */
  private static final Set<String> UNCHANGED_FROM_11 =
      Set.of(
          "Abs",
          "Acos",
          "Acosh",
          "Add",
          "And",
          "ArgMax",
          "ArgMin",
          "Asin",
          "Asinh",
          "Atan",
          "Atanh",
          "AveragePool",
          "BatchNormalization",
          "BitShift",
          "Cast",
          "Ceil",
          "Celu",
          "Clip",
          "Compress",
          "Concat",
          "ConcatFromSequence",
          "Constant",
          "ConstantOfShape",
          "Conv",
          "ConvTranspose",
          "Cos",
          "Cosh",
          "CumSum",
          "DepthToSpace",
          "Det",
          "Div",
          "Einsum",
          "Elu",
          "Equal",
          "Erf",
          "Exp",
          "Expand",
          "EyeLike",
          "Flatten",
          "Floor",
          "GRU",
          "Gather",
          "GatherElements",
          "GatherND",
          "Gemm",
          "GlobalAveragePool",
          "GlobalLpPool",
          "GlobalMaxPool",
          "Greater",
          "GreaterOrEqual",
          "HardSigmoid",
          "Identity",
          "If",
          "InstanceNormalization",
          "IsInf",
          "IsNaN",
          "LRN",
          "LSTM",
          "LeakyRelu",
          "Less",
          "LessOrEqual",
          "Log",
          "Loop",
          "LpNormalization",
          "LpPool",
          "MatMul",
          "Max",
          "MaxPool",
          "MaxRoiPool",
          "MaxUnpool",
          "Mean",
          "MeanVarianceNormalization",
          "Min",
          "Mod",
          "Mul",
          "Neg",
          "NonMaxSuppression",
          "NonZero",
          "Not",
          "OneHot",
          "Or",
          "PRelu",
          "Pad",
          "Pow",
          "RNN",
          "Range",
          "Reciprocal",
          "ReduceL1",
          "ReduceL2",
          "ReduceLogSum",
          "ReduceLogSumExp",
          "ReduceMax",
          "ReduceMean",
          "ReduceMin",
          "ReduceProd",
          "ReduceSumSquare",
          "Relu",
          "Reshape",
          "ReverseSequence",
          "RoiAlign",
          "Round",
          "Scan",
          "ScatterElements",
          "ScatterND",
          "Selu",
          "SequenceAt",
          "SequenceConstruct",
          "SequenceEmpty",
          "SequenceErase",
          "SequenceInsert",
          "SequenceLength",
          "Shape",
          "Shrink",
          "Sigmoid",
          "Sign",
          "Sin",
          "Sinh",
          "Size",
          "Slice",
          "Softplus",
          "Softsign",
          "SpaceToDepth",
          "SplitToSequence",
          "Sqrt",
          "Sub",
          "Sum",
          "Tan",
          "Tanh",
          "ThresholdedRelu",
          "Tile",
          "TopK",
          "Transpose",
          "Unique",
          "Where",
          "Xor");

  /** Of those, the ones whose inputs changed in opset 11 (attributes became inputs). */
  private static final Set<String> CHANGED_IN_11 = Set.of("Clip", "Pad");

  /** Changed in opset 12: {@code ratio} became an input. */
  private static final Set<String> CHANGED_IN_12 = Set.of("Dropout");

  /** Operators whose attribute became an input in 13, and the attribute's name. */
  private static final Map<String, String> ATTRIBUTE_TO_INPUT =
      Map.of("Squeeze", "axes", "Unsqueeze", "axes", "ReduceSum", "axes", "Split", "split");

  /** Operators that flattened their input to 2-D before 13. */
  private static final Set<String> FLATTENING = Set.of("Softmax", "LogSoftmax", "Hardmax");

  private OpsetUpgrade() {}

  /** The default-domain opset version {@code model} imports, or -1 if it imports none. */
  static int defaultOpset(ModelProto model) {
    for (OperatorSetIdProto opset : model.getOpsetImportList()) {
      if (isDefaultDomain(opset.getDomain())) {
        return (int) opset.getVersion();
      }
    }
    return -1;
  }

  /**
   * {@code model} at default-domain opset 13 or later; unchanged if it is there already. Notes what
   * it changed into {@code notes}; fresh names come from {@code names}.
   *
   * @throws NightshiftException (invalid) if the upgrade cannot be made safely, naming the operator
   */
  static ModelProto to13(ModelProto model, NameScope names, String source, List<String> notes) {
    int from = defaultOpset(model);
    if (from >= TARGET) {
      return model;
    }
    ModelProto.Builder builder = model.toBuilder();
    if (from < 0) {
      // No default-domain operator can be in the model, so importing opset 13 changes nothing.
      builder.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(TARGET));
      notes.add("imported the default ONNX domain at opset " + TARGET + " for DequantizeLinear");
      return builder.setIrVersion(Math.max(model.getIrVersion(), 7)).build();
    }
    if (from < LOWEST) {
      throw NightshiftException.invalid(
          "%s: int8 needs per-channel DequantizeLinear (opset %d), and the model's opset %d is too"
              + " old to upgrade safely; re-export the model at opset %d or later",
          source, TARGET, from, TARGET);
    }
    Map<String, Integer> rewritten = new TreeMap<>();
    builder.setGraph(upgrade(model.getGraph(), from, names, rewritten, source));
    for (int i = 0; i < builder.getOpsetImportCount(); i++) {
      if (isDefaultDomain(builder.getOpsetImport(i).getDomain())) {
        builder.setOpsetImport(i, builder.getOpsetImport(i).toBuilder().setVersion(TARGET));
      }
    }
    // IR version 7 is the one released with opset 13.
    builder.setIrVersion(Math.max(model.getIrVersion(), 7));
    notes.add(
        String.format(
            "default-domain opset raised from %d to %d for per-channel DequantizeLinear; nodes"
                + " rewritten: %s",
            from, TARGET, rewritten.isEmpty() ? "none" : rewritten));
    return builder.build();
  }

  private static GraphProto upgrade(
      GraphProto graph, int from, NameScope names, Map<String, Integer> rewritten, String source) {
    GraphProto.Builder builder = graph.toBuilder().clearNode();
    for (NodeProto original : graph.getNodeList()) {
      NodeProto node = upgradeSubgraphs(original, from, names, rewritten, source);
      String op = node.getOpType();
      if (!isDefaultDomain(node.getDomain())) {
        builder.addNode(node);
      } else if (ATTRIBUTE_TO_INPUT.containsKey(op)) {
        attributeToInput(node, ATTRIBUTE_TO_INPUT.get(op), builder, names, rewritten);
      } else if (FLATTENING.contains(op)) {
        flattened(node, builder, names);
        rewritten.merge(op, 1, Integer::sum);
      } else if (keepsMeaning(op, from)) {
        builder.addNode(node);
      } else {
        throw NightshiftException.invalid(
            "%s: int8 needs per-channel DequantizeLinear (opset %d), but the model is opset %d and"
                + " its %s node '%s' is not known to keep its meaning at opset %d; re-export the"
                + " model at opset %d or later",
            source, TARGET, from, op, node.getName(), TARGET, TARGET);
      }
    }
    return builder.build();
  }

  private static boolean keepsMeaning(String op, int from) {
    if (CHANGED_IN_12.contains(op)) {
      return from >= 12;
    }
    return UNCHANGED_FROM_11.contains(op) && (from >= 11 || !CHANGED_IN_11.contains(op));
  }

  private static NodeProto upgradeSubgraphs(
      NodeProto node, int from, NameScope names, Map<String, Integer> rewritten, String source) {
    if (Subgraphs.of(node).isEmpty()) {
      return node;
    }
    NodeProto.Builder builder = node.toBuilder();
    for (int a = 0; a < builder.getAttributeCount(); a++) {
      AttributeProto attribute = builder.getAttribute(a);
      AttributeProto.Builder attributeBuilder = attribute.toBuilder();
      if (attribute.hasG()) {
        attributeBuilder.setG(upgrade(attribute.getG(), from, names, rewritten, source));
      }
      for (int g = 0; g < attribute.getGraphsCount(); g++) {
        attributeBuilder.setGraphs(
            g, upgrade(attribute.getGraphs(g), from, names, rewritten, source));
      }
      builder.setAttribute(a, attributeBuilder);
    }
    return builder.build();
  }

  /**
   * Moves an ints attribute into a new int64 initializer fed as input 1; without the attribute,
   * both versions mean the same.
   */
  private static void attributeToInput(
      NodeProto node,
      String attributeName,
      GraphProto.Builder graph,
      NameScope names,
      Map<String, Integer> rewritten) {
    int index = attributeIndex(node, attributeName);
    if (index < 0) {
      graph.addNode(node);
      return;
    }
    String tensorName = names.fresh(baseName(node) + "_" + attributeName);
    graph.addInitializer(
        TensorData.int64Vector(tensorName, node.getAttribute(index).getIntsList()));
    NodeProto.Builder builder = node.toBuilder().removeAttribute(index);
    while (builder.getInputCount() < 1) {
      builder.addInput("");
    }
    if (builder.getInputCount() == 1) {
      builder.addInput(tensorName);
    } else {
      builder.setInput(1, tensorName);
    }
    graph.addNode(builder);
    rewritten.merge(node.getOpType(), 1, Integer::sum);
  }

  /**
   * {@code op(X, axis=k)} of opset < 13 as {@code Reshape(op(Flatten(X, k), axis=1), Shape(X))}.
   */
  private static void flattened(NodeProto node, GraphProto.Builder graph, NameScope names) {
    int index = attributeIndex(node, "axis");
    long axis = index < 0 ? 1 : node.getAttribute(index).getI(); // opset < 13 default
    String input = node.getInput(0);
    String output = node.getOutput(0);
    String base = baseName(node);
    String shape = names.fresh(output + "_input_shape");
    String flat = names.fresh(output + "_input_2d");
    String result2d = names.fresh(output + "_2d");
    graph.addNode(
        NodeProto.newBuilder()
            .setName(names.fresh(base + "_shape"))
            .setOpType("Shape")
            .addInput(input)
            .addOutput(shape));
    graph.addNode(
        NodeProto.newBuilder()
            .setName(names.fresh(base + "_flatten"))
            .setOpType("Flatten")
            .addInput(input)
            .addOutput(flat)
            .addAttribute(intAttribute("axis", axis)));
    NodeProto.Builder op =
        node.toBuilder().clearInput().addInput(flat).clearOutput().addOutput(result2d);
    if (index >= 0) {
      op.removeAttribute(index);
    }
    graph.addNode(op.addAttribute(intAttribute("axis", 1)));
    graph.addNode(
        NodeProto.newBuilder()
            .setName(names.fresh(base + "_reshape"))
            .setOpType("Reshape")
            .addInput(result2d)
            .addInput(shape)
            .addOutput(output));
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static int attributeIndex(NodeProto node, String name) {
    for (int i = 0; i < node.getAttributeCount(); i++) {
      if (node.getAttribute(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static String baseName(NodeProto node) {
    return node.getName().isEmpty() ? node.getOpType() : node.getName();
  }

  static boolean isDefaultDomain(String domain) {
    return domain.isEmpty() || domain.equals("ai.onnx");
  }
}
