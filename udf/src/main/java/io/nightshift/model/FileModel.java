package io.nightshift.model;

import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.CudaOptions;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionFactory;
import org.apache.hadoop.conf.Configuration;

/**
 * A model shipped as files: fetched once per JVM into the local {@link ModelCache} (verified file
 * by file) and loaded by ONNX Runtime from that path, so neither the model nor its external data
 * ever passes through a Java array.
 *
 * @param cacheDir {@code model.cache-dir}; empty for java.io.tmpdir
 */
public record FileModel(ModelBundle bundle, String cacheDir) implements ShippedModel {

  @Override
  public String sha256() {
    return bundle.sha256();
  }

  @Override
  public ScoringSession load(
      String name, Device device, Enums.Device wanted, int threads, CudaOptions cuda,
      String customOpsLibrary, Configuration conf) {
    return SessionFactory.create(ModelCache.fetch(bundle, cacheDir, conf), name, device, wanted, threads, cuda, customOpsLibrary);
  }
}
