package io.nightshift.samples.penguins;

import static io.nightshift.samples.OrtSupport.assertTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.OrtSupport;
import io.nightshift.samples.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

class PenguinsClassifierTest {
  private static JsonNode spec;
  private static List<String> featureOrder;
  private static List<String> labels;

  /** The CSV rows with all four measurements, fields in CSV column order. */
  private static List<String[]> rows;

  private static List<String> header;

  @BeforeAll
  static void read() throws Exception {
    spec = new ObjectMapper().readTree(Samples.penguinsClassifierSpec().toFile());
    featureOrder = new ArrayList<>();
    spec.get("featureOrder").forEach(n -> featureOrder.add(n.asText()));
    labels = new ArrayList<>();
    spec.get("labels").forEach(n -> labels.add(n.asText()));
    List<String> lines = Files.readAllLines(Samples.penguinsCsv(), StandardCharsets.UTF_8);
    header = List.of(lines.get(0).split(","));
    rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] row = line.split(",", -1);
      if (featureOrder.stream().noneMatch(f -> row[header.indexOf(f)].isEmpty())) {
        rows.add(row);
      }
    }
  }

  @Test
  void specNamesTheModelsSignature() throws Exception {
    assertThat(featureOrder)
        .containsExactly("bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm");
    assertThat(labels).containsExactlyInAnyOrder("Adelie", "Chinstrap", "Gentoo");
    assertThat(spec.get("trainAccuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
    assertThat(spec.get("trainRows").asInt()).isEqualTo(342).isEqualTo(rows.size());
    try (OrtSession session = OrtSupport.session(Samples.penguinsClassifier())) {
      String input = spec.get("inputName").asText();
      String output = spec.get("outputName").asText();
      assertThat(session.getInputInfo()).containsOnlyKeys(input);
      assertThat(session.getOutputInfo()).containsOnlyKeys(output);
      assertTensor(session.getInputInfo().get(input), OnnxJavaType.FLOAT, -1, 4);
      assertTensor(session.getOutputInfo().get(output), OnnxJavaType.FLOAT, -1, 3);
    }
  }

  @Test
  void onnxModelReproducesTribuosPredictions() throws Exception {
    @SuppressWarnings("unchecked")
    Model<Label> tribuo =
        (Model<Label>) Model.deserializeFromFile(Samples.penguinsClassifierTribuo());
    float[][] x = new float[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      x[i] = new float[featureOrder.size()];
      for (int f = 0; f < featureOrder.size(); f++) {
        x[i][f] = Float.parseFloat(rows.get(i)[header.indexOf(featureOrder.get(f))]);
      }
    }
    float[][] probabilities;
    try (OrtSession session = OrtSupport.session(Samples.penguinsClassifier())) {
      probabilities =
          OrtSupport.run(
              session, spec.get("inputName").asText(), x, spec.get("outputName").asText());
    }

    int correct = 0;
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      String[] names = PenguinColumns.FEATURES.toArray(new String[0]);
      double[] values = new double[names.length];
      for (int f = 0; f < names.length; f++) {
        values[f] = Double.parseDouble(row[header.indexOf(names[f])]);
      }
      Prediction<Label> expected =
          tribuo.predict(new ArrayExample<>(new Label("?"), names, values));
      assertThat(labels.get(argmax(probabilities[i])))
          .as("row %d", i)
          .isEqualTo(expected.getOutput().getLabel());
      for (int l = 0; l < labels.size(); l++) {
        double score = expected.getOutputScores().get(labels.get(l)).getScore();
        assertThat((double) probabilities[i][l])
            .as("row %d, %s", i, labels.get(l))
            .isCloseTo(score, within(1e-5));
      }
      if (expected.getOutput().getLabel().equals(row[0])) {
        correct++;
      }
    }
    assertThat((double) correct / rows.size())
        .isCloseTo(spec.get("trainAccuracy").asDouble(), within(1e-9));
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
