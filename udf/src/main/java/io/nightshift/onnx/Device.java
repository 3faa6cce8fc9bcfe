package io.nightshift.onnx;

import java.io.Serializable;

/** Where a session runs: the CPU, or one CUDA GPU by its id. */
public record Device(Kind kind, int gpuId) implements Serializable {
  /** The execution provider family. */
  public enum Kind { CPU, CUDA }

  public static final Device CPU = new Device(Kind.CPU, -1);

  public static Device cuda(int gpuId) {
    return new Device(Kind.CUDA, gpuId);
  }

  /** A stable id for cache keys and manifests: {@code cpu} or {@code cuda:N}. */
  public String id() {
    return kind == Kind.CPU ? "cpu" : "cuda:" + gpuId;
  }

  @Override
  public String toString() {
    return id();
  }
}
