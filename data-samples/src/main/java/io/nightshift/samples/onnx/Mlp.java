package io.nightshift.samples.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A multi-layer perceptron as an ONNX graph: Gemm and Relu per hidden layer, then Gemm and Softmax.
 * Input {@value #INPUT} is float [N, first width], output {@value #OUTPUT} is float [N, last
 * width], with N dynamic.
 *
 * <p>Weights are He-normal (standard deviation sqrt(2 / fan-in)) and biases uniform in ±0.1, drawn
 * from {@link Random} with the given seed, so a name, widths and seed always give the same model.
 *
 * @param name the graph name
 * @param widths layer widths, input first, at least two
 * @param seed seeds the weights
 */
public record Mlp(String name, int[] widths, long seed) {
  public static final String INPUT = "features";
  public static final String OUTPUT = "probabilities";

  private static final double BIAS_RANGE = 0.1;

  /** The benchmark's small MLP, 32→128→64→2. */
  public static Mlp small() {
    return new Mlp("mlp-small", new int[] {32, 128, 64, 2}, 32_128_064_002L);
  }

  /** The benchmark's medium MLP, 64→256→256→2. */
  public static Mlp medium() {
    return new Mlp("mlp-medium", new int[] {64, 256, 256, 2}, 64_256_256_002L);
  }

  public Mlp {
    if (widths.length < 2 || Arrays.stream(widths).anyMatch(w -> w < 1)) {
      throw new IllegalArgumentException(
          "an MLP needs at least two positive widths: " + Arrays.toString(widths));
    }
    widths = widths.clone();
  }

  @Override
  public int[] widths() {
    return widths.clone();
  }

  /** The model, with every weight inline as raw data. */
  public OnnxMl.ModelProto toModel() {
    Random random = new Random(seed);
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName(name);
    graph.addInput(
        OnnxProtos.valueInfo(
            INPUT, OnnxMl.TensorProto.DataType.FLOAT, OnnxProtos.BATCH, (long) widths[0]));
    String x = INPUT;
    int layers = widths.length - 1;
    for (int i = 0; i < layers; i++) {
      int in = widths[i];
      int out = widths[i + 1];
      String w = "layer" + i + ".weight";
      String b = "layer" + i + ".bias";
      graph.addInitializer(
          OnnxProtos.floatTensor(w, new long[] {in, out}, heNormal(random, in, out)));
      graph.addInitializer(OnnxProtos.floatTensor(b, new long[] {out}, uniform(random, out)));
      String gemm = "layer" + i + ".gemm";
      graph.addNode(OnnxProtos.node("Gemm", gemm, List.of(x, w, b), List.of(gemm)));
      boolean last = i == layers - 1;
      String act = last ? OUTPUT : "layer" + i + ".relu";
      OnnxMl.NodeProto.Builder activation =
          OnnxProtos.node(last ? "Softmax" : "Relu", act, List.of(gemm), List.of(act));
      if (last) {
        activation.addAttribute(OnnxProtos.intAttribute("axis", -1));
      }
      graph.addNode(activation);
      x = act;
    }
    graph.addOutput(
        OnnxProtos.valueInfo(
            OUTPUT, OnnxMl.TensorProto.DataType.FLOAT, OnnxProtos.BATCH, (long) widths[layers]));
    String shape =
        Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining("→"));
    return OnnxProtos.model(
        graph.build(),
        String.format(
            "Benchmark MLP %s (%s), Gemm+Relu layers, Gemm+Softmax head; He-normal weights, seed"
                + " %d.",
            name, shape, seed));
  }

  private static float[] heNormal(Random random, int fanIn, int fanOut) {
    double std = Math.sqrt(2.0 / fanIn);
    float[] w = new float[fanIn * fanOut];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    return w;
  }

  private static float[] uniform(Random random, int n) {
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      b[i] = (float) ((random.nextDouble() * 2 - 1) * BIAS_RANGE);
    }
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mlp other
        && name.equals(other.name)
        && Arrays.equals(widths, other.widths)
        && seed == other.seed;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(widths)) + Long.hashCode(seed);
  }

  @Override
  public String toString() {
    return "Mlp[name=" + name + ", widths=" + Arrays.toString(widths) + ", seed=" + seed + "]";
  }
}
