package io.nightshift.onnx;

/** What a cached session is for: one model (by sha256) on one device. */
public record SessionKey(String modelSha256, String deviceId) {}
