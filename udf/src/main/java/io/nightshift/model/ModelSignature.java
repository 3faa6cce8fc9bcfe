package io.nightshift.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
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

  /** What a model value is: a tensor, a sequence of maps (ZipMap), or something else. */
  public enum Kind {
    TENSOR,
    /** {@code seq(map(key, value))}, one map per row: what ZipMap makes of class probabilities. */
    SEQUENCE_OF_MAPS,
    /** Any other value (a sequence of tensors, a map): reported, never fed nor fetched. */
    OTHER
  }

  /**
   * One input or output. A tensor has its element type and shape; a sequence of maps has its
   * value type in {@code type}, its key type in {@code keyType} and shape {@code [-1]} (one map per
   * row); any other value is described in words in {@code description}.
   */
  public record TensorSpec(
      String name, OnnxJavaType type, long[] shape, Kind kind, OnnxJavaType keyType, String description)
      implements Serializable {

    /** A tensor. */
    public TensorSpec(String name, OnnxJavaType type, long[] shape) {
      this(name, type, shape, Kind.TENSOR, null, "");
    }

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

    /** How the value is written in {@code inspect} and messages, e.g. {@code seq(map(int64, float))}. */
    public String typeName() {
      return switch (kind) {
        case TENSOR -> type.name().toLowerCase() + " " + Arrays.toString(shape);
        case SEQUENCE_OF_MAPS -> "seq(map(" + keyType.name().toLowerCase() + ", " + type.name().toLowerCase() + "))";
        case OTHER -> description;
      };
    }

    @Override
    public String toString() {
      return name + " " + typeName();
    }
  }

  /** Reads the signature of an open session. */
  public static ModelSignature of(OrtSession session, String modelName) {
    try {
      return new ModelSignature(
          specs(session.getInputInfo(), modelName, true), specs(session.getOutputInfo(), modelName, false));
    } catch (OrtException e) {
      throw NightshiftException.invalid(e, "cannot read the signature of model %s: %s", modelName, e.getMessage());
    }
  }

  private static Map<String, TensorSpec> specs(Map<String, NodeInfo> infos, String modelName, boolean inputs) {
    Map<String, TensorSpec> out = new LinkedHashMap<>();
    for (NodeInfo info : infos.values()) {
      TensorSpec spec;
      if (info.getInfo() instanceof TensorInfo t) {
        spec = new TensorSpec(info.getName(), t.type, t.getShape());
      } else if (info.getInfo() instanceof SequenceInfo q && q.isSequenceOfMaps()) {
        spec = new TensorSpec(info.getName(), q.mapInfo.valueType, new long[] {-1}, Kind.SEQUENCE_OF_MAPS,
            q.mapInfo.keyType, "");
      } else {
        spec = new TensorSpec(info.getName(), OnnxJavaType.UNKNOWN, new long[0], Kind.OTHER, null,
            info.getInfo().toString());
      }
      if (inputs && spec.kind() != Kind.TENSOR) {
        // Outputs are only fetched when mapped, so an unmapped ZipMap or sequence is no obstacle;
        // an input must always be fed.
        throw NightshiftException.invalid(
            "model %s: input %s is %s, only tensor inputs can be fed", modelName, info.getName(), spec.typeName());
      }
      out.put(info.getName(), spec);
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
