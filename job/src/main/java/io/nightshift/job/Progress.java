package io.nightshift.job;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the run's progress on the driver, at most every few seconds: tasks done of total, rows
 * read, rows/s. Also keeps Spark's own counts of rows read and written, to check ours against.
 */
final class Progress extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  private static final long INTERVAL_NANOS = 5_000_000_000L;

  private final long start = System.nanoTime();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong rowsWritten = new AtomicLong();
  private volatile long lastLog = start;

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted stage) {
    total.addAndGet(stage.stageInfo().numTasks());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskInfo().successful()) {
      done.incrementAndGet();
      if (end.taskMetrics() != null) {
        rowsRead.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
        rowsWritten.addAndGet(end.taskMetrics().outputMetrics().recordsWritten());
      }
    } else {
      failed.incrementAndGet();
    }
    long now = System.nanoTime();
    if (now - lastLog > INTERVAL_NANOS || done.get() == total.get()) {
      lastLog = now;
      double secs = Math.max(1e-3, (now - start) / 1e9);
      LOG.info("Progress: {}/{} tasks done{}, {} rows read, {} rows/s",
          done.get(), total.get(), failed.get() > 0 ? " (" + failed.get() + " failed attempts)" : "",
          rowsRead.get(), Math.round(rowsRead.get() / secs));
    }
  }

  long sparkRowsRead() {
    return rowsRead.get();
  }

  long sparkRowsWritten() {
    return rowsWritten.get();
  }

  int failedAttempts() {
    return failed.get();
  }
}
