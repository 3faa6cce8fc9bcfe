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
   * Every float32 initializer stored as float16 and cast back to float32 by a {@code Cast} node in
   * the graph, so the model's inputs, outputs and arithmetic stay float32.
   */
  FP16
}
