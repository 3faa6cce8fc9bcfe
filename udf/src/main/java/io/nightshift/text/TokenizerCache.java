package io.nightshift.text;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The tokenizers of one JVM (an executor, or the driver in local mode), at most one per {@link
 * Key} (tokenizer sha256 x max-length x truncation), shared by every task thread: a tokenizer is
 * thread-safe and costs about 100 ms and a few MB to build, so one per JVM, like sessions.
 *
 * <p>Tasks {@link #acquire} a {@link Lease} and close the lease, never the tokenizer. At most
 * {@code capacity} tokenizers stay open: when a new one is needed, the least recently used ones
 * with no lease out are closed. {@link #clear} closes all (leased ones when returned).
 * Thread-safe; a tokenizer is built once even when several tasks ask at the same time.
 */
public final class TokenizerCache {
  private static final TokenizerCache SHARED = new TokenizerCache();

  private final Map<Key, Entry> entries = new LinkedHashMap<>(8, 0.75f, true);
  private final AtomicLong created = new AtomicLong();

  /** Which tokenizer, set up how. */
  public record Key(String sha256, int maxLength, boolean truncation) {}

  /** The cache of this JVM. */
  public static TokenizerCache shared() {
    return SHARED;
  }

  /** A lease on the tokenizer for {@code key}, built by {@code loader} when absent. */
  public synchronized Lease acquire(Key key, int capacity, Supplier<TextTokenizer> loader) {
    Entry entry = entries.get(key);
    if (entry == null) {
      evictIdle(Math.max(0, capacity - 1));
      entry = new Entry(loader.get());
      created.incrementAndGet();
      entries.put(key, entry);
    }
    entry.leases++;
    return new Lease(entry);
  }

  /** Tokenizers this JVM has built since it started (for tests). */
  public long tokenizersCreated() {
    return created.get();
  }

  /** Closes every tokenizer (leased ones when returned). */
  public synchronized void clear() {
    for (Entry e : entries.values()) {
      e.retired = true;
      if (e.leases == 0) {
        e.tokenizer.close();
      }
    }
    entries.clear();
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
    victims.forEach(e -> e.tokenizer.close());
  }

  private synchronized void release(Entry entry) {
    entry.leases--;
    if (entry.leases == 0 && entry.retired) {
      entry.tokenizer.close();
    }
  }

  private static final class Entry {
    final TextTokenizer tokenizer;
    int leases;
    boolean retired;

    Entry(TextTokenizer tokenizer) {
      this.tokenizer = tokenizer;
    }
  }

  /** A task's use of a cached tokenizer. Closing it returns the lease; the tokenizer stays open. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean returned;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public TextTokenizer tokenizer() {
      if (returned) {
        throw new IllegalStateException("tokenizer lease for " + entry.tokenizer.name() + " is already closed");
      }
      return entry.tokenizer;
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
