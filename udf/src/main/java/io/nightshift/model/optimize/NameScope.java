package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out value and node names not used anywhere in a model, subgraphs included, so the nodes and
 * tensors this package adds never clash with the model's own.
 */
final class NameScope {
  private final Set<String> used = new HashSet<>();

  private NameScope() {}

  /** A scope holding every name used in {@code graph} and the graphs nested in it. */
  static NameScope of(GraphProto graph) {
    NameScope scope = new NameScope();
    scope.addAll(graph);
    for (GraphProto subgraph : Subgraphs.nestedIn(graph)) {
      scope.addAll(subgraph);
    }
    return scope;
  }

  private void addAll(GraphProto graph) {
    graph.getInputList().stream().map(ValueInfoProto::getName).forEach(used::add);
    graph.getOutputList().stream().map(ValueInfoProto::getName).forEach(used::add);
    graph.getValueInfoList().stream().map(ValueInfoProto::getName).forEach(used::add);
    graph.getInitializerList().stream().map(TensorProto::getName).forEach(used::add);
    for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
      used.add(sparse.getValues().getName());
    }
    for (NodeProto node : graph.getNodeList()) {
      used.add(node.getName());
      used.addAll(node.getInputList());
      used.addAll(node.getOutputList());
    }
  }

  /**
   * {@code base} if unused, else {@code base_1}, {@code base_2}, …; the name returned is then
   * taken.
   */
  String fresh(String base) {
    if (used.add(base)) {
      return base;
    }
    for (int i = 1; ; i++) {
      String candidate = base + "_" + i;
      if (used.add(candidate)) {
        return candidate;
      }
    }
  }
}
