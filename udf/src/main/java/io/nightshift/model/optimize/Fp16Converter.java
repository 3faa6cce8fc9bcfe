package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.nightshift.model.optimize.OptimizeReport.Converted;
import io.nightshift.model.optimize.OptimizeReport.Skipped;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores every float32 initializer of a model's main graph as float16, with a {@code Cast} node
 * back to float32 whose output keeps the initializer's name: every reader (several nodes, or a
 * subgraph) still reads a float32 tensor of the same shape, and the model's inputs, outputs and
 * arithmetic stay float32.
 *
 * <p>Left as they are, each with its reason: non-float32 tensors, graph inputs (a caller may feed
 * them), graph outputs, tensors no node reads, tensors with a finite value beyond float16's range
 * (±65504, which would become infinite), and initializers of subgraphs. Values below float16's
 * smallest subnormal become zero. Stateless and thread-safe.
 */
final class Fp16Converter {

  /** One initializer converted, before it goes into the graph. */
  private record Halved(short[] bits, double maxAbsError) {}

  Rewrite apply(ModelProto model) {
    GraphProto graph = model.getGraph();
    GraphUses uses = GraphUses.of(graph);
    NameScope names = NameScope.of(graph);
    GraphProto.Builder builder = graph.toBuilder().clearInitializer().clearNode();
    List<NodeProto> casts = new ArrayList<>();
    List<Converted> converted = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (TensorProto tensor : graph.getInitializerList()) {
      Halved halved;
      try {
        halved = halve(tensor, uses);
      } catch (SkipTensor e) {
        skipped.add(new Skipped(tensor.getName(), e.getMessage()));
        builder.addInitializer(tensor);
        continue;
      }
      String name = tensor.getName();
      String halfName = names.fresh(name + "_fp16");
      builder.addInitializer(
          TensorData.float16Tensor(halfName, TensorData.dims(tensor), halved.bits()));
      casts.add(
          NodeProto.newBuilder()
              .setName(names.fresh(name + "_cast"))
              .setOpType("Cast")
              .addInput(halfName)
              .addOutput(name) // readers keep reading the name they always read
              .addAttribute(OpsetUpgrade.intAttribute("to", DataType.FLOAT_VALUE))
              .build());
      converted.add(
          new Converted(
              name,
              tensor.getDimsList(),
              "float16, cast to float32 in the graph",
              TensorData.storedBytes(tensor),
              2L * halved.bits().length,
              halved.maxAbsError()));
    }
    skipped.addAll(Rewrite.subgraphInitializers(graph));
    if (converted.isEmpty()) {
      return new Rewrite(model, List.of(), skipped, List.of());
    }
    // Casts read only initializers, so placing them first keeps the nodes topologically sorted.
    builder.addAllNode(casts).addAllNode(graph.getNodeList());
    ModelProto.Builder result = model.toBuilder().setGraph(builder);
    List<String> notes = new ArrayList<>();
    if (OpsetUpgrade.defaultOpset(model) < 0) {
      // A model of only ai.onnx.ml operators: Cast needs the default domain, which it then has none
      // of.
      result.addOpsetImport(
          OperatorSetIdProto.newBuilder().setDomain("").setVersion(OpsetUpgrade.TARGET));
      notes.add("imported the default ONNX domain at opset " + OpsetUpgrade.TARGET + " for Cast");
    }
    return new Rewrite(result.build(), converted, skipped, notes);
  }

  private static Halved halve(TensorProto tensor, GraphUses uses) throws SkipTensor {
    String name = tensor.getName();
    if (tensor.getDataType() != DataType.FLOAT_VALUE) {
      throw new SkipTensor(TensorData.typeName(tensor.getDataType()) + ", not float32");
    }
    if (uses.isGraphInput(name)) {
      throw new SkipTensor("also a graph input, so a caller may feed another value");
    }
    if (uses.isGraphOutput(name)) {
      throw new SkipTensor("also a graph output, whose value must stay exact");
    }
    if (uses.consumers(name).isEmpty() && uses.subgraphReader(name) == null) {
      throw new SkipTensor("not read by any node");
    }
    float[] values = TensorData.floats(tensor);
    short[] bits = new short[values.length];
    double maxError = 0;
    for (int i = 0; i < values.length; i++) {
      float value = values[i];
      bits[i] = HalfFloat.fromFloat(value);
      float back = HalfFloat.toFloat(bits[i]);
      if (Float.isFinite(value)) {
        if (Float.isInfinite(back)) {
          throw new SkipTensor(
              "value " + value + " is beyond float16's range (±" + HalfFloat.MAX_VALUE + ")");
        }
        maxError = Math.max(maxError, Math.abs(value - back));
      }
    }
    return new Halved(bits, maxError);
  }
}
