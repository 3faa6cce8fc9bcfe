package io.nightshift.model;

import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.CudaOptions;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;

/** A model shipped as one zstd-compressed broadcast; decompressed and verified on load. */
public record BroadcastModel(String sha256, Broadcast<ModelPayload> payload) implements ShippedModel {

  @Override
  public ScoringSession load(
      String name, Device device, Enums.Device wanted, int threads, CudaOptions cuda,
      String customOpsLibrary, Configuration conf) {
    byte[] model = payload.value().open();
    ModelCache.countFetch();
    return SessionFactory.create(model, name, device, wanted, threads, cuda, customOpsLibrary);
  }
}
