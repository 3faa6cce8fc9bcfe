package io.nightshift.samples.onnx;

import static io.nightshift.samples.OrtSupport.assertTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.nightshift.samples.OrtSupport;
import io.nightshift.samples.Samples;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GatherModelTest {
  private static OrtSession session;

  @BeforeAll
  static void open() throws OrtException {
    session = OrtSupport.session(Samples.faultyGather());
  }

  @AfterAll
  static void close() throws OrtException {
    session.close();
  }

  private static float[][][] gather(long... indices) throws OrtException {
    long[][] batch = new long[indices.length][1];
    for (int i = 0; i < indices.length; i++) {
      batch[i][0] = indices[i];
    }
    try (OnnxTensor input = OnnxTensor.createTensor(OrtSupport.env(), batch);
        OrtSession.Result result = session.run(Map.of(GatherModel.INPUT, input))) {
      return (float[][][]) result.get(GatherModel.OUTPUT).orElseThrow().getValue();
    }
  }

  @Test
  void hasTheDocumentedSignature() throws OrtException {
    assertTensor(session.getInputInfo().get("index"), OnnxJavaType.INT64, -1, 1);
    assertTensor(session.getOutputInfo().get("value"), OnnxJavaType.FLOAT, -1, 1, 2);
  }

  @Test
  void goodIndicesReturnTheirRows() throws OrtException {
    long[] indices = {0, 3, 9, -1, -10};
    float[][][] values = gather(indices);
    assertThat(values).hasDimensions(indices.length, 1);
    for (int i = 0; i < indices.length; i++) {
      assertThat(values[i][0]).containsExactly(GatherModel.row(indices[i]));
    }
    assertThat(values[3][0]).containsExactly(9f, 109f);
  }

  @Test
  void oneBadIndexFailsTheWholeBatch() {
    assertThatThrownBy(() -> gather(0, 1, 2, 10, 4))
        .isInstanceOf(OrtException.class)
        .hasMessageContaining("indices element out of data bounds, idx=10")
        .hasMessageContaining("[-10,9]");
    assertThatThrownBy(() -> gather(-11))
        .isInstanceOf(OrtException.class)
        .hasMessageContaining("indices element out of data bounds, idx=-11");
  }

  @Test
  void theSessionStillWorksAfterAFailure() throws OrtException {
    assertThatThrownBy(() -> gather(100)).isInstanceOf(OrtException.class);
    assertThat(gather(5)[0][0]).containsExactly(5f, 105f);
  }
}
