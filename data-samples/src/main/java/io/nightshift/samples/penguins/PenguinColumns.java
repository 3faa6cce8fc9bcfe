package io.nightshift.samples.penguins;

import java.util.List;

/**
 * The column names of penguins.csv / penguins.jsonl, in file order, and the source field each comes
 * from.
 */
public final class PenguinColumns {
  private PenguinColumns() {}

  public static final String SPECIES = "species";
  public static final String ISLAND = "island";
  public static final String BILL_LENGTH_MM = "bill_length_mm";
  public static final String BILL_DEPTH_MM = "bill_depth_mm";
  public static final String FLIPPER_LENGTH_MM = "flipper_length_mm";
  public static final String BODY_MASS_G = "body_mass_g";
  public static final String SEX = "sex";

  /** All columns in file order. */
  public static final List<String> ALL =
      List.of(SPECIES, ISLAND, BILL_LENGTH_MM, BILL_DEPTH_MM, FLIPPER_LENGTH_MM, BODY_MASS_G, SEX);

  /** The numeric columns, in file order (the classifier's own order is in its spec file). */
  public static final List<String> FEATURES =
      List.of(BILL_LENGTH_MM, BILL_DEPTH_MM, FLIPPER_LENGTH_MM, BODY_MASS_G);

  // The field names in vega-datasets' data/penguins.json.
  static final String SRC_SPECIES = "Species";
  static final String SRC_ISLAND = "Island";
  static final String SRC_BILL_LENGTH = "Beak Length (mm)";
  static final String SRC_BILL_DEPTH = "Beak Depth (mm)";
  static final String SRC_FLIPPER_LENGTH = "Flipper Length (mm)";
  static final String SRC_BODY_MASS = "Body Mass (g)";
  static final String SRC_SEX = "Sex";
}
