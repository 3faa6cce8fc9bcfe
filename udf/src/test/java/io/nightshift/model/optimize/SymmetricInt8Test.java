package io.nightshift.model.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.junit.jupiter.api.Test;

class SymmetricInt8Test {
  /** [2, 3]: columns with max |w| 127, 0 and 63.5; rows with 127 and 63.5 (exact scales). */
  private static final float[] W = {127f, 0f, -31.75f, -63.5f, 0f, 63.5f};

  @Test
  void oneScalePerColumnOfAMatrix() {
    SymmetricInt8.Levels l = SymmetricInt8.along(W, new long[] {2, 3}, 1);
    // An all-zero column gets scale 1; -63.5 rounds half to even, to -64: half a step off.
    assertThat(l.scales()).containsExactly(1f, 1f, 0.5f);
    assertThat(l.values()).containsExactly(127, 0, -64, -64, 0, 127);
    assertThat(l.maxAbsError()).isEqualTo(0.5);
  }

  @Test
  void oneScalePerRowOfAMatrix() {
    SymmetricInt8.Levels l = SymmetricInt8.along(W, new long[] {2, 3}, 0);
    assertThat(l.scales()).containsExactly(1f, 0.5f);
    assertThat(l.values()).containsExactly(127, 0, -32, -127, 0, 127);
    assertThat(l.maxAbsError()).isEqualTo(0.25);
  }

  @Test
  void aGatherTableGetsOneScalePerSliceOfItsAxis() {
    // [2, 2, 2] along axis 1: channel c holds w[o][c][*] for both o.
    float[] t = {127f, -1f, 254f, 2f, 3f, 0f, -254f, 1f};
    SymmetricInt8.Levels l = SymmetricInt8.along(t, new long[] {2, 2, 2}, 1);
    assertThat(l.scales()).containsExactly(1f, 2f);
    assertThat(l.values()).containsExactly(127, -1, 127, 1, 3, 0, -127, 0);
  }

  @Test
  void aNonFiniteValueIsAReasonToSkip() {
    TensorProto t =
        TensorProto.newBuilder()
            .setName("w")
            .setDataType(DataType.FLOAT_VALUE)
            .addDims(2)
            .addFloatData(1f)
            .addFloatData(Float.NaN)
            .build();
    assertThatThrownBy(() -> SymmetricInt8.finiteFloats(t))
        .isInstanceOf(SkipTensor.class)
        .hasMessage("holds NaN or infinite values");
  }
}
