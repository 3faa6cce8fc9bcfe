package io.nightshift.model.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatTest {
  @Test
  void everyFloat16SurvivesARoundTrip() {
    for (int bits = 0; bits <= 0xffff; bits++) {
      short half = (short) bits;
      float value = HalfFloat.toFloat(half);
      if (Float.isNaN(value)) {
        assertThat(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(value)))).isTrue();
      } else {
        assertThat(HalfFloat.fromFloat(value)).as("bits %04x", bits).isEqualTo(half);
      }
    }
  }

  @Test
  void knownValues() {
    assertThat(HalfFloat.fromFloat(1f)).isEqualTo((short) 0x3c00);
    assertThat(HalfFloat.fromFloat(-2f)).isEqualTo((short) 0xc000);
    assertThat(HalfFloat.fromFloat(65504f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloat.fromFloat(65519f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloat.fromFloat(65520f)).isEqualTo((short) 0x7c00); // rounds up to infinity
    assertThat(HalfFloat.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
    assertThat(HalfFloat.fromFloat(0x1p-25f)).isEqualTo((short) 0x0000); // a tie, to even
    assertThat(HalfFloat.fromFloat(0x1.8p-25f)).isEqualTo((short) 0x0001);
    assertThat(HalfFloat.fromFloat(-0f)).isEqualTo((short) 0x8000);
    assertThat(HalfFloat.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xfc00);
    assertThat(HalfFloat.toFloat((short) 0x3555)).isEqualTo(0.333251953125f);
  }

  @Test
  void tiesRoundToEven() {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: to even is 1.
    assertThat(HalfFloat.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
    // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9: to even is 1 + 2^-9.
    assertThat(HalfFloat.fromFloat(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
    // Just above a tie rounds up.
    assertThat(HalfFloat.fromFloat(Math.nextUp(1f + 0x1p-11f))).isEqualTo((short) 0x3c01);
  }
}
