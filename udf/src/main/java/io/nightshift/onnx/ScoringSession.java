package io.nightshift.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * An open ONNX Runtime session with what it really runs on. Owned by {@link SessionCache}; tasks
 * borrow it through a {@link SessionCache.Lease} and never close it. Thread-safe: {@code
 * OrtSession.run} may be called from several task threads at once.
 *
 * @param provider the execution provider that really ran, e.g. {@code CPUExecutionProvider}
 * @param fallbackReason why a GPU was wanted but the CPU is used, or empty
 */
public record ScoringSession(
    OrtSession session, Device device, String provider, String fallbackReason, long loadMillis)
    implements AutoCloseable {

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
