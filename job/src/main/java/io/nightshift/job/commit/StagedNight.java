package io.nightshift.job.commit;

/**
 * Where a run writes its night before the commit: {@code data} (the results, partitioned like the
 * table), {@code rejected} (the quarantine as Parquet, partitioned like the quarantine table) and
 * {@code scratch} (the executors' rejected-row JSON lines, read once by the driver). Hadoop URIs;
 * nothing here is visible to the table's readers.
 */
public record StagedNight(String data, String rejected, String scratch) {}
