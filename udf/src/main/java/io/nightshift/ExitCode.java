package io.nightshift;

/** Process exit codes, documented for schedulers (README, "Exit codes"). */
public enum ExitCode {
  /** The run finished and its invariants held. */
  OK(0),
  /** Anything not covered below: an I/O failure, a lost cluster, a bug. */
  FAILURE(1),
  /** Config or validation failed before any task ran; nothing was written. */
  INVALID(2),
  /** More rows were rejected than {@code output.max-rejected-ratio} allows; the night was not published. */
  ERROR_BUDGET_EXCEEDED(3),
  /**
   * Another run of the same table holds its lock, or committed the night first; nothing of this run
   * was published. A retry after the other run ends can succeed.
   */
  CONFLICT(4);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The numeric process exit code. */
  public int code() {
    return code;
  }
}
