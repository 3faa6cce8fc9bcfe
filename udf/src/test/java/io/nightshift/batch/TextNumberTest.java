package io.nightshift.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TextNumberTest {
  @ParameterizedTest
  @CsvSource({"12, 12", "-0.5, -0.5", "+3, 3", "1e-3, 0.001", "2.5E2, 250", ".5, 0.5"})
  void decimalNumbersParse(String text, String value) {
    assertThat(TextNumber.exact(text)).isEqualByComparingTo(new BigDecimal(value));
  }

  @Test
  void bigIntegersAndLongFractionsStayExact() {
    assertThat(TextNumber.exact("9007199254740993").longValueExact()).isEqualTo(9007199254740993L);
    assertThat(TextNumber.exact("-9223372036854775808").longValueExact()).isEqualTo(Long.MIN_VALUE);
    assertThat(TextNumber.exact("99999999999999999999").toPlainString()).isEqualTo("99999999999999999999");
    assertThat(TextNumber.exact("0.1000000000000000055511151231257827").toPlainString())
        .isEqualTo("0.1000000000000000055511151231257827");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Inf", "-Inf", "Infinity", "-Infinity"})
  void nonFiniteSpellingsAreNonFiniteNotNumbers(String text) {
    assertThat(TextNumber.nonFinite(text)).isNotNull().matches(v -> !Double.isFinite(v));
    assertThat(TextNumber.exact(text)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1..2", "12f", "1d", "0x10", "--3", "1e", "1,5", "seven", "1 2"})
  void everythingElseIsNotANumber(String text) {
    assertThat(TextNumber.exact(text)).as(text).isNull();
    assertThat(TextNumber.nonFinite(text)).as(text).isNull();
  }
}
