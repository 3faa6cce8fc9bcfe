package io.nightshift.model.optimize;

import java.nio.file.Path;

/** {@link DynamicInt8TextModelTest} on all-MiniLM-L6-v2 fp32 (6 layers, mean pooling). */
class DynamicInt8MiniLmTest extends DynamicInt8TextModelTest {
  @Override
  Path model() {
    return MiniLmSample.model();
  }

  @Override
  Path tokenizer() {
    return MiniLmSample.tokenizer();
  }

  @Override
  boolean cls() {
    return false;
  }

  @Override
  int every() {
    return 30;
  }

  @Override
  int mails() {
    return 202;
  }

  @Override
  int layers() {
    return 6;
  }

  @Override
  double[] sizeRatio() {
    // 47 MB of the 90 MB stay float32.
    return new double[] {0.60, 0.70};
  }
}
