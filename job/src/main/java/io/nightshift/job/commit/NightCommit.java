package io.nightshift.job.commit;

/**
 * How one night reaches its table; one implementation per output format. A run calls, in order:
 * {@link #begin()} before launch, writes its results where {@link #staging()} says, checks the
 * books, then {@link #commit(StagedNight)}; {@link #close()} always, in a finally block (or
 * try-with-resources). Nothing of a run is visible to the table's readers before {@code commit}.
 *
 * <p>Not thread-safe: one instance belongs to one run on the driver.
 */
public interface NightCommit extends AutoCloseable {
  /**
   * Before launch: takes the table's lock (exit 4, {@code ExitCode.CONFLICT}, naming the holder,
   * when another live run holds it), finishes or rolls back a publish that an earlier run left
   * interrupted, enforces {@code error-if-exists} (exit 2) and bounds earlier runs' leftovers.
   */
  void begin();

  /** Where this run writes its night (results and quarantine) before the commit. */
  StagedNight staging();

  /**
   * After the books and the error budget passed: publishes the staged night (data and quarantine)
   * as atomically as the store allows, replacing (overwrite) or adding to (append) the night of
   * {@code run.date}. Throws with exit 4 when {@code error-if-exists} finds data written since
   * {@link #begin()}. Returns what the manifest records.
   */
  Committed commit(StagedNight night);

  /**
   * Keeps what this run staged after it failed a check (the books or the error budget), for
   * diagnosis; {@link #close()} then leaves it. Later runs bound it (output.cleanup.*).
   */
  void retainStaged();

  /**
   * Releases the lock; when the night was not committed, deletes what this run staged unless
   * {@link #retainStaged()} was called. Never throws for a cleanup failure (logs it).
   */
  @Override
  void close();
}
