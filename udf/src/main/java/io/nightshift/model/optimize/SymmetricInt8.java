package io.nightshift.model.optimize;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Symmetric int8 quantization of float32 weights, shared by {@link Int8WeightQuantizer} and {@link
 * DynamicInt8Quantizer}: zero point 0, values in [-127, 127], one scale per channel of an axis
 * ({@code max|w| / 127} over the channel), and the checks both make before quantizing an
 * initializer. Stateless and thread-safe.
 */
final class SymmetricInt8 {
  /** The largest level; -128 is left out so that w and -w quantize alike. */
  static final int LEVELS = 127;

  private SymmetricInt8() {}

  /**
   * Weights quantized along one axis.
   *
   * @param values the int8 levels, in the layout of the float values
   * @param scales one per index of the axis
   * @param maxAbsError the largest |w - level × scale| over all values
   */
  record Levels(byte[] values, float[] scales, double maxAbsError) {}

  /**
   * Quantizes {@code values} (row-major, shape {@code dims}) with one scale per index of {@code
   * axis}. An all-zero channel gets scale 1: any positive scale will do, as every value is 0.
   */
  static Levels along(float[] values, long[] dims, int axis) {
    int channels = (int) dims[axis];
    int inner = 1;
    for (int d = axis + 1; d < dims.length; d++) {
      inner *= (int) dims[d];
    }
    int outer = channels == 0 || inner == 0 ? 0 : values.length / (channels * inner);
    float[] maxAbs = new float[channels];
    for (int o = 0; o < outer; o++) {
      for (int c = 0; c < channels; c++) {
        int start = (o * channels + c) * inner;
        for (int i = start; i < start + inner; i++) {
          maxAbs[c] = Math.max(maxAbs[c], Math.abs(values[i]));
        }
      }
    }
    float[] scales = new float[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = maxAbs[c] > 0 ? maxAbs[c] / LEVELS : 1f;
    }
    byte[] quantized = new byte[values.length];
    double maxError = 0;
    for (int o = 0; o < outer; o++) {
      for (int c = 0; c < channels; c++) {
        float scale = scales[c];
        int start = (o * channels + c) * inner;
        for (int i = start; i < start + inner; i++) {
          long q = Math.max(-LEVELS, Math.min(LEVELS, (long) Math.rint(values[i] / scale)));
          quantized[i] = (byte) q;
          maxError = Math.max(maxError, Math.abs(values[i] - q * scale));
        }
      }
    }
    return new Levels(quantized, scales, maxError);
  }

  /**
   * Fails with the reason when an initializer must stay as it is whatever reads it: fewer than
   * {@code minElements} values, a graph input or output, or read inside a subgraph.
   */
  static void checkUse(TensorProto tensor, GraphUses uses, long minElements) throws SkipTensor {
    String name = tensor.getName();
    long count = TensorData.elementCount(tensor);
    if (count >= 0 && count < minElements) {
      throw new SkipTensor(count + " values, below the int8 threshold of " + minElements);
    }
    if (uses.isGraphInput(name)) {
      throw new SkipTensor("also a graph input, so a caller may feed another value");
    }
    if (uses.isGraphOutput(name)) {
      throw new SkipTensor("also a graph output, whose value must stay exact");
    }
    String subgraphReader = uses.subgraphReader(name);
    if (subgraphReader != null) {
      throw new SkipTensor(
          "read inside the subgraph of " + subgraphReader + "; subgraphs are left as they are");
    }
  }

  /** The float32 values of {@code tensor}, or a reason to skip when one is NaN or infinite. */
  static float[] finiteFloats(TensorProto tensor) throws SkipTensor {
    float[] values = TensorData.floats(tensor);
    for (float value : values) {
      if (!Float.isFinite(value)) {
        throw new SkipTensor("holds NaN or infinite values");
      }
    }
    return values;
  }
}
