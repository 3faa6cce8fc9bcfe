package io.nightshift.onnx;

import io.nightshift.cache.LeaseCache;

/**
 * The ONNX Runtime sessions of one JVM (an executor, or the driver in local mode), at most one
 * per {@link SessionKey} (model sha256 x device x session options), shared by every task thread of the JVM: tasks
 * lease a session and never close it (see {@link LeaseCache}). The shared {@code OrtEnvironment}
 * is never closed.
 */
public final class SessionCache extends LeaseCache<SessionKey, ScoringSession> {
  private static final SessionCache SHARED = new SessionCache();

  private SessionCache() {
    super("session");
  }

  /** The cache of this JVM. */
  public static SessionCache shared() {
    return SHARED;
  }

  /** Sessions this JVM has created since it started (for tests and manifests). */
  public long sessionsCreated() {
    return created();
  }
}
