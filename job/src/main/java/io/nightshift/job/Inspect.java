package io.nightshift.job;

import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSource;
import io.nightshift.spark.Predictor;
import org.apache.hadoop.conf.Configuration;

/** {@code inspect}: a model's inputs and outputs, size and checksum. */
final class Inspect {
  private Inspect() {}

  static String describe(String uri, Configuration conf) {
    byte[] bytes = ModelSource.read(uri, conf);
    ModelSignature sig = Predictor.inspect(bytes, uri);
    return "model: " + uri + "\n"
        + "size: " + bytes.length + " bytes\n"
        + "sha256: " + ModelPayload.sha256(bytes) + "\n"
        + sig.describe();
  }
}
