package io.nightshift.samples.penguins;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.nightshift.samples.SampleGenerationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads vega-datasets' {@code data/penguins.json}: a JSON array of objects, one per penguin. */
final class PenguinsSource {
  private PenguinsSource() {}

  /** The rows in source order; a missing or {@code null} field becomes {@code null}. */
  static List<Penguin> read(Path json) throws IOException {
    // Decimals as BigDecimal keep the source's text ("39.1", "181") through to the outputs.
    ObjectMapper mapper =
        JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    JsonNode root = mapper.readTree(json.toFile());
    if (root == null || !root.isArray()) {
      throw new SampleGenerationException("%s: expected a JSON array of penguins", json);
    }
    List<Penguin> rows = new ArrayList<>(root.size());
    for (JsonNode row : root) {
      rows.add(
          new Penguin(
              text(row, PenguinColumns.SRC_SPECIES, json),
              text(row, PenguinColumns.SRC_ISLAND, json),
              number(row, PenguinColumns.SRC_BILL_LENGTH, json),
              number(row, PenguinColumns.SRC_BILL_DEPTH, json),
              number(row, PenguinColumns.SRC_FLIPPER_LENGTH, json),
              number(row, PenguinColumns.SRC_BODY_MASS, json),
              text(row, PenguinColumns.SRC_SEX, json)));
    }
    return rows;
  }

  private static String text(JsonNode row, String field, Path json) {
    JsonNode value = row.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new SampleGenerationException("%s: field '%s' is not text: %s", json, field, value);
    }
    return value.asText();
  }

  private static BigDecimal number(JsonNode row, String field, Path json) {
    JsonNode value = row.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new SampleGenerationException("%s: field '%s' is not a number: %s", json, field, value);
    }
    return value.decimalValue();
  }
}
