package io.nightshift.batch;

import java.io.Serializable;

/**
 * One input column feeding a model input, with how its values are read from a row. {@code
 * precision} and {@code scale} are a DECIMAL column's (Spark needs them to read one), 0 otherwise.
 */
public record FeatureColumn(String name, int ordinal, Kind kind, int precision, int scale)
    implements Serializable {

  public FeatureColumn(String name, int ordinal, Kind kind) {
    this(name, ordinal, kind, 0, 0);
  }

  /** Whether the column holds bytes (an image's), not numbers or text. */
  public boolean binary() {
    return kind == Kind.BINARY;
  }

  /** How the column's values are stored in Spark. */
  enum Kind {
    BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DECIMAL, STRING, BOOLEAN,
    /** An image's bytes (an image job's column; a string column there holds a file path). */
    BINARY,
    ARRAY_BYTE, ARRAY_SHORT, ARRAY_INT, ARRAY_LONG, ARRAY_FLOAT, ARRAY_DOUBLE;

    boolean isArray() {
      return name().startsWith("ARRAY_");
    }
  }
}
