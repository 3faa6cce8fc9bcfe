package io.nightshift.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.samples.Samples;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CtcDecoderTest {
  /** blank, a, b, space. */
  private static final CtcDecoder AB = new CtcDecoder(List.of("", "a", "b", " "));

  /** One step per class index, with probability p on it and the rest spread evenly. */
  private static float[] steps(int[] best, float[] p) {
    float[] out = new float[best.length * 4];
    for (int t = 0; t < best.length; t++) {
      for (int k = 0; k < 4; k++) {
        out[t * 4 + k] = k == best[t] ? p[t] : (1 - p[t]) / 3;
      }
    }
    return out;
  }

  @Test
  void repeatsMergeBlanksGoAndABlankSeparatesTwins() {
    // a a _ a b b _ _ b space  →  "aabb "
    int[] best = {1, 1, 0, 1, 2, 2, 0, 0, 2, 3};
    float[] p = {0.9f, 0.8f, 0.99f, 0.7f, 0.6f, 0.9f, 0.95f, 0.95f, 0.5f, 0.8f};
    CtcDecoder.Decoded decoded = AB.decode(steps(best, p), 0, best.length);
    assertThat(decoded.text()).isEqualTo("aabb ");
    // The first step of each kept run: 0.9, 0.7, 0.6, 0.5, 0.8.
    assertThat(decoded.confidence()).isCloseTo((0.9f + 0.7f + 0.6f + 0.5f + 0.8f) / 5, offset(1e-6f));
  }

  @Test
  void onlyBlanksDecodeToEmptyWithConfidenceZero() {
    CtcDecoder.Decoded decoded = AB.decode(steps(new int[] {0, 0, 0}, new float[] {1, 1, 1}), 0, 3);
    assertThat(decoded).isEqualTo(new CtcDecoder.Decoded("", 0f));
  }

  @Test
  void decodesARowAtAnOffsetWithoutMovingTheBuffer() {
    float[] two = new float[2 * 2 * 4];
    System.arraycopy(steps(new int[] {1, 1}, new float[] {0.9f, 0.9f}), 0, two, 0, 8);
    System.arraycopy(steps(new int[] {2, 1}, new float[] {0.6f, 0.8f}), 0, two, 8, 8);
    FloatBuffer buffer = FloatBuffer.wrap(two);
    assertThat(AB.decode(buffer, 8, 2).text()).isEqualTo("ba");
    assertThat(AB.decode(buffer, 0, 2).text()).isEqualTo("a");
    assertThat(buffer.position()).isZero();
  }

  @Test
  void paddleDictionaryIsBlankLinesThenSpace() {
    CtcDecoder keys = CtcDecoder.paddle(Samples.ocrKeys());
    assertThat(keys.classes()).isEqualTo(6625);
    keys.checkClasses("softmax", 6625);
    assertThatThrownBy(() -> keys.checkClasses("softmax", 6624))
        .isInstanceOf(NightshiftException.class)
        .hasMessage(
            "model output 'softmax' has 6624 classes per step; the dictionary gives 6625 (blank +"
                + " 6623 entries + space)")
        .extracting(e -> ((NightshiftException) e).exitCode())
        .isEqualTo(ExitCode.INVALID);
    // Class 1 is the file's first line ('), 6624 the space.
    float[] probs = new float[2 * 6625];
    probs[1] = 1;
    probs[6625 + 6624] = 1;
    assertThat(keys.decode(probs, 0, 2).text()).isEqualTo("' ");
  }

  @Test
  void dictionaryLineEndsAreDropped(@TempDir Path dir) throws Exception {
    Path crlf = dir.resolve("keys.txt");
    Files.writeString(crlf, "x\r\ny\r\n", StandardCharsets.UTF_8);
    CtcDecoder decoder = CtcDecoder.paddle(crlf);
    assertThat(decoder.classes()).isEqualTo(4);
    float[] probs = new float[3 * 4];
    probs[1] = 1;
    probs[4 + 3] = 1;
    probs[8 + 2] = 1;
    assertThat(decoder.decode(probs, 0, 3).text()).isEqualTo("x y");
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> CtcDecoder.paddle(empty))
        .hasMessage("the CTC dictionary " + empty + " is empty");
  }
}
