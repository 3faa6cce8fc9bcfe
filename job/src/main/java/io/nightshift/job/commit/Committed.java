package io.nightshift.job.commit;

import java.util.List;

/**
 * What a commit published, as the manifest records it: the table's partitions this night now
 * holds (relative paths such as {@code dt=2026-11-28/island=Biscoe}; {@code ""} for a table
 * without partitions) and the quarantine's.
 */
public record Committed(List<String> partitions, List<String> rejectedPartitions) {}
