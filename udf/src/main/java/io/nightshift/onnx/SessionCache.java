package io.nightshift.onnx;

import ai.onnxruntime.OrtException;
import io.nightshift.NightshiftException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one JVM (an executor, or the driver in local mode), at most one per {@link
 * SessionKey} (model sha256 x device), shared by every task thread of the JVM.
 *
 * <p>Tasks {@link #acquire} a {@link Lease} and close the lease, never the session. The cache holds
 * at most {@code capacity} sessions: when a new one is needed, the least recently used sessions
 * with no lease out are closed. {@link #invalidate} and {@link #clear} close sessions explicitly
 * (a session still leased is closed when its last lease is returned). The shared {@code
 * OrtEnvironment} is never closed. Thread-safe; a session is created once even when several
 * tasks ask for it at the same time.
 */
public final class SessionCache {
  private static final Logger LOG = LoggerFactory.getLogger(SessionCache.class);
  private static final SessionCache SHARED = new SessionCache();

  private final Map<SessionKey, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong created = new AtomicLong();

  /** The cache of this JVM. */
  public static SessionCache shared() {
    return SHARED;
  }

  /**
   * A lease on the session for {@code key}, created by {@code loader} when absent. {@code
   * capacity} bounds how many sessions stay open.
   */
  public synchronized Lease acquire(SessionKey key, int capacity, Supplier<ScoringSession> loader) {
    Entry entry = entries.get(key);
    if (entry == null) {
      evictIdle(Math.max(0, capacity - 1));
      entry = new Entry(key, loader.get());
      created.incrementAndGet();
      entries.put(key, entry);
    }
    entry.leases++;
    return new Lease(entry);
  }

  /** Sessions this JVM has created since it started (for tests and manifests). */
  public long sessionsCreated() {
    return created.get();
  }

  /** Sessions open now. */
  public synchronized int size() {
    return entries.size();
  }

  /** Closes the session for {@code key} (at once if idle, else when its last lease returns). */
  public synchronized void invalidate(SessionKey key) {
    Entry entry = entries.remove(key);
    if (entry != null) {
      entry.retired = true;
      if (entry.leases == 0) {
        entry.close();
      }
    }
  }

  /** Closes every session (leased ones when returned). */
  public synchronized void clear() {
    for (SessionKey key : new ArrayList<>(entries.keySet())) {
      invalidate(key);
    }
  }

  private void evictIdle(int keep) {
    Iterator<Entry> it = entries.values().iterator();
    List<Entry> victims = new ArrayList<>();
    int open = entries.size();
    while (open > keep && it.hasNext()) {
      Entry e = it.next();
      if (e.leases == 0) {
        it.remove();
        victims.add(e);
        open--;
      }
    }
    for (Entry e : victims) {
      LOG.info("Closing idle session {} to stay within the session cache size", e.key);
      e.close();
    }
  }

  private synchronized void release(Entry entry) {
    entry.leases--;
    if (entry.leases == 0 && entry.retired) {
      entry.close();
    }
  }

  private static final class Entry {
    final SessionKey key;
    final ScoringSession session;
    int leases;
    boolean retired;
    boolean closed;

    Entry(SessionKey key, ScoringSession session) {
      this.key = key;
      this.session = session;
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        session.close();
      } catch (OrtException e) {
        throw new NightshiftException(e, "cannot close the session of %s: %s", key, e.getMessage());
      }
    }
  }

  /** A task's use of a cached session. Closing it returns the lease; the session stays open. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean returned;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The shared session. */
    public ScoringSession session() {
      if (returned || entry.closed) {
        throw new IllegalStateException("session lease for " + entry.key + " is already closed");
      }
      return entry.session;
    }

    @Override
    public void close() {
      if (!returned) {
        returned = true;
        release(entry);
      }
    }
  }
}
