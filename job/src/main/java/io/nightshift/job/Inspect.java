package io.nightshift.job;

import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSkeleton;
import io.nightshift.model.ModelSource;
import io.nightshift.spark.Predictor;
import org.apache.hadoop.conf.Configuration;

/** {@code inspect}: a model's inputs and outputs, size and checksum (a local file is read from its path, never whole). */
final class Inspect {
  private Inspect() {}

  static String describe(String uri, Configuration conf) {
    java.net.URI local = new org.apache.hadoop.fs.Path(uri).toUri();
    if (!ModelSource.isHttp(uri) && (local.getScheme() == null || "file".equals(local.getScheme()))) {
      // A local file is never read whole: sha256 and graph streamed, signature loaded from its path.
      long size = ModelSource.length(uri, conf, "model file", "an ONNX file");
      ModelSkeleton.Read read = ModelSkeleton.read(uri, conf);
      ModelSignature sig = Predictor.inspect(java.nio.file.Path.of(local.getPath()), read.model(), uri);
      return "model: " + uri + "\n"
          + "size: " + size + " bytes\n"
          + "sha256: " + read.sha256() + "\n"
          + sig.describe();
    }
    byte[] bytes = ModelSource.read(uri, conf);
    ModelSignature sig = Predictor.inspect(bytes, uri);
    return "model: " + uri + "\n"
        + "size: " + bytes.length + " bytes\n"
        + "sha256: " + ModelPayload.sha256(bytes) + "\n"
        + sig.describe();
  }
}
