package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.nightshift.NightshiftException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an ONNX model smaller by storing its weights in fewer bits, in pure Java: reads the
 * protobuf, rewrites the graph, writes the protobuf. See {@link Precision} for the two formats;
 * {@link Int8WeightQuantizer} and {@link Fp16Converter} say exactly which tensors change and which
 * are left, and why. Only the main graph's initializers change; nodes are added, never removed, and
 * the model's inputs and outputs keep their names, types and shapes.
 *
 * <p>Already quantized models (quantization operators, or int8/uint8/int4/float8 initializers) are
 * kept as they are: the output is the input, byte for byte, and {@link
 * OptimizeReport#alreadyQuantized()} is true with the evidence; the caller decides whether that is
 * an error. Input that is not an ONNX model fails with {@link NightshiftException#invalid} naming
 * the file. External tensor data is read from files beside the model (inside its folder) and
 * written into the output, which is one self-contained file of at most 2 GiB; given bytes instead
 * of a path, external data is refused, naming the tensor.
 *
 * <p>Immutable and thread-safe; holds no resources. Needs the whole model in memory, a few times
 * over while rewriting.
 */
public final class ModelOptimizer {
  /** Default threshold: float tensors with fewer values than this stay float32 under INT8. */
  public static final int DEFAULT_MIN_INT8_ELEMENTS = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ModelOptimizer.class);

  private final int minInt8Elements;

  /** An optimizer with the default int8 size threshold. */
  public ModelOptimizer() {
    this(DEFAULT_MIN_INT8_ELEMENTS);
  }

  /**
   * An optimizer that quantizes only float tensors of at least {@code minInt8Elements} values under
   * {@link Precision#INT8}; small tensors (biases, norms) cost little and lose most.
   */
  public ModelOptimizer(int minInt8Elements) {
    if (minInt8Elements < 1) {
      throw NightshiftException.invalid(
          "the int8 size threshold must be at least 1 value, not %d", minInt8Elements);
    }
    this.minInt8Elements = minInt8Elements;
  }

  /**
   * Optimizes the model file {@code in} and writes the result to {@code out} (atomically; it may be
   * the same path). External data of {@code in} is read relative to its folder.
   */
  public OptimizeReport optimize(Path in, Precision precision, Path out) {
    Objects.requireNonNull(out, "out");
    byte[] bytes = ModelFile.read(in);
    Path folder = in.toAbsolutePath().getParent();
    OptimizedModel result = optimize(bytes, in.toString(), folder, precision);
    ModelFile.write(out, result.bytes());
    return result.report();
  }

  /**
   * Optimizes a model given as bytes; {@code name} names it in messages and the report. A model
   * with external data is refused: use {@link #optimize(Path, Precision, Path)}. {@code model} is
   * read in place, so it must not change during the call.
   */
  public OptimizedModel optimize(byte[] model, String name, Precision precision) {
    return optimize(model, name, null, precision);
  }

  private OptimizedModel optimize(byte[] bytes, String source, Path folder, Precision precision) {
    Objects.requireNonNull(precision, "precision");
    long started = System.nanoTime();
    ModelProto model = ModelFile.parse(bytes, source);
    int nodes = model.getGraph().getNodeCount();
    int initializers = model.getGraph().getInitializerCount();

    List<String> markers = QuantizationMarkers.find(model);
    if (!markers.isEmpty()) {
      LOG.info("{} is quantized already ({}); kept as it is", source, markers.get(0));
      OptimizeReport report =
          new OptimizeReport(
              source,
              precision,
              bytes.length,
              bytes.length,
              nodes,
              nodes,
              initializers,
              initializers,
              List.of(),
              List.of(),
              markers,
              List.of());
      return new OptimizedModel(bytes, report);
    }

    model = ModelFile.inlineExternalData(model, folder, source);
    Rewrite rewrite =
        switch (precision) {
          case INT8 -> new Int8WeightQuantizer(minInt8Elements).apply(model, source);
          case FP16 -> new Fp16Converter().apply(model);
          case INT8_DYNAMIC -> dynamicInt8(model);
        };
    byte[] out = ModelFile.serialize(rewrite.model(), source);
    OptimizeReport report =
        new OptimizeReport(
            source,
            precision,
            bytes.length,
            out.length,
            nodes,
            rewrite.model().getGraph().getNodeCount(),
            initializers,
            rewrite.model().getGraph().getInitializerCount(),
            rewrite.converted(),
            rewrite.skipped(),
            List.of(),
            rewrite.notes());
    LOG.info(
        "optimized {} to {} in {} ms: {} -> {} bytes, {} tensor(s) converted, {} skipped",
        source,
        precision,
        (System.nanoTime() - started) / 1_000_000,
        bytes.length,
        out.length,
        report.converted().size(),
        report.skipped().size());
    return new OptimizedModel(out, report);
  }

  /**
   * MatMul/Gemm weights onto integer kernels; every other initializer stays float32 and is listed
   * as skipped, so the report accounts for each. Gather tables are not quantized weight-only here: a
   * {@code DequantizeLinear} of a whole embedding table runs in every call (ONNX Runtime does not
   * fold it), which at one row per call costs more than the integer kernels save.
   */
  private Rewrite dynamicInt8(ModelProto model) {
    Rewrite dynamic = new DynamicInt8Quantizer(minInt8Elements).apply(model);
    java.util.Set<String> seen = new java.util.HashSet<>();
    dynamic.converted().forEach(c -> seen.add(c.name()));
    dynamic.skipped().forEach(s -> seen.add(s.name()));
    List<OptimizeReport.Skipped> skipped = new java.util.ArrayList<>(dynamic.skipped());
    for (ai.onnx.proto.OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
      if (!seen.contains(t.getName())) {
        skipped.add(new OptimizeReport.Skipped(t.getName(),
            "not a MatMul/Gemm weight (B); int8-dynamic keeps it as it is"));
      }
    }
    skipped.addAll(Rewrite.subgraphInitializers(model.getGraph()));
    return new Rewrite(dynamic.model(), dynamic.converted(), skipped, dynamic.notes());
  }

  /**
   * The first operator of {@code model} whose results for one row depend on the other rows run with
   * it (dynamic activation quantization: one scale per call), described for people; empty when there
   * is none. Such a model must run one row per call to be deterministic.
   */
  public static java.util.Optional<String> batchDependent(ModelProto model) {
    return QuantizationMarkers.batchDependent(model);
  }
}
