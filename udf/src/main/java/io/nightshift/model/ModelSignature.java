package io.nightshift.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.nightshift.NightshiftException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The names, element types and shapes of a model's inputs and outputs, read once on the driver.
 * Serializable, so executors know the signature without a session. A dimension of -1 is dynamic.
 */
public record ModelSignature(Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs)
    implements Serializable {

  /** One input or output tensor. */
  public record TensorSpec(String name, OnnxJavaType type, long[] shape) implements Serializable {

    /** Elements per row when every dimension after the first (batch) one is fixed, else -1. */
    public long elementsPerRow() {
      long n = 1;
      for (int i = 1; i < shape.length; i++) {
        if (shape[i] < 0) {
          return -1;
        }
        n *= shape[i];
      }
      return n;
    }

    @Override
    public String toString() {
      return name + " " + type.name().toLowerCase() + " " + Arrays.toString(shape);
    }
  }

  /** Reads the signature of an open session. */
  public static ModelSignature of(OrtSession session, String modelName) {
    try {
      return new ModelSignature(specs(session.getInputInfo(), modelName), specs(session.getOutputInfo(), modelName));
    } catch (OrtException e) {
      throw NightshiftException.invalid(e, "cannot read the signature of model %s: %s", modelName, e.getMessage());
    }
  }

  private static Map<String, TensorSpec> specs(Map<String, NodeInfo> infos, String modelName) {
    Map<String, TensorSpec> out = new LinkedHashMap<>();
    for (NodeInfo info : infos.values()) {
      if (!(info.getInfo() instanceof TensorInfo t)) {
        throw NightshiftException.invalid(
            "model %s: %s is a %s, only tensors are supported",
            modelName, info.getName(), info.getInfo().getClass().getSimpleName());
      }
      out.put(info.getName(), new TensorSpec(info.getName(), t.type, t.getShape()));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** One line per tensor, for {@code inspect} and error messages. */
  public String describe() {
    return "inputs:\n"
        + inputs.values().stream().map(s -> "  " + s).collect(Collectors.joining("\n"))
        + "\noutputs:\n"
        + outputs.values().stream().map(s -> "  " + s).collect(Collectors.joining("\n"));
  }
}
