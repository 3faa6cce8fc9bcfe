package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import io.nightshift.samples.SampleGenerator;
import java.nio.file.Path;
import java.util.List;

/**
 * A regressor exported with a fixed batch of one, as a PyTorch or sklearn export without a dynamic
 * axis is: {@code LinearRegressor} (ai.onnx.ml) over the float input {@value #INPUT} [1, 4] ({@link
 * TreeEnsembleModel#FEATURES}), giving {@value #OUTPUT} float [1, 1] = {@code INTERCEPT + sum_f
 * COEFFICIENTS[f] * x[f]}.
 */
public final class FixedBatchRegressor implements SampleGenerator {
  public static final String INPUT = "input";
  public static final String OUTPUT = "variable";

  public static final float[] COEFFICIENTS = {12.5f, -40.0f, 18.25f, 0.5f};
  public static final float INTERCEPT = -3100.0f;

  private final Path onnx;

  public FixedBatchRegressor(Path onnx) {
    this.onnx = onnx;
  }

  @Override
  public String name() {
    return "fixed-batch regressor ([1, 4] LinearRegressor)";
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx);
  }

  @Override
  public void generate() {
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("penguins-fixed-batch-regressor")
            .addInput(OnnxProtos.valueInfo(INPUT, OnnxMl.TensorProto.DataType.FLOAT, 1L, 4L))
            .addNode(
                OnnxProtos.mlNode("LinearRegressor", "linear", List.of(INPUT), List.of(OUTPUT))
                    .addAttribute(OnnxProtos.floatsAttribute("coefficients", COEFFICIENTS))
                    .addAttribute(OnnxProtos.floatsAttribute("intercepts", INTERCEPT))
                    .addAttribute(OnnxProtos.intAttribute("targets", 1)))
            .addOutput(OnnxProtos.valueInfo(OUTPUT, OnnxMl.TensorProto.DataType.FLOAT, 1L, 1L))
            .build();
    OnnxProtos.write(
        onnx,
        OnnxProtos.mlModel(graph, "A linear regressor with a fixed [1, 4] input: one row per run."));
  }
}
