package io.nightshift.model.optimize;

/** The number format {@link ModelOptimizer} stores a model's weights in. */
public enum Precision {
  /**
   * Weight-only int8: large float weights become int8 with a per-channel scale, dequantized back to
   * float32 by a {@code DequantizeLinear} node in the graph. Activations stay float32, so a row's
   * result does not depend on the other rows of its batch.
   */
  INT8,
  /**
   * Dynamic int8: MatMul and Gemm weights become int8 with a scale per output column and run on ONNX
   * Runtime's integer kernels ({@code com.microsoft} {@code MatMulIntegerToFloat}), whose float
   * activations are quantized to uint8 as they run: with one scale per call when several rewritten
   * nodes share the activation (a layer's Q, K and V), else one scale per row; every other tensor
   * (embedding tables included) stays float32. A per-call scale covers the whole call, so a row's
   * result depends on the rows run with it unless it runs alone: the job scores such models one row
   * per call (see {@link ModelOptimizer#batchDependent}). Needs ONNX Runtime (the contrib operators)
   * to run the result.
   */
  INT8_DYNAMIC,
  /**
   * Every float32 initializer stored as float16 and cast back to float32 by a {@code Cast} node in
   * the graph, so the model's inputs, outputs and arithmetic stay float32.
   */
  FP16
}
