package io.nightshift.bench;

import java.util.Arrays;

/**
 * One benchmark case on one model: the wall time of each timed run, or why it did not run.
 *
 * @param model model label (small, medium, ...)
 * @param name case name as printed
 * @param rows rows per run
 * @param nanos wall time of each timed run; empty when the case did not run
 * @param cpuNanos CPU time of the whole JVM (all threads) during each timed run, same order
 * @param note what to know about the figure (layout picked, batch size, why not run)
 */
record Result(String model, String name, long rows, long[] nanos, long[] cpuNanos, String note) {
  static Result notRun(String model, String name, String why) {
    return new Result(model, name, 0, new long[0], new long[0], why);
  }

  static Result of(String model, String name, long rows, Timing t, String note) {
    return new Result(model, name, rows, t.wall(), t.cpu(), note);
  }

  /** Wall and process CPU nanoseconds of each timed run. */
  record Timing(long[] wall, long[] cpu) {}

  /** rows per CPU second of the run with the median CPU time (robust to other load on the machine). */
  double medianCpuRate() {
    if (cpuNanos.length == 0) {
      return Double.NaN;
    }
    long[] s = cpuNanos.clone();
    Arrays.sort(s);
    double mid = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    return rows / (mid / 1e9);
  }

  boolean ran() {
    return nanos.length > 0;
  }

  /** rows/s of the slowest run. */
  double minRate() {
    return rows / (Arrays.stream(nanos).max().orElseThrow() / 1e9);
  }

  /** rows/s of the median run. */
  double medianRate() {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mid = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    return rows / (mid / 1e9);
  }

  /** rows/s of the fastest run. */
  double maxRate() {
    return rows / (Arrays.stream(nanos).min().orElseThrow() / 1e9);
  }
}
