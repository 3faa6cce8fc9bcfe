package io.nightshift.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TextNumberTest {
  @ParameterizedTest
  @CsvSource({"12, 12", "-0.5, -0.5", "+3, 3", "1e-3, 0.001", "2.5E2, 250", ".5, 0.5"})
  void decimalNumbersParse(String text, double value) {
    assertThat(TextNumber.parse(text)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Inf", "-Inf", "Infinity", "-Infinity"})
  void nonFiniteSpellingsParseAsNonFinite(String text) {
    double v = TextNumber.parse(text);
    assertThat(TextNumber.isNotANumber(v)).isFalse();
    assertThat(Double.isFinite(v)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1..2", "12f", "1d", "0x10", "--3", "1e", "1,5", "seven", "1 2"})
  void everythingElseIsNotANumber(String text) {
    assertThat(TextNumber.isNotANumber(TextNumber.parse(text))).as(text).isTrue();
  }
}
