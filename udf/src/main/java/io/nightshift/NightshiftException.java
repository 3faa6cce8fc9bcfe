package io.nightshift;

/**
 * The one unchecked exception Nightshift throws for its own failures. Messages name what was wrong
 * and where (the file, key, column or model input), and the cause is always kept.
 */
public class NightshiftException extends RuntimeException {
  private final ExitCode exitCode;

  /** A failure of the given kind, with a {@link String#format} message. */
  public NightshiftException(ExitCode exitCode, String format, Object... args) {
    super(String.format(format, args));
    this.exitCode = exitCode;
  }

  /** A failure of the given kind caused by {@code cause}, with a {@link String#format} message. */
  public NightshiftException(ExitCode exitCode, Throwable cause, String format, Object... args) {
    super(String.format(format, args), cause);
    this.exitCode = exitCode;
  }

  /** A general failure (exit code 1), with a {@link String#format} message. */
  public NightshiftException(String format, Object... args) {
    this(ExitCode.FAILURE, format, args);
  }

  /** A general failure (exit code 1) caused by {@code cause}, with a {@link String#format} message. */
  public NightshiftException(Throwable cause, String format, Object... args) {
    this(ExitCode.FAILURE, cause, format, args);
  }

  /** The process exit code this failure maps to. */
  public ExitCode exitCode() {
    return exitCode;
  }

  /** A config or validation failure (exit code 2): bad job file, bad input, bad model. */
  public static NightshiftException invalid(String format, Object... args) {
    return new NightshiftException(ExitCode.INVALID, format, args);
  }

  /** A config or validation failure (exit code 2) with a cause. */
  public static NightshiftException invalid(Throwable cause, String format, Object... args) {
    return new NightshiftException(ExitCode.INVALID, cause, format, args);
  }

  /**
   * The value of {@code future}, waiting for it, with its failure thrown as it was thrown on the
   * thread that computed it: a {@link RuntimeException} or {@link Error} as it is, anything else
   * wrapped (exit code 1) as "{@code what} failed: ...". An interrupted wait restores the
   * interrupt flag and fails naming {@code what}.
   */
  public static <T> T await(java.util.concurrent.Future<T> future, String what) {
    try {
      return future.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new NightshiftException(cause, "%s failed: %s", what, cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NightshiftException(e, "interrupted while waiting for %s", what);
    }
  }
}
