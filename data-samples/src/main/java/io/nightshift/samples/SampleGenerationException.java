package io.nightshift.samples;

/** A sample could not be made: its source is missing or malformed, or writing it failed. */
public final class SampleGenerationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by a {@link String#format} message. */
  public SampleGenerationException(String format, Object... args) {
    super(String.format(format, args));
  }

  /** A failure caused by {@code cause}, described by a {@link String#format} message. */
  public SampleGenerationException(Throwable cause, String format, Object... args) {
    super(String.format(format, args), cause);
  }
}
