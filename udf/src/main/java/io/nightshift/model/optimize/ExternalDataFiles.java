package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataLocation;
import io.nightshift.NightshiftException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The external data files an ONNX model names: the {@code location} of each initializer stored
 * outside the {@code .onnx} file, relative to the model's folder. Stateless.
 */
public final class ExternalDataFiles {
  private ExternalDataFiles() {}

  /**
   * Each external data location of the model in {@code bytes} (main graph and subgraphs), mapped
   * to the first tensor that names it, in model order. Fails with {@link
   * NightshiftException#invalid} naming {@code source} when the bytes are not an ONNX model, or a
   * location is absent or leaves the model's folder.
   */
  public static Map<String, String> locations(byte[] bytes, String source) {
    return locations(ModelFile.parse(bytes, source), source);
  }

  /** The same, for a parsed model (e.g. a {@link io.nightshift.model.ModelSkeleton}). */
  public static Map<String, String> locations(ModelProto model, String source) {
    List<GraphProto> graphs = new ArrayList<>();
    graphs.add(model.getGraph());
    graphs.addAll(Subgraphs.nestedIn(model.getGraph()));
    Map<String, String> out = new LinkedHashMap<>();
    for (GraphProto graph : graphs) {
      for (TensorProto tensor : graph.getInitializerList()) {
        if (tensor.getDataLocation() != DataLocation.EXTERNAL) {
          continue;
        }
        String location = null;
        for (StringStringEntryProto e : tensor.getExternalDataList()) {
          if (e.getKey().equals("location")) {
            location = e.getValue();
          }
        }
        if (location == null || location.isBlank()) {
          throw NightshiftException.invalid(
              "%s: tensor '%s' has external data with no location", source, tensor.getName());
        }
        String normal = location.replace('\\', '/');
        if (normal.startsWith("/") || normal.matches("^[A-Za-z]:.*") || ("/" + normal + "/").contains("/../")) {
          throw NightshiftException.invalid(
              "%s: tensor '%s' has external data at '%s', outside the model's folder",
              source, tensor.getName(), location);
        }
        out.putIfAbsent(normal, tensor.getName());
      }
    }
    return out;
  }
}
