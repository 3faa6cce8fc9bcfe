package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each value of a model's main graph is used: by which node inputs, as a graph input or
 * output, or from a subgraph.
 */
final class GraphUses {
  /** One node input that reads a value. */
  record Use(NodeProto node, int inputIndex) {
    /** {@code MatMul input 1 (node 'x')}, for the report. */
    String describe() {
      return node.getOpType() + " input " + inputIndex + " (node '" + node.getName() + "')";
    }
  }

  private final Map<String, List<Use>> consumers = new HashMap<>();
  private final Map<String, String> subgraphOwners = new HashMap<>();
  private final Set<String> graphInputs = new HashSet<>();
  private final Set<String> graphOutputs = new HashSet<>();

  private GraphUses() {}

  /** The uses of the values of {@code graph}. */
  static GraphUses of(GraphProto graph) {
    GraphUses uses = new GraphUses();
    graph.getInputList().stream().map(ValueInfoProto::getName).forEach(uses.graphInputs::add);
    graph.getOutputList().stream().map(ValueInfoProto::getName).forEach(uses.graphOutputs::add);
    for (NodeProto node : graph.getNodeList()) {
      for (int i = 0; i < node.getInputCount(); i++) {
        if (!node.getInput(i).isEmpty()) {
          uses.consumers
              .computeIfAbsent(node.getInput(i), k -> new ArrayList<>())
              .add(new Use(node, i));
        }
      }
      for (GraphProto subgraph : Subgraphs.of(node)) {
        uses.recordSubgraphReads(subgraph, node);
      }
    }
    return uses;
  }

  private void recordSubgraphReads(GraphProto subgraph, NodeProto owner) {
    // A subgraph may read any outer value by name; names are unique across scopes, so any match is
    // a read.
    for (NodeProto node : subgraph.getNodeList()) {
      for (String input : node.getInputList()) {
        subgraphOwners.putIfAbsent(input, owner.getOpType() + " node '" + owner.getName() + "'");
      }
      for (GraphProto nested : Subgraphs.of(node)) {
        recordSubgraphReads(nested, owner);
      }
    }
    for (ValueInfoProto output : subgraph.getOutputList()) {
      subgraphOwners.putIfAbsent(
          output.getName(), owner.getOpType() + " node '" + owner.getName() + "'");
    }
  }

  /** The node inputs of the main graph that read {@code name}. */
  List<Use> consumers(String name) {
    return consumers.getOrDefault(name, List.of());
  }

  /** The node whose subgraph reads {@code name}, described for the report, or null if none does. */
  String subgraphReader(String name) {
    return subgraphOwners.get(name);
  }

  boolean isGraphInput(String name) {
    return graphInputs.contains(name);
  }

  boolean isGraphOutput(String name) {
    return graphOutputs.contains(name);
  }
}
