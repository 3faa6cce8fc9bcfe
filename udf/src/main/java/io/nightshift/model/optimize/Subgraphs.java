package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;

/** The graphs nested in a node's attributes (the bodies of If, Loop and Scan). */
final class Subgraphs {
  private Subgraphs() {}

  /** The graphs held directly by {@code node}'s attributes, not those nested deeper. */
  static List<GraphProto> of(NodeProto node) {
    List<GraphProto> graphs = new ArrayList<>();
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.hasG()) {
        graphs.add(attribute.getG());
      }
      graphs.addAll(attribute.getGraphsList());
    }
    return graphs;
  }

  /** Every graph nested anywhere under {@code graph}, not including {@code graph} itself. */
  static List<GraphProto> nestedIn(GraphProto graph) {
    List<GraphProto> found = new ArrayList<>();
    for (NodeProto node : graph.getNodeList()) {
      for (GraphProto subgraph : of(node)) {
        found.add(subgraph);
        found.addAll(nestedIn(subgraph));
      }
    }
    return found;
  }
}
