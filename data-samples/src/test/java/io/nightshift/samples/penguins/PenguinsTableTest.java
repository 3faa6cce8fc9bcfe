package io.nightshift.samples.penguins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PenguinsTableTest {
  private static List<String[]> csv;
  private static List<JsonNode> jsonl;

  @BeforeAll
  static void read() throws Exception {
    List<String> lines = Files.readAllLines(Samples.penguinsCsv(), StandardCharsets.UTF_8);
    assertThat(lines.get(0))
        .isEqualTo("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex");
    // No value in this data needs quoting, so a plain split is a faithful parse.
    csv = lines.stream().skip(1).map(l -> l.split(",", -1)).toList();
    ObjectMapper mapper = new ObjectMapper();
    jsonl =
        Files.readAllLines(Samples.penguinsJsonl(), StandardCharsets.UTF_8).stream()
            .map(l -> readTree(mapper, l))
            .toList();
  }

  private static JsonNode readTree(ObjectMapper mapper, String line) {
    try {
      return mapper.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  @Test
  void keepsAllRowsInSourceOrder() {
    assertThat(csv).hasSize(344).allSatisfy(row -> assertThat(row).hasSize(7));
    assertThat(csv.get(0))
        .containsExactly("Adelie", "Torgersen", "39.1", "18.7", "181", "3750", "MALE");
    assertThat(csv.get(343))
        .containsExactly("Gentoo", "Biscoe", "49.9", "16.1", "213", "5400", "MALE");
    Map<String, Long> species =
        csv.stream().collect(Collectors.groupingBy(r -> r[0], Collectors.counting()));
    assertThat(species)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("Adelie", 152L, "Gentoo", 124L, "Chinstrap", 68L));
  }

  @Test
  void keepsTheRealBadRows() {
    long noMeasurements = csv.stream().filter(r -> r[2].isEmpty() && r[5].isEmpty()).count();
    long noSex = csv.stream().filter(r -> r[6].isEmpty()).count();
    long dotSex = csv.stream().filter(r -> r[6].equals(".")).count();
    assertThat(noMeasurements).isEqualTo(2);
    assertThat(noSex).isEqualTo(10);
    assertThat(dotSex).isEqualTo(1);
    assertThat(csv.get(3)).containsExactly("Adelie", "Torgersen", "", "", "", "", "");
  }

  @Test
  void jsonLinesHoldTheSameRowsWithNulls() {
    assertThat(jsonl).hasSize(344);
    for (int i = 0; i < csv.size(); i++) {
      JsonNode row = jsonl.get(i);
      List<String> names = PenguinColumns.ALL;
      assertThat(row.fieldNames()).toIterable().containsExactlyElementsOf(names);
      String[] expected = csv.get(i);
      for (int c = 0; c < names.size(); c++) {
        JsonNode value = row.get(names.get(c));
        if (expected[c].isEmpty()) {
          assertThat(value.isNull()).as("row %d %s", i, names.get(c)).isTrue();
        } else {
          assertThat(value.asText()).as("row %d %s", i, names.get(c)).isEqualTo(expected[c]);
        }
      }
    }
    assertThat(jsonl.get(0).get("bill_length_mm").isNumber()).isTrue();
    assertThat(jsonl.get(0).get("flipper_length_mm").isIntegralNumber()).isTrue();
  }

  @Test
  void measurementsAreNumbers() {
    Function<String, Boolean> numberOrEmpty = s -> s.isEmpty() || s.matches("\\d+(\\.\\d+)?");
    assertThat(csv)
        .allSatisfy(
            r -> assertThat(Arrays.stream(r, 2, 6).allMatch(numberOrEmpty::apply)).isTrue());
  }
}
