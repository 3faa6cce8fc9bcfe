package io.nightshift.samples.onnx;

import static io.nightshift.samples.OrtSupport.assertTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import io.nightshift.samples.OrtSupport;
import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MlpTest {

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of(Mlp.small(), Samples.mlpSmall(), 32),
        Arguments.of(Mlp.medium(), Samples.mlpMedium(), 64));
  }

  static float[][] randomRows(int rows, int width, long seed) {
    Random random = new Random(seed);
    float[][] x = new float[rows][width];
    for (float[] row : x) {
      for (int i = 0; i < width; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return x;
  }

  @ParameterizedTest
  @MethodSource("models")
  void hasTheBenchmarkSignature(Mlp mlp, Path file, int width) throws Exception {
    try (OrtSession session = OrtSupport.session(file)) {
      assertThat(session.getInputInfo()).containsOnlyKeys("features");
      assertThat(session.getOutputInfo()).containsOnlyKeys("probabilities");
      assertTensor(session.getInputInfo().get("features"), OnnxJavaType.FLOAT, -1, width);
      assertTensor(session.getOutputInfo().get("probabilities"), OnnxJavaType.FLOAT, -1, 2);
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void outputsProbabilitiesForAnyBatchSize(Mlp mlp, Path file, int width) throws Exception {
    try (OrtSession session = OrtSupport.session(file)) {
      for (int rows : new int[] {1, 7, 256}) {
        float[][] p =
            OrtSupport.run(session, "features", randomRows(rows, width, rows), "probabilities");
        assertThat(p).hasNumberOfRows(rows);
        for (float[] row : p) {
          assertThat(row).hasSize(2);
          assertThat(row[0] + row[1]).isCloseTo(1f, within(1e-5f));
          assertThat(row[0]).isBetween(0f, 1f);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void isReproducibleFromItsSeed(Mlp mlp, Path file, int width) throws Exception {
    assertThat(Files.readAllBytes(file)).isEqualTo(mlp.toModel().toByteArray());
    assertThat(mlp.widths()[0]).isEqualTo(width);
  }
}
