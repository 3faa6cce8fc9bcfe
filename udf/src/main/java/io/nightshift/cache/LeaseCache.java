package io.nightshift.cache;

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
 * A bounded, per-JVM cache of expensive native objects (ONNX Runtime sessions, tokenizers), at
 * most one per key, shared by every task thread of the JVM.
 *
 * <p>Tasks {@link #acquire} a {@link Lease} and close the lease, never the object. At most {@code
 * capacity} objects stay open: when a new one is needed, the least recently used ones with no
 * lease out are closed. {@link #invalidate} and {@link #clear} close objects explicitly (one still
 * leased is closed when its last lease is returned). Thread-safe; an object is created once even
 * when several tasks ask for it at the same time (creation holds the cache's lock).
 *
 * @param <K> what an object is for
 * @param <V> the object; the cache owns it and closes it
 */
public class LeaseCache<K, V extends AutoCloseable> {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseCache.class);

  private final String what;
  private final Map<K, Entry<K, V>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong created = new AtomicLong();

  /** {@code what} names the objects in logs and errors, e.g. "session". */
  protected LeaseCache(String what) {
    this.what = what;
  }

  /** A lease on the object for {@code key}, created by {@code loader} when absent. */
  public synchronized Lease<V> acquire(K key, int capacity, Supplier<V> loader) {
    Entry<K, V> entry = entries.get(key);
    if (entry == null) {
      evictIdle(Math.max(0, capacity - 1));
      entry = new Entry<>(key, loader.get());
      created.incrementAndGet();
      entries.put(key, entry);
    }
    entry.leases++;
    return new Lease<>(this, entry);
  }

  /** Objects this JVM has created since it started (for tests and manifests). */
  public long created() {
    return created.get();
  }

  /** Leases out now, over every object (for tests: zero once every task has ended). */
  public synchronized int leases() {
    int n = 0;
    for (Entry<K, V> e : entries.values()) {
      n += e.leases;
    }
    return n;
  }

  /** Objects open now. */
  public synchronized int size() {
    return entries.size();
  }

  /** Closes the object for {@code key} (at once if idle, else when its last lease returns). */
  public synchronized void invalidate(K key) {
    Entry<K, V> entry = entries.remove(key);
    if (entry != null) {
      entry.retired = true;
      if (entry.leases == 0) {
        close(entry);
      }
    }
  }

  /** Closes every object (leased ones when returned). */
  public synchronized void clear() {
    for (K key : new ArrayList<>(entries.keySet())) {
      invalidate(key);
    }
  }

  private void evictIdle(int keep) {
    Iterator<Entry<K, V>> it = entries.values().iterator();
    List<Entry<K, V>> victims = new ArrayList<>();
    int open = entries.size();
    while (open > keep && it.hasNext()) {
      Entry<K, V> e = it.next();
      if (e.leases == 0) {
        it.remove();
        victims.add(e);
        open--;
      }
    }
    for (Entry<K, V> e : victims) {
      LOG.info("Closing idle {} {} to stay within the cache size", what, e.key);
      close(e);
    }
  }

  private synchronized void release(Entry<K, V> entry) {
    entry.leases--;
    if (entry.leases == 0 && entry.retired) {
      close(entry);
    }
  }

  private void close(Entry<K, V> entry) {
    if (entry.closed) {
      return;
    }
    entry.closed = true;
    try {
      entry.value.close();
    } catch (Exception e) {
      throw new NightshiftException(e, "cannot close the %s of %s: %s", what, entry.key, e.getMessage());
    }
  }

  private static final class Entry<K, V> {
    final K key;
    final V value;
    int leases;
    boolean retired;
    boolean closed;

    Entry(K key, V value) {
      this.key = key;
      this.value = value;
    }
  }

  /** A task's use of a cached object. Closing it returns the lease; the object stays open. */
  public static final class Lease<V extends AutoCloseable> implements AutoCloseable {
    private final LeaseCache<?, V> cache;
    private final Entry<?, V> entry;
    private boolean returned;

    private <K> Lease(LeaseCache<K, V> cache, Entry<K, V> entry) {
      this.cache = cache;
      this.entry = entry;
    }

    /** The shared object. */
    public V value() {
      if (returned || entry.closed) {
        throw new IllegalStateException(cache.what + " lease for " + entry.key + " is already closed");
      }
      return entry.value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void close() {
      if (!returned) {
        returned = true;
        ((LeaseCache<Object, V>) cache).release((Entry<Object, V>) entry);
      }
    }
  }
}
