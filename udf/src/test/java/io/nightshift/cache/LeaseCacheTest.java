package io.nightshift.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseCacheTest {
  /** A cached object that records when it is closed. */
  static final class Thing implements AutoCloseable {
    final String name;
    final List<String> closed;

    Thing(String name, List<String> closed) {
      this.name = name;
      this.closed = closed;
    }

    @Override
    public void close() {
      closed.add(name);
    }
  }

  static final class Cache extends LeaseCache<String, Thing> {
    Cache() {
      super("thing");
    }
  }

  @Test
  void oneObjectPerKeyAndIdleOnesEvictedLeastRecentlyUsedFirst() {
    List<String> closed = new ArrayList<>();
    Cache cache = new Cache();
    try (LeaseCache.Lease<Thing> a = cache.acquire("a", 2, () -> new Thing("a", closed));
        LeaseCache.Lease<Thing> a2 = cache.acquire("a", 2, () -> new Thing("a-again", closed))) {
      assertThat(a2.value()).isSameAs(a.value());
    }
    cache.acquire("b", 2, () -> new Thing("b", closed)).close();
    assertThat(cache.created()).isEqualTo(2);
    // a is the least recently used idle one: it goes to make room for c.
    cache.acquire("c", 2, () -> new Thing("c", closed)).close();
    assertThat(closed).containsExactly("a");
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void aLeasedObjectIsNeverEvictedAndClosesWhenItsLastLeaseReturns() {
    List<String> closed = new ArrayList<>();
    Cache cache = new Cache();
    LeaseCache.Lease<Thing> held = cache.acquire("a", 1, () -> new Thing("a", closed));
    cache.acquire("b", 1, () -> new Thing("b", closed)).close();
    assertThat(closed).isEmpty();
    assertThat(cache.size()).isEqualTo(2);
    cache.invalidate("a");
    assertThat(closed).isEmpty();
    held.close();
    assertThat(closed).containsExactly("a");
    assertThatThrownBy(held::value).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("thing lease for a is already closed");
    cache.clear();
    assertThat(closed).containsExactly("a", "b");
  }
}
