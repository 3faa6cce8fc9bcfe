package io.nightshift.model;

import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.CudaOptions;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * A model as the driver shipped it, seen from an executor: either a compressed broadcast, opened
 * into memory ({@link BroadcastModel}), or files fetched into the local {@link ModelCache} and
 * loaded from a path ({@link FileModel}), the way for models above 2 GiB and external data.
 * Serializable; holds no native resources. Each {@link #load} makes a new session that the caller
 * owns (the session cache calls it once per JVM and device).
 */
public sealed interface ShippedModel extends Serializable permits BroadcastModel, FileModel {

  /** The model's identity (sha256), the session cache key. */
  String sha256();

  /**
   * Fetches the model if needed, verifies its checksum, and opens a session on {@code device},
   * registering the job's allowed custom-op library first ({@code customOpsLibrary}, empty: none).
   */
  ScoringSession load(
      String name, Device device, Enums.Device wanted, int threads, CudaOptions cuda,
      String customOpsLibrary, Configuration conf);
}
