package io.nightshift.samples.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CerTest {

  @Test
  void distanceCountsCodePoints() {
    assertThat(Cer.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Cer.distance("天气很好", "天气好")).isEqualTo(1);
    assertThat(Cer.distance("", "abc")).isEqualTo(3);
    assertThat(Cer.distance("abc", "")).isEqualTo(3);
    assertThat(Cer.distance("flaw", "lawn")).isEqualTo(2);
    // A character outside the BMP is one code point (two chars), so one edit.
    assertThat(Cer.distance("a\uD83D\uDE00b", "ab")).isEqualTo(1);
  }

  @Test
  void theRateIsEditsOverTruthCharacters() {
    Cer cer = new Cer();
    assertThat(cer.add("Road, Leith", "Road,Leith")).isEqualTo(1);
    assertThat(cer.add("天气很好", "天气很好")).isZero();
    assertThat(cer.add("ab", "abxyz")).isEqualTo(3);
    assertThat(cer.edits()).isEqualTo(4);
    assertThat(cer.chars()).isEqualTo(17);
    assertThat(cer.lines()).isEqualTo(3);
    assertThat(cer.exact()).isEqualTo(1);
    assertThat(cer.rate()).isEqualTo(4.0 / 17);
  }

  @Test
  void theRateOfNothingIsRefused() {
    Cer cer = new Cer();
    cer.add("", "x");
    assertThatThrownBy(cer::rate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the CER of no truth characters is undefined");
  }
}
