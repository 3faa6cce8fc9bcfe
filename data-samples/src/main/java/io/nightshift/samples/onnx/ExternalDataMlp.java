package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerationException;
import io.nightshift.samples.SampleGenerator;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an {@link Mlp} in the ONNX external-data format: the model file keeps the graph, and each
 * initializer's bytes live in a data file beside it, the tensor naming it with {@code data_location
 * = EXTERNAL} and {@code location}/{@code offset}/{@code length} entries. This is how models above
 * protobuf's 2 GB limit are stored, and such a model can only be loaded from its path (the data
 * file is found relative to it).
 */
public final class ExternalDataMlp implements SampleGenerator {
  /**
   * Each tensor starts at a multiple of this, so the data can be memory-mapped and read aligned.
   */
  static final int ALIGNMENT = 64;

  private final Mlp mlp;
  private final Path onnx;
  private final Path data;

  /** {@code data} must sit in the same folder as {@code onnx}: the model names it by file name. */
  public ExternalDataMlp(Mlp mlp, Path onnx, Path data) {
    if (!onnx.toAbsolutePath().getParent().equals(data.toAbsolutePath().getParent())) {
      throw new IllegalArgumentException(
          "external data " + data + " must be in the same folder as the model " + onnx);
    }
    this.mlp = mlp;
    this.onnx = onnx;
    this.data = data;
  }

  @Override
  public String name() {
    return mlp.name() + " with external data";
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx, data);
  }

  @Override
  public void generate() {
    OnnxMl.ModelProto inline = mlp.toModel();
    OnnxMl.GraphProto.Builder graph = inline.getGraph().toBuilder();
    String location = data.getFileName().toString();
    // Data file first: a model file alone would point at a file that is not there.
    OutputFiles.write(
        data,
        file -> {
          try (OutputStream out = Files.newOutputStream(file)) {
            long offset = 0;
            for (OnnxMl.TensorProto.Builder tensor : graph.getInitializerBuilderList()) {
              long padding = (ALIGNMENT - offset % ALIGNMENT) % ALIGNMENT;
              out.write(new byte[(int) padding]);
              offset += padding;
              long length = tensor.getRawData().size();
              if (length == 0) {
                throw new SampleGenerationException(
                    "%s: initializer %s has no raw data to move", mlp.name(), tensor.getName());
              }
              tensor.getRawData().writeTo(out);
              tensor
                  .clearRawData()
                  .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                  .addExternalData(entry("location", location))
                  .addExternalData(entry("offset", Long.toString(offset)))
                  .addExternalData(entry("length", Long.toString(length)));
              offset += length;
            }
          }
        });
    OnnxMl.ModelProto external =
        inline.toBuilder()
            .setGraph(graph)
            .setDocString(inline.getDocString() + " Weights in external data: " + location + ".")
            .build();
    OutputFiles.write(
        onnx,
        file -> {
          try (OutputStream out = Files.newOutputStream(file)) {
            external.writeTo(out);
          }
        });
  }

  private static OnnxMl.StringStringEntryProto entry(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }
}
