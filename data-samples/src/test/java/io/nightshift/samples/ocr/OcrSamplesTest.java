package io.nightshift.samples.ocr;

import static io.nightshift.samples.OrtSupport.assertTensor;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import io.nightshift.samples.OrtSupport;
import io.nightshift.samples.Samples;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class OcrSamplesTest {

  @Test
  void dictionaryHoldsThe6623Characters() throws Exception {
    List<String> keys = Files.readAllLines(Samples.ocrKeys(), StandardCharsets.UTF_8);
    assertThat(keys).hasSize(6623).allMatch(k -> k.codePointCount(0, k.length()) == 1);
    assertThat(keys.get(0)).isEqualTo("'");
    assertThat(keys).contains("A", "z", "0", "天", "：");
  }

  @Test
  void linesAreListedWithTheirTextAndAngle() throws Exception {
    List<String[]> rows = csv(Samples.ocrLinesTruth());
    assertThat(rows).hasSize(TextLines.COUNT);
    assertThat(rows.get(0)).containsExactly("line-00.png", "Invoice 2024-0117 total due 384.50 EUR", "0");
    assertThat(rows.get(2)).containsExactly("line-02.png", "Nightly batch scored 12,480 rows", "0");
    Map<String, Long> angles =
        rows.stream().collect(Collectors.groupingBy(r -> r[2], Collectors.counting()));
    assertThat(angles).containsExactlyInAnyOrderEntriesOf(Map.of("0", 32L, "180", 8L));
    for (String[] row : rows) {
      BufferedImage image = ImageIO.read(Samples.ocrLinesTruth().resolveSibling(row[0]).toFile());
      assertThat(image).as(row[0]).isNotNull();
      assertThat(image.getHeight()).as(row[0]).isBetween(30, 80);
      assertThat(image.getWidth()).as(row[0]).isGreaterThan(image.getHeight());
    }
  }

  @Test
  void pageLinesHaveBoxesInsideTheirPage() throws Exception {
    List<String[]> rows = csv(Samples.ocrPagesTruth());
    assertThat(rows).hasSize(16);
    assertThat(rows.stream().map(r -> r[0]).distinct())
        .containsExactly("page-0.png", "page-1.png", "page-2.jpg", "page-3.png");
    for (String[] row : rows) {
      BufferedImage page = ImageIO.read(Samples.ocrPagesTruth().resolveSibling(row[0]).toFile());
      int x = Integer.parseInt(row[2]);
      int y = Integer.parseInt(row[3]);
      int w = Integer.parseInt(row[4]);
      int h = Integer.parseInt(row[5]);
      assertThat(x).isPositive();
      assertThat(y).isPositive();
      assertThat(x + w).isLessThan(page.getWidth());
      assertThat(y + h).isLessThan(page.getHeight());
      assertThat(h).isBetween(15, 45);
    }
  }

  @Test
  void modelsHaveTheSignaturesTheReadmeGives() throws Exception {
    try (OrtSession rec = OrtSupport.session(Samples.ocrRecModel());
        OrtSession cls = OrtSupport.session(Samples.ocrClsModel());
        OrtSession det = OrtSupport.session(Samples.ocrDetModel())) {
      assertTensor(rec.getInputInfo().get("x"), OnnxJavaType.FLOAT, -1, 3, 48, -1);
      assertTensor(
          rec.getOutputInfo().values().iterator().next(), OnnxJavaType.FLOAT, -1, -1, 6625);
      assertTensor(cls.getInputInfo().get("x"), OnnxJavaType.FLOAT, -1, 3, -1, -1);
      assertTensor(cls.getOutputInfo().values().iterator().next(), OnnxJavaType.FLOAT, -1, 2);
      assertTensor(det.getInputInfo().get("x"), OnnxJavaType.FLOAT, -1, 3, -1, -1);
      assertTensor(det.getOutputInfo().values().iterator().next(), OnnxJavaType.FLOAT, -1, 1, -1, -1);
    }
  }

  /** The truth files' records, header left out (a quoted field may hold a comma, never a quote). */
  static List<String[]> csv(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.subList(1, lines.size()).stream().map(OcrSamplesTest::fields).toList();
  }

  private static String[] fields(String line) {
    List<String> out = new java.util.ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    out.add(field.toString());
    return out.toArray(String[]::new);
  }
}
