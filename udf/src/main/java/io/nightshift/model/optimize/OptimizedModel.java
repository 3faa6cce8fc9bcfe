package io.nightshift.model.optimize;

/**
 * An optimized model's bytes and the report of what was done. The array is the caller's: it is not
 * copied, so do not change it while the model is in use.
 *
 * @param bytes the ONNX model, serialized (the input bytes themselves if the model was kept as it
 *     was)
 * @param report what was converted, skipped and changed
 */
public record OptimizedModel(byte[] bytes, OptimizeReport report) {}
