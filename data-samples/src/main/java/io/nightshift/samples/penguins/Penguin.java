package io.nightshift.samples.penguins;

import java.math.BigDecimal;

/**
 * One row of the penguins table, as the source has it: any field may be {@code null}, and the
 * numbers keep the source's decimal text (39.1 stays 39.1, 181 stays 181).
 */
record Penguin(
    String species,
    String island,
    BigDecimal billLengthMm,
    BigDecimal billDepthMm,
    BigDecimal flipperLengthMm,
    BigDecimal bodyMassG,
    String sex) {

  /**
   * True when the label and all four measurements are present: the rows the classifier learns from.
   */
  boolean hasFeaturesAndLabel() {
    return species != null
        && billLengthMm != null
        && billDepthMm != null
        && flipperLengthMm != null
        && bodyMassG != null;
  }

  /** The value of the numeric column {@code column} (one of {@link PenguinColumns#FEATURES}). */
  BigDecimal feature(String column) {
    switch (column) {
      case PenguinColumns.BILL_LENGTH_MM:
        return billLengthMm;
      case PenguinColumns.BILL_DEPTH_MM:
        return billDepthMm;
      case PenguinColumns.FLIPPER_LENGTH_MM:
        return flipperLengthMm;
      case PenguinColumns.BODY_MASS_G:
        return bodyMassG;
      default:
        throw new IllegalArgumentException("not a numeric penguin column: " + column);
    }
  }
}
