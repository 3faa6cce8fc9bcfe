package io.nightshift.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.nightshift.NightshiftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses a model whose tensors keep their data in external files outside the model's own folder:
 * an absolute {@code location}, one that climbs out with {@code ..}, or (when the folder is known)
 * one that a symbolic link leads out of. ONNX Runtime would otherwise read any file the executor
 * can read into a weight, and a model file is data we are handed, not code we wrote.
 *
 * <p>Every tensor that can hold data is visited: initializers, sparse initializers, tensor
 * attributes of nodes (Constant), subgraphs (If, Loop, Scan) and model-local functions. Stateless
 * and thread-safe. Failures are validation errors (exit code 2) naming the tensor and location.
 */
public final class ExternalDataGuard {
  private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private ExternalDataGuard() {}

  /** One tensor whose data is in an external file, and that file's location as written. */
  public record ExternalRef(String tensor, String location) {}

  /** Parses {@code bytes} and checks it; see {@link #check(ModelProto, String)}. */
  public static List<ExternalRef> check(byte[] bytes, String source) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw NightshiftException.invalid(
          e, "model file %s is not a loadable ONNX model: %s", source, e.getMessage());
    }
    return check(model, source);
  }

  /**
   * Checks every external-data location of {@code model} by its text alone; returns the external
   * references (empty for a self-contained model), e.g. for the caller to ship those files.
   */
  public static List<ExternalRef> check(ModelProto model, String source) {
    List<ExternalRef> refs = references(model);
    for (ExternalRef r : refs) {
      checkLocation(r, source);
    }
    return refs;
  }

  /**
   * Checks {@code model} as {@link #check(ModelProto, String)} does, then resolves each location
   * in {@code folder} (the folder holding the model file), following symbolic links, and refuses
   * any that ends up outside it.
   */
  public static List<ExternalRef> check(ModelProto model, Path folder, String source) {
    List<ExternalRef> refs = check(model, source);
    if (refs.isEmpty()) {
      return refs;
    }
    Path root;
    try {
      root = folder.toRealPath();
    } catch (IOException e) {
      throw NightshiftException.invalid(
          e, "model %s: cannot resolve its folder %s: %s", source, folder, e.getMessage());
    }
    for (ExternalRef r : refs) {
      Path file = root.resolve(r.location()).normalize();
      if (Files.exists(file)) {
        try {
          file = file.toRealPath();
        } catch (IOException e) {
          throw NightshiftException.invalid(
              e, "model %s: tensor '%s': cannot resolve external data '%s': %s",
              source, r.tensor(), r.location(), e.getMessage());
        }
      }
      if (!file.startsWith(root)) {
        throw NightshiftException.invalid(
            "model %s: tensor '%s' loads external data from '%s', which resolves to %s, outside the"
                + " model's folder %s; refused",
            source, r.tensor(), r.location(), file, root);
      }
    }
    return refs;
  }

  /** Every tensor of {@code model} with external data, in graph order. */
  public static List<ExternalRef> references(ModelProto model) {
    List<ExternalRef> refs = new ArrayList<>();
    graph(model.getGraph(), refs);
    for (FunctionProto f : model.getFunctionsList()) {
      for (NodeProto n : f.getNodeList()) {
        node(n, refs);
      }
    }
    return refs;
  }

  private static void graph(GraphProto g, List<ExternalRef> refs) {
    for (TensorProto t : g.getInitializerList()) {
      tensor(t, refs);
    }
    for (SparseTensorProto s : g.getSparseInitializerList()) {
      sparse(s, refs);
    }
    for (NodeProto n : g.getNodeList()) {
      node(n, refs);
    }
  }

  private static void node(NodeProto n, List<ExternalRef> refs) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasT()) {
        tensor(a.getT(), refs);
      }
      for (TensorProto t : a.getTensorsList()) {
        tensor(t, refs);
      }
      if (a.hasSparseTensor()) {
        sparse(a.getSparseTensor(), refs);
      }
      for (SparseTensorProto s : a.getSparseTensorsList()) {
        sparse(s, refs);
      }
      if (a.hasG()) {
        graph(a.getG(), refs);
      }
      for (GraphProto g : a.getGraphsList()) {
        graph(g, refs);
      }
    }
  }

  private static void sparse(SparseTensorProto s, List<ExternalRef> refs) {
    tensor(s.getValues(), refs);
    tensor(s.getIndices(), refs);
  }

  private static void tensor(TensorProto t, List<ExternalRef> refs) {
    if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL && t.getExternalDataCount() == 0) {
      return;
    }
    String location = null;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      if (e.getKey().equals("location")) {
        location = e.getValue();
      }
    }
    refs.add(new ExternalRef(t.getName(), location == null ? "" : location));
  }

  private static void checkLocation(ExternalRef r, String source) {
    String location = r.location();
    if (location.isEmpty()) {
      throw NightshiftException.invalid(
          "model %s: tensor '%s' keeps its data externally but names no location; refused",
          source, r.tensor());
    }
    String why = null;
    if (location.indexOf('\0') >= 0) {
      why = "it holds a NUL character";
    } else if (location.startsWith("/") || location.startsWith("\\") || WINDOWS_DRIVE.matcher(location).matches()) {
      why = "it is an absolute path";
    } else if (location.contains("://") || location.startsWith("~")) {
      why = "it is not a path relative to the model's folder";
    } else if (climbsOut(location)) {
      why = "'..' leads out of the model's folder";
    }
    if (why != null) {
      throw NightshiftException.invalid(
          "model %s: tensor '%s' loads external data from '%s': %s; only files inside the model's"
              + " own folder are allowed",
          source, r.tensor(), location, why);
    }
  }

  /** Whether a relative path, with '/' or '\' separators, ever steps above its start. */
  private static boolean climbsOut(String location) {
    int depth = 0;
    for (String part : location.split("[/\\\\]")) {
      if (part.equals("..")) {
        depth--;
        if (depth < 0) {
          return true;
        }
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return false;
  }
}
