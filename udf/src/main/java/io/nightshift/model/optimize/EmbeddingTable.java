package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The embedding tables of a model's integer inputs: for each graph input that (directly, or
 * through Cast, Unsqueeze, Squeeze, Reshape, Flatten or Identity) gives the indices of a {@code
 * Gather} whose data is a constant table (an initializer or Constant node, possibly through
 * DequantizeLinear, Cast or Identity), the number of rows of that table: the number of token ids
 * the model can embed. Reads only shapes, never tensor data. Stateless.
 */
public final class EmbeddingTable {
  private static final Set<String> INDEX_PATH = Set.of("Cast", "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Identity");
  private static final Set<String> DATA_PATH = Set.of("DequantizeLinear", "Cast", "Identity");

  private EmbeddingTable() {}

  /** A table: its rows, and the Gather node that reads it. */
  public record Table(long rows, String gather) {}

  /** Table of each input that indexes one (first one found in graph order); {@code source} names the model in errors. */
  public static Map<String, Table> byInput(byte[] bytes, String source) {
    return byInput(ModelFile.parse(bytes, source));
  }

  /** The same, for a parsed model (only shapes are read, so a {@link io.nightshift.model.ModelSkeleton} will do). */
  public static Map<String, Table> byInput(ModelProto model) {
    GraphProto g = model.getGraph();
    Map<String, List<Long>> constants = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      constants.put(t.getName(), t.getDimsList());
    }
    Map<String, NodeProto> producer = new HashMap<>();
    Map<String, List<NodeProto>> consumers = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      for (String out : n.getOutputList()) {
        producer.put(out, n);
      }
      for (String in : n.getInputList()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
      if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
        for (AttributeProto a : n.getAttributeList()) {
          if (a.getName().equals("value") && a.hasT()) {
            constants.put(n.getOutput(0), a.getT().getDimsList());
          }
        }
      }
    }
    Map<String, Table> out = new LinkedHashMap<>();
    for (ValueInfoProto input : g.getInputList()) {
      if (constants.containsKey(input.getName())) {
        continue; // an initializer listed as an input (older exports)
      }
      Table t = follow(input.getName(), constants, producer, consumers);
      if (t != null) {
        out.put(input.getName(), t);
      }
    }
    return out;
  }

  private static Table follow(String input, Map<String, List<Long>> constants, Map<String, NodeProto> producer,
      Map<String, List<NodeProto>> consumers) {
    Deque<String> todo = new ArrayDeque<>(List.of(input));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String tensor = todo.poll();
      if (!seen.add(tensor)) {
        continue;
      }
      for (NodeProto n : consumers.getOrDefault(tensor, List.of())) {
        if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && n.getInput(1).equals(tensor) && axis(n) == 0) {
          String data = n.getInput(0);
          while (!constants.containsKey(data) && producer.containsKey(data)
              && DATA_PATH.contains(producer.get(data).getOpType())) {
            data = producer.get(data).getInput(0);
          }
          List<Long> dims = constants.get(data);
          if (dims != null && dims.size() == 2) {
            return new Table(dims.get(0), n.getName().isEmpty() ? n.getOutput(0) : n.getName());
          }
        } else if (INDEX_PATH.contains(n.getOpType()) && n.getInputCount() > 0 && n.getInput(0).equals(tensor)) {
          todo.addAll(n.getOutputList());
        }
      }
    }
    return null;
  }

  private static long axis(NodeProto gather) {
    for (AttributeProto a : gather.getAttributeList()) {
      if (a.getName().equals("axis")) {
        return a.getI();
      }
    }
    return 0;
  }
}
