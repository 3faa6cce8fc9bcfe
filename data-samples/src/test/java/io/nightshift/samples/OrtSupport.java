package io.nightshift.samples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Map;

/** Test helpers over ONNX Runtime: sessions on the CPU, signatures, one-input one-output runs. */
public final class OrtSupport {
  private OrtSupport() {}

  /** The process-wide environment; never closed here (ORT owns its lifetime). */
  public static OrtEnvironment env() {
    return OrtEnvironment.getEnvironment();
  }

  /** A CPU session on the model at {@code model}; the caller closes it. */
  public static OrtSession session(Path model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return env().createSession(model.toString(), options);
    }
  }

  /**
   * Asserts that {@code info} is a tensor of {@code type} with {@code shape} (-1 for a dynamic
   * dimension).
   */
  public static void assertTensor(NodeInfo info, OnnxJavaType type, long... shape) {
    assertThat(info.getInfo()).isInstanceOf(TensorInfo.class);
    TensorInfo tensor = (TensorInfo) info.getInfo();
    assertThat(tensor.type).as("%s type", info.getName()).isEqualTo(type);
    assertThat(tensor.getShape()).as("%s shape", info.getName()).containsExactly(shape);
  }

  /**
   * Runs a float matrix through a one-input model and returns output {@code output} as a float
   * matrix.
   */
  public static float[][] run(OrtSession session, String input, float[][] x, String output)
      throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env(), x);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      OnnxValue value =
          result.get(output).orElseThrow(() -> new AssertionError("no output " + output));
      return (float[][]) value.getValue();
    }
  }
}
