package io.nightshift.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the run's progress on the driver, at most every few seconds: tasks done of total, rows
 * read, rows/s. Also keeps Spark's own counts of rows read and written, to check ours against,
 * and when each successful task ran, for the manifest's balance section. Spark delivers listener
 * events on its own thread, after the job: {@link #tasksUpdating} waits for them.
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
  private final List<TaskTime> tasks = new ArrayList<>();

  /** When a successful task ran (epoch millis), and the accumulators it updated. */
  record TaskTime(int stageId, String executorId, long launchMillis, long finishMillis, long[] accumulators) {
    double seconds() {
      return (finishMillis - launchMillis) / 1000.0;
    }

    boolean updated(long accumulator) {
      for (long a : accumulators) {
        if (a == accumulator) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted stage) {
    total.addAndGet(stage.stageInfo().numTasks());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskInfo().successful()) {
      long[] accumulators = scala.jdk.javaapi.CollectionConverters.asJava(end.taskInfo().accumulables())
          .stream().mapToLong(a -> a.id()).toArray();
      synchronized (tasks) {
        tasks.add(new TaskTime(end.stageId(), end.taskInfo().executorId(), end.taskInfo().launchTime(),
            end.taskInfo().finishTime(), accumulators));
        tasks.notifyAll();
      }
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

  /**
   * The successful tasks that updated {@code accumulator}, once {@code expected} of them have
   * been heard of, or those heard of when {@code timeoutMillis} has passed.
   */
  List<TaskTime> tasksUpdating(long accumulator, int expected, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (tasks) {
      while (true) {
        List<TaskTime> found = tasks.stream().filter(t -> t.updated(accumulator)).toList();
        long left = deadline - System.currentTimeMillis();
        if (found.size() >= expected || left <= 0) {
          return found;
        }
        tasks.wait(left);
      }
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
