package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import io.nightshift.samples.SampleGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model over the narrow tensor types: inputs {@link #INPUTS} (bool, int8, uint8, int16, float16),
 * each [N, 1], each cast to float and concatenated into {@value #VALUES} float [N, 5] in that
 * order; the float16 input also comes back unchanged as {@value #HALF} float16 [N, 1]. So a row's
 * output is exactly what was fed.
 */
public final class TypedInputsModel implements SampleGenerator {
  public static final List<String> INPUTS = List.of("flag", "tiny", "octet", "small", "half_in");
  public static final String VALUES = "values";
  public static final String HALF = "half_out";

  private static final List<OnnxMl.TensorProto.DataType> TYPES =
      List.of(
          OnnxMl.TensorProto.DataType.BOOL,
          OnnxMl.TensorProto.DataType.INT8,
          OnnxMl.TensorProto.DataType.UINT8,
          OnnxMl.TensorProto.DataType.INT16,
          OnnxMl.TensorProto.DataType.FLOAT16);

  private final Path onnx;

  public TypedInputsModel(Path onnx) {
    this.onnx = onnx;
  }

  @Override
  public String name() {
    return "typed inputs (bool, int8, uint8, int16, float16)";
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx);
  }

  @Override
  public void generate() {
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("typed-inputs");
    List<String> casts = new ArrayList<>();
    for (int i = 0; i < INPUTS.size(); i++) {
      String in = INPUTS.get(i);
      graph.addInput(OnnxProtos.valueInfo(in, TYPES.get(i), OnnxProtos.BATCH, 1L));
      graph.addNode(
          OnnxProtos.node("Cast", "cast_" + in, List.of(in), List.of(in + "_float"))
              .addAttribute(OnnxProtos.intAttribute("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber())));
      casts.add(in + "_float");
    }
    graph.addNode(
        OnnxProtos.node("Concat", "concat", casts, List.of(VALUES))
            .addAttribute(OnnxProtos.intAttribute("axis", 1)));
    graph.addNode(OnnxProtos.node("Identity", "half", List.of("half_in"), List.of(HALF)));
    graph.addOutput(
        OnnxProtos.valueInfo(VALUES, OnnxMl.TensorProto.DataType.FLOAT, OnnxProtos.BATCH, (long) INPUTS.size()));
    graph.addOutput(OnnxProtos.valueInfo(HALF, OnnxMl.TensorProto.DataType.FLOAT16, OnnxProtos.BATCH, 1L));
    OnnxProtos.write(
        onnx,
        OnnxProtos.model(
            graph.build(), "Casts bool, int8, uint8, int16 and float16 inputs to float; echoes the float16 one."));
  }
}
