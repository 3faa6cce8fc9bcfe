package io.nightshift.spark;

import io.nightshift.batch.ColumnarFill;

import java.io.Serializable;
import java.util.Map;

/**
 * What one successful task did, sent to the driver through an accumulator (counted once per
 * partition, as Spark applies accumulator updates of result tasks once). The {@code ...InJvm}
 * counters are the executor JVM's totals when the task ended: sessions created and models fetched
 * (broadcast opened or files copied to local disk), so one per executor, not one per task.
 * {@code rowsCopiedInBulk}: rows copied from the scan's column vectors a block at a time ({@link
 * ColumnarFill}); the others went through the row reader.
 */
public record TaskReport(
    String executorId,
    int partition,
    long rowsRead,
    long rowsWritten,
    Map<String, Long> rejectedByReason,
    long batches,
    long bisections,
    long inferNanos,
    String device,
    String provider,
    String fallbackReason,
    long sessionsCreatedInJvm,
    long modelLoadMillis,
    String rejectFile,
    long modelFetchesInJvm,
    boolean columnarInput,
    long rowsCopiedInBulk)
    implements Serializable {

  public long rowsRejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
