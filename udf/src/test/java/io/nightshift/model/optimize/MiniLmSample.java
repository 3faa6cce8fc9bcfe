package io.nightshift.model.optimize;

import io.nightshift.samples.Samples;
import java.nio.file.Path;

/** Where the tests find the real all-MiniLM-L6-v2 fp32 model and its tokenizer (data-samples). */
final class MiniLmSample {
  private MiniLmSample() {}

  /** The fp32 {@code model.onnx}. */
  static Path model() {
    return Samples.minilmFp32Model();
  }

  /** The Hugging Face {@code tokenizer.json}. */
  static Path tokenizer() {
    return Samples.minilmFp32Tokenizer();
  }
}
