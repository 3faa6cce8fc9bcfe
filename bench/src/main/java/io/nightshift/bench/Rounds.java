package io.nightshift.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's cases timed in turn: the warm-ups of every case first, then round after round, each
 * round timing every case once, in the order added. The machine is shared, and its speed drifts
 * by 10-30% within minutes (bench run6: the same fp32 ceiling measured 256 rows/s in the run and
 * 202-228 rows/s half an hour later); cases timed in the same rounds meet the same drift, so
 * their ratios hold where ratios of cases timed one after the other did not. Not thread-safe;
 * one instance per model's cases.
 */
final class Rounds implements AutoCloseable {
  private final Map<String, Bench.Body> bodies = new LinkedHashMap<>();
  private final Map<String, Integer> extraWarmups = new LinkedHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** Adds case {@code key} (unique within this instance). */
  void add(String key, Bench.Body body) {
    add(key, 0, body);
  }

  /** Adds case {@code key} with {@code extra} more warm-ups than the others (a JVM's first case: JIT). */
  void add(String key, int extra, Bench.Body body) {
    if (bodies.putIfAbsent(key, body) != null) {
      throw new IllegalArgumentException("case added twice: " + key);
    }
    extraWarmups.put(key, extra);
  }

  /** Closes {@code resource} (a case's session) when this instance is closed, after the rounds. */
  <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  /**
   * {@code warmups} untimed runs of every case (plus its extra ones), then {@code runs} rounds:
   * the wall and process CPU times of each case, run {@code r} of every case in round {@code r}.
   */
  Map<String, Result.Timing> run(int warmups, int runs) throws Exception {
    for (Map.Entry<String, Bench.Body> e : bodies.entrySet()) {
      for (int i = 0; i < warmups + (warmups > 0 ? extraWarmups.get(e.getKey()) : 0); i++) {
        e.getValue().run();
      }
    }
    Map<String, long[]> wall = new LinkedHashMap<>();
    Map<String, long[]> cpu = new LinkedHashMap<>();
    bodies.keySet().forEach(k -> {
      wall.put(k, new long[runs]);
      cpu.put(k, new long[runs]);
    });
    for (int r = 0; r < runs; r++) {
      for (Map.Entry<String, Bench.Body> e : bodies.entrySet()) {
        long c = Bench.cpuNanos();
        long t = System.nanoTime();
        e.getValue().run();
        wall.get(e.getKey())[r] = System.nanoTime() - t;
        cpu.get(e.getKey())[r] = Bench.cpuNanos() - c;
      }
      Bench.log("round %d of %d done (%d cases)", r + 1, runs, bodies.size());
    }
    Map<String, Result.Timing> out = new LinkedHashMap<>();
    bodies.keySet().forEach(k -> out.put(k, new Result.Timing(wall.get(k), cpu.get(k))));
    return out;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    resources.clear();
    if (first != null) {
      throw first;
    }
  }
}
