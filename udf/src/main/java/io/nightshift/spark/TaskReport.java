package io.nightshift.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What one successful task did, sent to the driver through an accumulator (counted once per
 * partition, as Spark applies accumulator updates of result tasks once).
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
    String rejectFile)
    implements Serializable {

  public long rowsRejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
