package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerator;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model that fails on some rows at run time, for bad-row bisection: {@code Gather(axis=0)} of a
 * constant 10×2 float table by the input {@value #INPUT} int64 [N, 1], giving {@value #OUTPUT}
 * float [N, 1, 2]. Indices in [-10, 9] are good (negative ones count from the end); any other index
 * makes ONNX Runtime fail the whole batch.
 *
 * <p>Row {@code i} of the table is {@code [i, 100 + i]}, so a result names the row it came from.
 */
public final class GatherModel implements SampleGenerator {
  public static final String INPUT = "index";
  public static final String OUTPUT = "value";
  public static final int ROWS = 10;
  public static final int COLUMNS = 2;

  private final Path onnx;

  public GatherModel(Path onnx) {
    this.onnx = onnx;
  }

  /**
   * The value the model returns for a good index: row {@code index} (mod {@value #ROWS}) of the
   * table.
   */
  public static float[] row(long index) {
    long i = index < 0 ? index + ROWS : index;
    return new float[] {i, 100 + i};
  }

  @Override
  public String name() {
    return "faulty gather";
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx);
  }

  @Override
  public void generate() {
    float[] table = new float[ROWS * COLUMNS];
    for (int i = 0; i < ROWS; i++) {
      System.arraycopy(row(i), 0, table, i * COLUMNS, COLUMNS);
    }
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("faulty-gather")
            .addInput(
                OnnxProtos.valueInfo(
                    INPUT, OnnxMl.TensorProto.DataType.INT64, OnnxProtos.BATCH, 1L))
            .addInitializer(OnnxProtos.floatTensor("table", new long[] {ROWS, COLUMNS}, table))
            .addNode(
                OnnxProtos.node("Gather", "gather", List.of("table", INPUT), List.of(OUTPUT))
                    .addAttribute(OnnxProtos.intAttribute("axis", 0)))
            .addOutput(
                OnnxProtos.valueInfo(
                    OUTPUT,
                    OnnxMl.TensorProto.DataType.FLOAT,
                    OnnxProtos.BATCH,
                    1L,
                    (long) COLUMNS))
            .build();
    OutputFiles.write(
        onnx,
        file -> {
          try (OutputStream out = Files.newOutputStream(file)) {
            OnnxProtos.model(
                    graph,
                    "Gather(axis=0) of a 10x2 table [i, 100+i] by an int64 index [N,1];"
                        + " an index outside [-10, 9] fails the run (bad-row tests).")
                .writeTo(out);
          }
        });
  }
}
