package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.nightshift.model.optimize.GraphUses.Use;
import io.nightshift.model.optimize.OptimizeReport.Converted;
import io.nightshift.model.optimize.OptimizeReport.Skipped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Dynamic int8 quantization of the MatMul and Gemm weights of a model's main graph, the kind ONNX
 * Runtime's integer kernels run. Each reader becomes a {@code com.microsoft} {@code
 * MatMulIntegerToFloat} node that multiplies a uint8 activation, quantized when the model runs, by
 * the int8 weight with integer arithmetic, giving float32. How the activation is quantized depends
 * on who reads it ({@link Scales}):
 *
 * <ul>
 *   <li>read by several rewritten nodes (a BERT layer's Q, K and V): one {@code
 *       DynamicQuantizeLinear} per activation, asymmetric, with one scale and zero point over the
 *       whole tensor of the call; a bias that an {@code Add} alone adds to the product ({@code [N]}
 *       float initializer) moves into the node;
 *   <li>read by one rewritten node (the attention output and both feed-forward MatMuls): one
 *       asymmetric uint8 scale and zero point per row of the activation's last axis (a token),
 *       over the row's range widened to hold 0, made of standard ops ({@code ReduceMax}, {@code
 *       ReduceMin}, {@code Round}, {@code QuantizeLinear} and arithmetic). The integer kernel runs
 *       with zero point 0; the row zero point's share ({@code z · Σ_k B[k, n] · scale[n]}, the sums
 *       stored per weight) is subtracted and the row scale applied after it; a bias {@code Add}
 *       stays after that. A model of opset below 11 keeps per-call scales here too.
 * </ul>
 *
 * <p>Why per row there, measured on the bench's 2,000 mail paragraphs (max-length 128, one per
 * call, {@code Int8AccuracyBench}): with per-call scales everywhere the minimum cosine to fp32 was
 * 0.963 (all-MiniLM-L6-v2) and 0.968 (bge-small-en-v1.5), on texts of 4-9 tokens. Keeping one kind
 * of MatMul float32 showed that the feed-forward MatMuls cost the accuracy (MiniLM min 0.973-0.976
 * with one of them float32, 0.953-0.964 with Q, K, V or the attention output float32), but float
 * feed-forward MatMuls cut the speed-up from about 2.1× to 1.3-1.4× fp32. Asymmetric per-row
 * scales on the activations read by one node keep the integer kernels (about 2× fp32 per core)
 * and give a minimum of 0.985 (MiniLM) and 0.992 (bge; 0.990 pooled by the mean as the bench
 * does); symmetric ones (zero point 128, fewer ops) gave 0.974 and 0.991, and
 * symmetric per-row scales on Q, K and V as well were worse (MiniLM 0.967), so shared activations
 * keep per-call scales (and the one kernel that quantizes them). The rule needs no calibration
 * data.
 *
 * <p>Weights: symmetric int8 (zero point 0, values in [-127, 127]) with one scale per output column
 * ({@code max|w| / 127} over the column of {@code B [K, N]}); a Gemm weight with {@code transB=1}
 * is stored transposed to {@code [K, N]}. A float32 initializer of rank 2 and at least {@code
 * minElements} values is rewritten when every node reading it reads it as input B of a {@code
 * MatMul}, or of a {@code Gemm} with {@code alpha = 1}, {@code transA = 0} and {@code beta = 1} (C,
 * when present, is added by an {@code Add} node after the product). The model's opsets are kept
 * ({@code com.microsoft} version 1 is added).
 *
 * <p>Since a per-call scale covers the whole tensor of a call, a row's result depends on the rows
 * run with it: such a model must be scored one row per call to be deterministic, which the job does
 * by itself ({@link ModelOptimizer#batchDependent}). A model with per-row scales only (every
 * rewritten activation read by one node, as in a plain MLP) has rows independent of their
 * neighbours. Stateless and thread-safe.
 */
final class DynamicInt8Quantizer {
  /** The operator set of ONNX Runtime's contrib operators. */
  static final String MS_DOMAIN = "com.microsoft";

  private final int minElements;
  private final Function<String, Scales> override;

  /** How the activation a rewritten weight multiplies is quantized when the model runs. */
  enum Scales {
    /**
     * One asymmetric uint8 scale and zero point over the whole tensor of a call ({@code
     * DynamicQuantizeLinear}; a node reading its activation alone, when the override asks for it,
     * becomes {@code DynamicQuantizeMatMul}).
     */
    PER_CALL,
    /** One asymmetric uint8 scale and zero point per row of the activation (its last axis). */
    PER_ROW,
    /** Not at all: the weight stays float32 (experiments only). */
    FLOAT
  }

  DynamicInt8Quantizer(int minElements) {
    this(minElements, weight -> null);
  }

  /**
   * {@code override}: for a weight's name, the scales to use instead of the rule, or null for the
   * rule; for the accuracy experiments of {@code Int8AccuracyBench}.
   */
  DynamicInt8Quantizer(int minElements, Function<String, Scales> override) {
    this.minElements = minElements;
    this.override = override;
  }

  /** One weight, quantized as {@code [K, N]} int8 with N column scales. */
  private record Quantized(
      long k, long n, byte[] values, float[] scales, String readers, double maxAbsError) {}

  /**
   * The rewritten model; {@code skipped} lists only the MatMul/Gemm weights this pass could not
   * take, with the reason (the caller accounts for every other initializer).
   */
  Rewrite apply(ModelProto model) {
    GraphProto graph = model.getGraph();
    GraphUses uses = GraphUses.of(graph);
    Map<String, Quantized> quantized = new LinkedHashMap<>();
    List<Skipped> skipped = new ArrayList<>();
    for (TensorProto tensor : graph.getInitializerList()) {
      if (!readAsMatMulWeight(uses.consumers(tensor.getName()))) {
        continue;
      }
      if (override.apply(tensor.getName()) == Scales.FLOAT) {
        skipped.add(new Skipped(tensor.getName(), "kept float32 by the caller's override"));
        continue;
      }
      try {
        quantized.put(tensor.getName(), quantize(tensor, uses));
      } catch (SkipTensor e) {
        skipped.add(new Skipped(tensor.getName(), e.getMessage()));
      }
    }
    if (quantized.isEmpty()) {
      return new Rewrite(model, List.of(), skipped, List.of());
    }

    // Activations read by several rewritten nodes (a layer's Q, K and V) are quantized once.
    Map<String, Integer> readersOfActivation = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (node.getInputCount() > 1 && OpsetUpgrade.isDefaultDomain(node.getDomain())
          && quantized.containsKey(node.getInput(1))) {
        readersOfActivation.merge(node.getInput(0), 1, Integer::sum);
      }
    }
    int opset = OpsetUpgrade.defaultOpset(model);
    Function<NodeProto, Scales> scales =
        node -> {
          Scales chosen = override.apply(node.getInput(1));
          if (chosen != null) {
            return chosen;
          }
          // Negative axes, as ReduceMax per row reads them, came with opset 11.
          return readersOfActivation.get(node.getInput(0)) > 1 || opset < 11 ? Scales.PER_CALL : Scales.PER_ROW;
        };
    Map<String, Set<Scales>> weightScales = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (node.getInputCount() > 1 && OpsetUpgrade.isDefaultDomain(node.getDomain())
          && quantized.containsKey(node.getInput(1))) {
        weightScales.computeIfAbsent(node.getInput(1), w -> new java.util.TreeSet<>()).add(scales.apply(node));
      }
    }
    NameScope names = NameScope.of(graph);
    GraphProto.Builder builder = graph.toBuilder().clearInitializer().clearNode();
    Map<String, String[]> replacement = new HashMap<>(); // weight -> int8, scale, zero point names
    List<Converted> converted = new ArrayList<>();
    for (TensorProto tensor : graph.getInitializerList()) {
      Quantized q = quantized.get(tensor.getName());
      if (q == null) {
        builder.addInitializer(tensor);
        continue;
      }
      String name = tensor.getName();
      String[] parts = {
        names.fresh(name + "_int8"), names.fresh(name + "_scale"), names.fresh(name + "_zero_point")
      };
      replacement.put(name, parts);
      long[] columns = {q.n()};
      builder.addInitializer(TensorData.int8Tensor(parts[0], new long[] {q.k(), q.n()}, q.values()));
      builder.addInitializer(TensorData.floatTensor(parts[1], columns, q.scales()));
      builder.addInitializer(TensorData.int8Tensor(parts[2], columns, new byte[(int) q.n()]));
      converted.add(
          new Converted(
              name,
              tensor.getDimsList(),
              String.format(
                  "int8 [%d, %d], symmetric scale per output column, integer kernels with"
                      + " activations quantized %s, read as %s",
                  q.k(), q.n(), weightScales.get(name).stream()
                      .map(x -> x == Scales.PER_ROW ? "per row" : "per call")
                      .collect(java.util.stream.Collectors.joining(" or ")),
                  q.readers()),
              TensorData.storedBytes(tensor),
              // int8 values, float scales, int8 zero points, and float column sums when per row
              q.values().length + (weightScales.get(name).contains(Scales.PER_ROW) ? 9L : 5L) * q.scales().length,
              q.maxAbsError()));
    }
    Map<String, TensorProto> initializers = new HashMap<>();
    graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    Set<NodeProto> biasesTaken = new HashSet<>();
    Map<String, String[]> sharedActivations = new HashMap<>(); // activation -> uint8, scale, zero point
    Map<String, String[]> rowActivations = new HashMap<>(); // activation -> uint8, row scales
    String[] constants = null; // of the per-row nodes, added with the first
    for (NodeProto node : graph.getNodeList()) {
      if (biasesTaken.contains(node)) {
        continue; // its bias went into the integer node before it
      }
      String[] parts =
          node.getInputCount() > 1 && OpsetUpgrade.isDefaultDomain(node.getDomain())
              ? replacement.get(node.getInput(1))
              : null;
      if (parts == null) {
        builder.addNode(node);
        continue;
      }
      boolean gemmBias = node.getOpType().equals("Gemm") && node.getInputCount() > 2
          && !node.getInput(2).isEmpty();
      String product = gemmBias ? names.fresh(node.getOutput(0) + "_product") : node.getOutput(0);
      String activation = node.getInput(0);
      if (scales.apply(node) == Scales.PER_ROW) {
        // x ≈ (q - z) · s per row; q·B comes from the integer kernel with the weight's column
        // scales, z · (column sums of B, scaled) is taken off, and the row scale s applied (a bias
        // Add after the MatMul stays as it is).
        if (constants == null) {
          constants = new String[] {
            names.fresh("row_quant_one"), names.fresh("row_quant_zero"), names.fresh("row_quant_255"),
            names.fresh("row_quant_tiny"), names.fresh("row_quant_uint8_zero"), names.fresh("row_quant_axes")
          };
          builder.addInitializer(TensorData.floatTensor(constants[0], new long[0], new float[] {1f}));
          builder.addInitializer(TensorData.floatTensor(constants[1], new long[0], new float[] {0f}));
          builder.addInitializer(TensorData.floatTensor(constants[2], new long[0], new float[] {255f}));
          // An all-zero row keeps a finite scale.
          builder.addInitializer(TensorData.floatTensor(constants[3], new long[0], new float[] {1e-30f}));
          builder.addInitializer(TensorData.uint8Tensor(constants[4], new long[0], new byte[] {0}));
          if (opset >= 18) {
            builder.addInitializer(TensorData.int64Vector(constants[5], List.of(-1L)));
          }
        }
        String[] row = rowActivations.get(activation);
        if (row == null) {
          row = quantizePerRow(builder, names, activation, constants, opset);
          rowActivations.put(activation, row);
        }
        String sums = names.fresh(node.getInput(1) + "_column_sums");
        builder.addInitializer(TensorData.floatTensor(sums, new long[] {quantized.get(node.getInput(1)).n()},
            scaledColumnSums(quantized.get(node.getInput(1)))));
        String unscaled = names.fresh(product + "_unscaled");
        builder.addNode(
            NodeProto.newBuilder()
                .setName(names.fresh(node.getName().isEmpty() ? "row_matmul" : node.getName() + "_int8"))
                .setDomain(MS_DOMAIN)
                .setOpType("MatMulIntegerToFloat")
                .addInput(row[0]).addInput(parts[0]).addInput(constants[0]).addInput(parts[1])
                .addInput(constants[4]).addInput(parts[2])
                .addOutput(unscaled)
                .build());
        String correction = names.fresh(product + "_zero_point_term");
        String centred = names.fresh(product + "_centred");
        builder.addNode(op("Mul", correction, correction, row[2], sums));
        builder.addNode(op("Sub", centred, centred, unscaled, correction));
        builder.addNode(op("Mul", names.fresh(product + "_row_scale"), product, centred, row[1]));
        if (gemmBias) {
          builder.addNode(
              op("Add", names.fresh(node.getName() + "_bias"), node.getOutput(0), product, node.getInput(2)));
        }
        continue;
      }
      NodeProto.Builder matmul =
          NodeProto.newBuilder()
              .setName(names.fresh(node.getName().isEmpty() ? "dynamic_matmul" : node.getName() + "_int8"))
              .setDomain(MS_DOMAIN);
      if (readersOfActivation.get(activation) > 1) {
        String[] a = sharedActivations.get(activation);
        if (a == null) {
          a = new String[] {
            names.fresh(activation + "_uint8"), names.fresh(activation + "_scale"),
            names.fresh(activation + "_zero_point")
          };
          sharedActivations.put(activation, a);
          builder.addNode(
              NodeProto.newBuilder()
                  .setName(names.fresh(activation + "_quantize"))
                  .setOpType("DynamicQuantizeLinear")
                  .addInput(activation)
                  .addOutput(a[0])
                  .addOutput(a[1])
                  .addOutput(a[2])
                  .build());
        }
        matmul.setOpType("MatMulIntegerToFloat")
            .addInput(a[0]).addInput(parts[0]).addInput(a[1]).addInput(parts[1]).addInput(a[2])
            .addInput(parts[2]);
      } else {
        matmul.setOpType("DynamicQuantizeMatMul")
            .addInput(activation).addInput(parts[0]).addInput(parts[1]).addInput(parts[2]);
      }
      NodeProto biasAdd = gemmBias ? null : biasAdd(node, uses, initializers, quantized.get(node.getInput(1)).n());
      if (biasAdd != null) {
        // MatMul followed by "+ bias": one kernel adds it, and the product never goes through memory.
        int bias = biasAdd.getInput(0).equals(node.getOutput(0)) ? 1 : 0;
        matmul.addInput(biasAdd.getInput(bias)).addOutput(biasAdd.getOutput(0));
        biasesTaken.add(biasAdd);
      } else {
        matmul.addOutput(product);
      }
      builder.addNode(matmul.build());
      if (gemmBias) {
        builder.addNode(
            NodeProto.newBuilder()
                .setName(names.fresh(node.getName() + "_bias"))
                .setOpType("Add")
                .addInput(product)
                .addInput(node.getInput(2))
                .addOutput(node.getOutput(0))
                .build());
      }
    }
    ModelProto.Builder out = model.toBuilder().setGraph(builder);
    if (out.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(MS_DOMAIN))) {
      out.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
    }
    return new Rewrite(out.build(), converted, skipped, List.of());
  }

  private static NodeProto op(String type, String name, String output, String... inputs) {
    NodeProto.Builder b = NodeProto.newBuilder().setName(name).setOpType(type).addOutput(output);
    for (String in : inputs) {
      b.addInput(in);
    }
    return b.build();
  }

  /** {@code Σ_k B[k, n] · scale[n]} of a quantized weight, one per output column. */
  private static float[] scaledColumnSums(Quantized q) {
    int n = (int) q.n();
    long[] sums = new long[n];
    byte[] values = q.values();
    for (int i = 0; i < values.length; i++) {
      sums[i % n] += values[i];
    }
    float[] out = new float[n];
    for (int c = 0; c < n; c++) {
      out[c] = (float) (sums[c] * (double) q.scales()[c]);
    }
    return out;
  }

  private static NodeProto reduce(String type, String output, String input, String[] c, int opset) {
    NodeProto.Builder node = NodeProto.newBuilder().setName(output).setOpType(type).addInput(input).addOutput(output);
    if (opset >= 18) {
      node.addInput(c[5]);
    } else {
      node.addAttribute(
          AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS).addInts(-1));
    }
    return node.build();
  }

  /**
   * Nodes quantizing {@code a} per row of its last axis, asymmetric uint8 over the row's range
   * widened to hold 0 ({@code s = (max - min) / 255}, {@code z = round(-min / s)}, {@code q =
   * saturate(round(x / s + z))}): the names of {@code q}, of the row scales {@code s} and of the
   * row zero points {@code z} (float32; shape of {@code a} with the last axis 1).
   */
  private static String[] quantizePerRow(
      GraphProto.Builder builder, NameScope names, String a, String[] c, int opset) {
    String mx = names.fresh(a + "_row_max");
    String mn = names.fresh(a + "_row_min");
    String hi = names.fresh(a + "_row_hi");
    String lo = names.fresh(a + "_row_lo");
    String range = names.fresh(a + "_row_range");
    String safe = names.fresh(a + "_row_range_safe");
    String inv = names.fresh(a + "_row_inv_scale");
    String scale = names.fresh(a + "_row_scale");
    String loScaled = names.fresh(a + "_row_lo_scaled");
    String loRounded = names.fresh(a + "_row_lo_rounded");
    String zp = names.fresh(a + "_row_zero_point");
    String scaled = names.fresh(a + "_scaled");
    String shifted = names.fresh(a + "_shifted");
    String q = names.fresh(a + "_uint8");
    builder.addNode(reduce("ReduceMax", mx, a, c, opset));
    builder.addNode(reduce("ReduceMin", mn, a, c, opset));
    builder.addNode(op("Max", hi, hi, mx, c[1]));
    builder.addNode(op("Min", lo, lo, mn, c[1]));
    builder.addNode(op("Sub", range, range, hi, lo));
    builder.addNode(op("Max", safe, safe, range, c[3]));
    builder.addNode(op("Div", inv, inv, c[2], safe));
    builder.addNode(op("Div", scale, scale, safe, c[2]));
    builder.addNode(op("Mul", loScaled, loScaled, lo, inv));
    builder.addNode(op("Round", loRounded, loRounded, loScaled)); // half to even
    builder.addNode(op("Neg", zp, zp, loRounded)); // in [0, 255]
    builder.addNode(op("Mul", scaled, scaled, a, inv));
    builder.addNode(op("Add", shifted, shifted, scaled, zp));
    // Rounds half to even and saturates to [0, 255].
    builder.addNode(op("QuantizeLinear", q, q, shifted, c[0], c[4]));
    return new String[] {q, scale, zp};
  }

  /**
   * The {@code Add} that alone reads a MatMul's product and adds a float32 initializer of shape
   * {@code [N]} to it (a layer's bias), or null.
   */
  private static NodeProto biasAdd(
      NodeProto matmul, GraphUses uses, Map<String, TensorProto> initializers, long n) {
    String product = matmul.getOutput(0);
    List<Use> readers = uses.consumers(product);
    if (readers.size() != 1 || uses.isGraphOutput(product) || uses.subgraphReader(product) != null) {
      return null;
    }
    NodeProto add = readers.get(0).node();
    if (!add.getOpType().equals("Add") || !OpsetUpgrade.isDefaultDomain(add.getDomain())
        || add.getInputCount() != 2) {
      return null;
    }
    TensorProto bias = initializers.get(add.getInput(1 - readers.get(0).inputIndex()));
    if (bias == null || bias.getDataType() != DataType.FLOAT_VALUE || bias.getDimsCount() != 1
        || bias.getDims(0) != n || uses.isGraphInput(bias.getName())) {
      return null;
    }
    return add;
  }

  /** True when some reader takes the tensor as input B of a MatMul or Gemm. */
  private static boolean readAsMatMulWeight(List<Use> readers) {
    for (Use use : readers) {
      String op = use.node().getOpType();
      if (use.inputIndex() == 1 && OpsetUpgrade.isDefaultDomain(use.node().getDomain())
          && (op.equals("MatMul") || op.equals("Gemm"))) {
        return true;
      }
    }
    return false;
  }

  private Quantized quantize(TensorProto tensor, GraphUses uses) throws SkipTensor {
    String name = tensor.getName();
    if (tensor.getDataType() != DataType.FLOAT_VALUE) {
      throw new SkipTensor(TensorData.typeName(tensor.getDataType()) + ", not float32");
    }
    if (tensor.getDimsCount() != 2) {
      throw new SkipTensor("MatMul/Gemm weight of rank " + tensor.getDimsCount() + "; only 2-D weights run on integer kernels");
    }
    SymmetricInt8.checkUse(tensor, uses, minElements);
    Set<Boolean> transposed = new HashSet<>();
    Set<String> kinds = new java.util.LinkedHashSet<>();
    List<Use> readers = uses.consumers(name);
    for (Use use : readers) {
      transposed.add(transposedWeight(use));
      kinds.add(use.node().getOpType() + " input " + use.inputIndex());
    }
    if (transposed.size() > 1) {
      throw new SkipTensor("read both as B [K, N] and transposed (Gemm transB=1) by different nodes");
    }
    float[] values = SymmetricInt8.finiteFloats(tensor);
    long[] dims = TensorData.dims(tensor);
    boolean transB = transposed.contains(Boolean.TRUE);
    int k = (int) (transB ? dims[1] : dims[0]);
    int n = (int) (transB ? dims[0] : dims[1]);
    // One scale per output column: axis 1 of B [K, N], axis 0 of a transposed B [N, K].
    SymmetricInt8.Levels levels = SymmetricInt8.along(values, dims, transB ? 0 : 1);
    byte[] q = transB ? transpose(levels.values(), n, k) : levels.values();
    String readBy = String.join(", ", kinds) + (readers.size() > 1 ? " by " + readers.size() + " nodes" : "");
    return new Quantized(k, n, q, levels.scales(), readBy, levels.maxAbsError());
  }

  /** {@code rows × cols} row-major values as {@code cols × rows} row-major. */
  private static byte[] transpose(byte[] values, int rows, int cols) {
    byte[] out = new byte[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = values[r * cols + c];
      }
    }
    return out;
  }

  /** Whether the reader takes the weight transposed ({@code Gemm transB=1}), or a reason to skip. */
  private static boolean transposedWeight(Use use) throws SkipTensor {
    NodeProto node = use.node();
    if (use.inputIndex() == 1 && OpsetUpgrade.isDefaultDomain(node.getDomain())) {
      if (node.getOpType().equals("MatMul")) {
        return false;
      }
      if (node.getOpType().equals("Gemm")) {
        if (intAttribute(node, "transA", 0) != 0) {
          throw new SkipTensor("Gemm with transA=1 (node '" + node.getName() + "')");
        }
        if (floatAttribute(node, "alpha", 1f) != 1f || floatAttribute(node, "beta", 1f) != 1f) {
          throw new SkipTensor("Gemm with alpha or beta other than 1 (node '" + node.getName() + "')");
        }
        return intAttribute(node, "transB", 0) != 0;
      }
    }
    throw new SkipTensor(
        "also read as " + use.describe() + "; only MatMul and Gemm weights (B) run on integer kernels");
  }

  private static long intAttribute(NodeProto node, String name, long fallback) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return attribute.getI();
      }
    }
    return fallback;
  }

  private static float floatAttribute(NodeProto node, String name, float fallback) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return attribute.getF();
      }
    }
    return fallback;
  }
}
