package io.nightshift.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.CudaOptions;
import io.nightshift.samples.Samples;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionFactoryTest {

  @Test
  void aSessionMadeFromBytesScoresBitForBitAsOneMadeFromThePath() throws Exception {
    Path model = Samples.mlpSmall();
    float[] fromBytes;
    float[] fromPath;
    try (ScoringSession s = SessionFactory.create(Files.readAllBytes(model), "mlp-small", Device.CPU,
        Enums.Device.CPU, 1)) {
      fromBytes = score(s.session());
    }
    try (ScoringSession s = SessionFactory.create(model, "mlp-small", Device.CPU, Enums.Device.CPU, 1,
        CudaOptions.DEFAULTS)) {
      fromPath = score(s.session());
    }
    assertThat(fromBytes).hasSize(4 * 2);
    assertThat(Arrays.equals(fromBytes, fromPath)).isTrue();
  }

  @Test
  void bytesThatAreNoModelFailWithOnnxRuntimesReason() {
    assertThatThrownBy(() -> SessionFactory.create(new byte[] {1, 2, 3}, "junk.onnx", Device.CPU,
        Enums.Device.CPU, 1))
        .isInstanceOf(NightshiftException.class)
        .hasMessageStartingWith("ONNX Runtime cannot load model junk.onnx on cpu: ");
  }

  /** Four rows of 32 features (i * 0.01 - 0.5) through the model's first input. */
  private static float[] score(OrtSession session) throws Exception {
    float[] x = new float[4 * 32];
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 0.01f - 0.5f;
    }
    String input = session.getInputNames().iterator().next();
    try (OnnxTensor t = OnnxTensor.createTensor(SessionFactory.environment(), FloatBuffer.wrap(x), new long[] {4, 32});
        OrtSession.Result r = session.run(Map.of(input, t))) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
    }
  }
}
