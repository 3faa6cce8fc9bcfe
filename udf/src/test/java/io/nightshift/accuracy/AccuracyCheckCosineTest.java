package io.nightshift.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AccuracyCheckCosineTest {
  @Test
  void fullCosineOfVectorsNotNormalized() {
    assertThat(AccuracyCheck.cosine(new float[] {1, 0, 0}, new float[] {1, 1, 0})).isCloseTo(1 / Math.sqrt(2), within(1e-15));
    assertThat(AccuracyCheck.cosine(new float[] {3, 4}, new float[] {4, 3})).isCloseTo(24.0 / 25, within(1e-15));
    assertThat(AccuracyCheck.cosine(new float[] {2, 0}, new float[] {-5, 0})).isEqualTo(-1.0);
  }

  @Test
  void zeroVectors() {
    assertThat(AccuracyCheck.cosine(new float[] {0, 0}, new float[] {0, 0})).isEqualTo(1.0);
    assertThat(AccuracyCheck.cosine(new float[] {0, 0}, new float[] {1, 0})).isNaN();
  }

  @Test
  void vectorsOfDifferentLengthsAreAnError() {
    assertThatThrownBy(() -> AccuracyCheck.cosine(new float[] {1, 2}, new float[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vectors of 2 and 3 floats");
  }
}
