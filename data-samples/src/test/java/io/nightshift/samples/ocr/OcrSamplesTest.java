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
    List<Truth.Line> lines = Truth.lines(Samples.ocrLinesTruth());
    assertThat(lines).hasSize(TextLines.COUNT);
    assertThat(lines.get(0))
        .isEqualTo(new Truth.Line("line-00.png", "Invoice 2024-0117 total due 384.50 EUR", 0));
    assertThat(lines.get(2))
        .isEqualTo(new Truth.Line("line-02.png", "Nightly batch scored 12,480 rows", 0));
    Map<Integer, Long> angles =
        lines.stream().collect(Collectors.groupingBy(Truth.Line::angle, Collectors.counting()));
    assertThat(angles).containsExactlyInAnyOrderEntriesOf(Map.of(0, 32L, 180, 8L));
    for (Truth.Line line : lines) {
      BufferedImage image =
          ImageIO.read(Samples.ocrLinesTruth().resolveSibling(line.path()).toFile());
      assertThat(image).as(line.path()).isNotNull();
      assertThat(image.getHeight()).as(line.path()).isBetween(30, 80);
      assertThat(image.getWidth()).as(line.path()).isGreaterThan(image.getHeight());
    }
  }

  @Test
  void pageLinesHaveBoxesInsideTheirPage() throws Exception {
    Map<String, List<Truth.PageLine>> pages = Truth.pages(Samples.ocrPagesTruth());
    assertThat(pages.keySet())
        .containsExactly("page-0.png", "page-1.png", "page-2.jpg", "page-3.png");
    assertThat(pages.values().stream().mapToInt(List::size).sum()).isEqualTo(16);
    for (List<Truth.PageLine> lines : pages.values()) {
      BufferedImage page =
          ImageIO.read(Samples.ocrPagesTruth().resolveSibling(lines.get(0).page()).toFile());
      for (int i = 0; i < lines.size(); i++) {
        Truth.PageLine l = lines.get(i);
        assertThat(l.line()).isEqualTo(i);
        assertThat(l.x()).isPositive();
        assertThat(l.y()).isPositive();
        assertThat(l.x() + l.width()).isLessThan(page.getWidth());
        assertThat(l.y() + l.height()).isLessThan(page.getHeight());
        assertThat(l.height()).isBetween(15, 45);
      }
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
}
