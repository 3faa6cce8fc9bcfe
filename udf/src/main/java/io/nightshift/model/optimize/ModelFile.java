package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataLocation;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.nightshift.NightshiftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes ONNX model files: parses the protobuf, pulls external tensor data into the
 * model, and writes the result atomically. Stateless.
 */
final class ModelFile {
  private ModelFile() {}

  /** The bytes of the model file {@code path}; a missing or unreadable file is invalid input. */
  static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw NightshiftException.invalid(e, "model file %s does not exist", path);
    } catch (IOException | OutOfMemoryError e) {
      throw NightshiftException.invalid(e, "cannot read model file %s: %s", path, e.getMessage());
    }
  }

  /**
   * The model in {@code bytes}, which must not change while the model is in use; anything that is
   * not an ONNX model with a graph is invalid input naming {@code source}.
   */
  static ModelProto parse(byte[] bytes, String source) {
    ModelProto model;
    try {
      CodedInputStream input = CodedInputStream.newInstance(bytes);
      input.setSizeLimit(Integer.MAX_VALUE);
      input.setRecursionLimit(1000); // deeply nested If/Loop bodies
      // Tensor bytes point into the caller's array instead of copying it: the parsed model lives
      // only for this call, and one copy fewer matters for models of a few GiB.
      input.enableAliasing(true);
      model = ModelProto.parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      throw NightshiftException.invalid(
          e,
          "%s is not an ONNX model: it does not parse as ONNX protobuf (%s)",
          source,
          e.getMessage());
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "%s is not an ONNX model: %s", source, e.getMessage());
    }
    // Stray bytes can parse as a protobuf of unknown fields; a real model has an IR version and a
    // graph with nodes.
    if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw NightshiftException.invalid(
          "%s is not an ONNX model: it has no IR version or no graph with nodes", source);
    }
    return model;
  }

  /**
   * {@code model} with every initializer whose data lives in an external file read into the model.
   * Locations are resolved against {@code folder}, the model file's folder, and must stay inside
   * it; with no folder (the model came as bytes) external data is refused.
   */
  static ModelProto inlineExternalData(ModelProto model, Path folder, String source) {
    if (!hasExternalData(model.getGraph())) {
      return model;
    }
    return model.toBuilder().setGraph(inline(model.getGraph(), folder, source)).build();
  }

  private static boolean hasExternalData(GraphProto graph) {
    for (TensorProto tensor : graph.getInitializerList()) {
      if (tensor.getDataLocation() == DataLocation.EXTERNAL) {
        return true;
      }
    }
    for (NodeProto node : graph.getNodeList()) {
      for (AttributeProto attribute : node.getAttributeList()) {
        if (attribute.getT().getDataLocation() == DataLocation.EXTERNAL) {
          return true;
        }
      }
      for (GraphProto subgraph : Subgraphs.of(node)) {
        if (hasExternalData(subgraph)) {
          return true;
        }
      }
    }
    return false;
  }

  private static GraphProto inline(GraphProto graph, Path folder, String source) {
    GraphProto.Builder builder = graph.toBuilder();
    for (int i = 0; i < builder.getInitializerCount(); i++) {
      TensorProto tensor = builder.getInitializer(i);
      if (tensor.getDataLocation() == DataLocation.EXTERNAL) {
        builder.setInitializer(i, readExternal(tensor, folder, source));
      }
    }
    for (int n = 0; n < builder.getNodeCount(); n++) {
      NodeProto node = builder.getNode(n);
      NodeProto.Builder nodeBuilder = null;
      for (int a = 0; a < node.getAttributeCount(); a++) {
        AttributeProto attribute = node.getAttribute(a);
        if (attribute.getT().getDataLocation() == DataLocation.EXTERNAL) {
          throw NightshiftException.invalid(
              "%s: tensor attribute '%s' of node '%s' keeps its data in an external file; only"
                  + " initializers may",
              source, attribute.getName(), node.getName());
        }
        if (attribute.hasG() || attribute.getGraphsCount() > 0) {
          AttributeProto.Builder attributeBuilder = attribute.toBuilder();
          if (attribute.hasG()) {
            attributeBuilder.setG(inline(attribute.getG(), folder, source));
          }
          for (int g = 0; g < attribute.getGraphsCount(); g++) {
            attributeBuilder.setGraphs(g, inline(attribute.getGraphs(g), folder, source));
          }
          if (nodeBuilder == null) {
            nodeBuilder = node.toBuilder();
          }
          nodeBuilder.setAttribute(a, attributeBuilder);
        }
      }
      if (nodeBuilder != null) {
        builder.setNode(n, nodeBuilder);
      }
    }
    return builder.build();
  }

  private static TensorProto readExternal(TensorProto tensor, Path folder, String source) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto entry : tensor.getExternalDataList()) {
      try {
        switch (entry.getKey()) {
          case "location" -> location = entry.getValue();
          case "offset" -> offset = Long.parseLong(entry.getValue());
          case "length" -> length = Long.parseLong(entry.getValue());
          default -> {} // "checksum" and future keys do not change where the bytes are
        }
      } catch (NumberFormatException e) {
        throw NightshiftException.invalid(
            e,
            "%s: tensor '%s' has a bad external data %s '%s'",
            source,
            tensor.getName(),
            entry.getKey(),
            entry.getValue());
      }
    }
    if (folder == null) {
      throw NightshiftException.invalid(
          "%s: tensor '%s' keeps its data in the external file '%s'; optimize the model from its"
              + " file path so the file can be read",
          source, tensor.getName(), location);
    }
    if (location == null || location.isEmpty()) {
      throw NightshiftException.invalid(
          "%s: tensor '%s' has external data with no location", source, tensor.getName());
    }
    Path base = folder.toAbsolutePath().normalize();
    Path file = base.resolve(location).normalize();
    if (!file.startsWith(base)) {
      throw NightshiftException.invalid(
          "%s: tensor '%s' has external data at '%s', outside the model's folder %s",
          source, tensor.getName(), location, base);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long count = length < 0 ? size - offset : length;
      if (offset < 0 || count < 0 || offset + count > size || count > Integer.MAX_VALUE - 8) {
        throw NightshiftException.invalid(
            "%s: tensor '%s' wants bytes %d..%d of external file %s, which has %d bytes",
            source, tensor.getName(), offset, offset + count, file, size);
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) count);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw NightshiftException.invalid(
              "%s: external file %s ended early for tensor '%s'", source, file, tensor.getName());
        }
      }
      buffer.flip();
      return tensor.toBuilder()
          .clearExternalData()
          .setDataLocation(DataLocation.DEFAULT)
          .setRawData(ByteString.copyFrom(buffer))
          .build();
    } catch (IOException e) {
      throw NightshiftException.invalid(
          e,
          "%s: cannot read external data of tensor '%s' from %s: %s",
          source,
          tensor.getName(),
          file,
          e.getMessage());
    }
  }

  /** The serialized model; one over protobuf's 2 GiB limit is refused, naming {@code source}. */
  static byte[] serialize(ModelProto model, String source) {
    int size = model.getSerializedSize();
    if (size < 0) {
      throw NightshiftException.invalid(
          "%s: the optimized model is over 2 GiB, more than one ONNX file can hold", source);
    }
    return model.toByteArray();
  }

  /**
   * Writes {@code bytes} to {@code out} through a temporary sibling, so readers never see half a
   * file.
   */
  static void write(Path out, byte[] bytes) {
    Path target = out.toAbsolutePath();
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      Files.write(temp, bytes);
      try {
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new NightshiftException(
          e, "cannot write the optimized model to %s: %s", out, e.getMessage());
    }
  }
}
