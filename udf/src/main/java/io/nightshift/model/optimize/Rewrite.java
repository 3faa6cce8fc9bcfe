package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.nightshift.model.optimize.OptimizeReport.Converted;
import io.nightshift.model.optimize.OptimizeReport.Skipped;
import java.util.ArrayList;
import java.util.List;

/** A rewritten model and what the rewrite converted, skipped and otherwise changed. */
record Rewrite(
    ModelProto model, List<Converted> converted, List<Skipped> skipped, List<String> notes) {
  Rewrite {
    converted = List.copyOf(converted);
    skipped = List.copyOf(skipped);
    notes = List.copyOf(notes);
  }

  /**
   * The initializers of subgraphs (If/Loop/Scan bodies), which neither precision rewrites: listed
   * so the report accounts for every float weight.
   */
  static List<Skipped> subgraphInitializers(GraphProto graph) {
    List<Skipped> skipped = new ArrayList<>();
    for (NodeProto node : graph.getNodeList()) {
      String owner = node.getOpType() + " node '" + node.getName() + "'";
      for (GraphProto subgraph : Subgraphs.of(node)) {
        List<GraphProto> graphs = new ArrayList<>(List.of(subgraph));
        graphs.addAll(Subgraphs.nestedIn(subgraph));
        for (GraphProto g : graphs) {
          for (TensorProto tensor : g.getInitializerList()) {
            skipped.add(
                new Skipped(
                    tensor.getName(),
                    "initializer of a subgraph of " + owner + "; subgraphs are left as they are"));
          }
        }
      }
    }
    return skipped;
  }
}
