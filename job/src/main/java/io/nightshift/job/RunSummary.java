package io.nightshift.job;

import io.nightshift.spark.TaskReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The driver's tally of the task reports of one run, per reason and per executor. */
record RunSummary(
    long rowsRead,
    long rowsWritten,
    Map<String, Long> rejectedByReason,
    long batches,
    long bisections,
    long inferNanos,
    List<ExecutorSummary> executors,
    List<String> rejectFiles) {

  /**
   * What one executor JVM did and ran on. {@code columnarTasks}: its tasks that read the scan's
   * column batches in place (Parquet's vectorized reader); {@code rowsCopiedInBulk}: rows of those
   * copied from the column vectors a block at a time ({@code TaskReport.rowsCopiedInBulk}).
   */
  record ExecutorSummary(
      String executorId,
      int tasks,
      long rows,
      String device,
      String provider,
      String fallbackReason,
      long sessionsCreated,
      long modelLoadMillis,
      long modelFetches,
      int columnarTasks,
      long rowsCopiedInBulk) {}

  long rowsRejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  static RunSummary of(List<TaskReport> reports) {
    long read = 0, written = 0, batches = 0, bisections = 0, nanos = 0;
    Map<String, Long> reasons = new TreeMap<>();
    Map<String, List<TaskReport>> byExecutor = new TreeMap<>();
    List<String> files = new ArrayList<>();
    for (TaskReport r : reports) {
      read += r.rowsRead();
      written += r.rowsWritten();
      batches += r.batches();
      bisections += r.bisections();
      nanos += r.inferNanos();
      r.rejectedByReason().forEach((k, v) -> reasons.merge(k, v, Long::sum));
      byExecutor.computeIfAbsent(r.executorId(), k -> new ArrayList<>()).add(r);
      if (r.rejectFile() != null) {
        files.add(r.rejectFile());
      }
    }
    List<ExecutorSummary> executors = new ArrayList<>();
    byExecutor.forEach((id, rs) -> {
      TaskReport last = rs.get(rs.size() - 1);
      executors.add(new ExecutorSummary(
          id,
          rs.size(),
          rs.stream().mapToLong(TaskReport::rowsRead).sum(),
          last.device(),
          last.provider(),
          last.fallbackReason(),
          rs.stream().mapToLong(TaskReport::sessionsCreatedInJvm).max().orElse(0),
          rs.stream().mapToLong(TaskReport::modelLoadMillis).max().orElse(0),
          rs.stream().mapToLong(TaskReport::modelFetchesInJvm).max().orElse(0),
          (int) rs.stream().filter(TaskReport::columnarInput).count(),
          rs.stream().mapToLong(TaskReport::rowsCopiedInBulk).sum()));
    });
    return new RunSummary(read, written, reasons, batches, bisections, nanos, executors, files);
  }
}
