package io.nightshift.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExifOrientationTest {
  /** Stored as two rows, a b c / d e f (pixel values 1–6). */
  private static final DecodedImage STORED = new DecodedImage(3, 2, new int[] {1, 2, 3, 4, 5, 6});

  @ParameterizedTest(name = "orientation {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1 | 3 | 1 2 3 4 5 6",
        "2 | 3 | 3 2 1 6 5 4",
        "3 | 3 | 6 5 4 3 2 1",
        "4 | 3 | 4 5 6 1 2 3",
        "5 | 2 | 1 4 2 5 3 6",
        "6 | 2 | 4 1 5 2 6 3",
        "7 | 2 | 6 3 5 2 4 1",
        "8 | 2 | 3 6 2 5 1 4"
      })
  void eachOrientationShowsTheImageAsTiffDefinesIt(int orientation, int width, String shown) {
    DecodedImage upright = ExifOrientation.apply(STORED, orientation);
    assertThat(upright.width()).isEqualTo(width);
    assertThat(upright.height()).isEqualTo(6 / width);
    StringBuilder actual = new StringBuilder();
    for (int y = 0; y < upright.height(); y++) {
      for (int x = 0; x < upright.width(); x++) {
        actual.append(actual.length() == 0 ? "" : " ").append(upright.rgb(x, y));
      }
    }
    assertThat(actual.toString()).isEqualTo(shown);
  }
}
