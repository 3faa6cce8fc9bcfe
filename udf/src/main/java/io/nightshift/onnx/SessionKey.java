package io.nightshift.onnx;

import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.CudaOptions;

/**
 * What a cached session is for: one model (by sha256) on one device, opened with one set of session
 * options. Every option that changes how the session is built is part of the key, so two predictors
 * in one JVM that differ only in, say, threads or CUDA options never share a session.
 *
 * @param modelSha256 the shipped model's checksum
 * @param deviceId the device the session runs on, e.g. {@code cpu} or {@code cuda:0}
 * @param preference the configured device preference ({@code model.device}), which decides fallback
 * @param threads intra-op threads
 * @param cuda the CUDA provider options
 * @param customOpsLibrary the custom-op library registered with the session, "" for none
 */
public record SessionKey(
    String modelSha256,
    String deviceId,
    Enums.Device preference,
    int threads,
    CudaOptions cuda,
    String customOpsLibrary) {}
