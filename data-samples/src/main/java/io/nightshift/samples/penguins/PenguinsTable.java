package io.nightshift.samples.penguins;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerator;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns vega-datasets' penguins.json into {@code penguins.csv} and {@code penguins.jsonl}: every
 * row in source order, including the ones with missing values (they are the real bad rows later
 * tests need), under snake_case column names ({@link PenguinColumns#ALL}).
 */
public final class PenguinsTable implements SampleGenerator {
  private final Path source;
  private final Path csv;
  private final Path jsonl;

  /**
   * Reads {@code source} (vega-datasets data/penguins.json), writes {@code csv} and {@code jsonl}.
   */
  public PenguinsTable(Path source, Path csv, Path jsonl) {
    this.source = source;
    this.csv = csv;
    this.jsonl = jsonl;
  }

  @Override
  public String name() {
    return "penguins table";
  }

  @Override
  public List<Path> outputs() {
    return List.of(csv, jsonl);
  }

  @Override
  public void generate() throws IOException {
    List<Penguin> rows = PenguinsSource.read(source);
    OutputFiles.write(csv, file -> writeCsv(rows, file));
    OutputFiles.write(jsonl, file -> writeJsonl(rows, file));
  }

  private static void writeCsv(List<Penguin> rows, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(String.join(",", PenguinColumns.ALL));
      out.write('\n');
      for (Penguin p : rows) {
        List<String> fields = new ArrayList<>(PenguinColumns.ALL.size());
        fields.add(csvField(p.species()));
        fields.add(csvField(p.island()));
        fields.add(csvField(p.billLengthMm()));
        fields.add(csvField(p.billDepthMm()));
        fields.add(csvField(p.flipperLengthMm()));
        fields.add(csvField(p.bodyMassG()));
        fields.add(csvField(p.sex()));
        out.write(String.join(",", fields));
        out.write('\n');
      }
    }
  }

  private static String csvField(BigDecimal value) {
    return value == null ? "" : value.toPlainString();
  }

  /** RFC 4180 quoting, only where a value needs it; {@code null} is the empty field. */
  private static String csvField(String value) {
    if (value == null) {
      return "";
    }
    if (value.isEmpty()
        || value.contains(",")
        || value.contains("\"")
        || value.contains("\n")
        || value.contains("\r")) {
      // An empty string is quoted so that it stays distinct from a missing value.
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }

  private static void writeJsonl(List<Penguin> rows, Path file) throws IOException {
    ObjectMapper mapper =
        JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Penguin p : rows) {
        ObjectNode row = mapper.createObjectNode();
        row.put(PenguinColumns.SPECIES, p.species());
        row.put(PenguinColumns.ISLAND, p.island());
        row.put(PenguinColumns.BILL_LENGTH_MM, p.billLengthMm());
        row.put(PenguinColumns.BILL_DEPTH_MM, p.billDepthMm());
        row.put(PenguinColumns.FLIPPER_LENGTH_MM, p.flipperLengthMm());
        row.put(PenguinColumns.BODY_MASS_G, p.bodyMassG());
        row.put(PenguinColumns.SEX, p.sex());
        out.write(mapper.writeValueAsString(row));
        out.write('\n');
      }
    }
  }
}
