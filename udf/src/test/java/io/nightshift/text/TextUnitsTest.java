package io.nightshift.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.EmptyTextPolicy;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.samples.Samples;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text pieces that need no Spark: config keys, length order, pooling, the real tokenizer. */
class TextUnitsTest {
  private static final String JOB =
      """
      input: {path: /in, format: parquet}
      model: {uri: /m.onnx, tokenizer: /tokenizer.json}
      inference:
        text: {column: body}
        outputs:
          last_hidden_state: {column: embedding, post: mean, normalize: l2}
      output: {path: /out}
      """;

  private static JobConfig parse(String yaml, String... sets) {
    return JobConfigParser.parse(yaml, "job.yaml", List.of(sets));
  }

  @Test
  void textKeysParseWithTheirDefaults() {
    JobConfig c = parse(JOB);
    JobConfig.TextSpec t = c.inference().text();
    assertThat(c.model().tokenizer()).isEqualTo("/tokenizer.json");
    assertThat(t.column()).isEqualTo("body");
    assertThat(List.of(t.idsInput(), t.maskInput(), t.typeIdsInput()))
        .containsExactly("input_ids", "attention_mask", "token_type_ids");
    assertThat(t.maxLength()).isEqualTo(256);
    assertThat(t.truncation()).isTrue();
    assertThat(t.truncatedColumn()).isEqualTo("body_truncated");
    assertThat(t.empty()).isEqualTo(EmptyTextPolicy.REJECT);
    assertThat(t.bucketing()).isTrue();
    assertThat(t.windowBatches()).isEqualTo(8);
    assertThat(c.inference().batchSize()).isEqualTo(8);
    assertThat(c.inference().outputs().get(0).post()).isEqualTo(PostStep.MEAN);
    assertThat(c.inference().outputs().get(0).normalize()).isEqualTo(Normalize.L2);

    JobConfig n = parse(JOB.replace("text: {column: body}", "text: {column: body, empty: null}"));
    assertThat(n.inference().text().empty()).as("unquoted YAML null").isEqualTo(EmptyTextPolicy.NULL);
    assertThat(n.inference().text().reasonColumn()).isEqualTo("body_reason");
    assertThat(parse(JOB, "inference.bucketing=false").inference().text().bucketing()).isFalse();
  }

  @Test
  void badTextKeysNameKeyAndValue() {
    assertThatThrownBy(() -> parse(JOB, "inference.window-batches=0"))
        .isInstanceOf(NightshiftException.class)
        .hasMessageContaining("'inference.window-batches'").hasMessageContaining("'0'")
        .satisfies(e -> assertThat(((NightshiftException) e).exitCode()).isEqualTo(ExitCode.INVALID));
    assertThatThrownBy(() -> parse(JOB, "model.tokenizer="))
        .hasMessageContaining("key 'inference.text.column' is for text models; set model.tokenizer too");
    assertThatThrownBy(() -> parse(JOB, "inference.text.column="))
        .hasMessageContaining("inference.text.column must name the text column");
    assertThatThrownBy(() -> parse(JOB, "inference.outputs.last_hidden_state.normalize=l3"))
        .hasMessageContaining("inference.outputs.last_hidden_state.normalize").hasMessageContaining("'l3'");
    assertThatThrownBy(() -> parse(JOB, "output.pass-through=[body_truncated]"))
        .hasMessageContaining("result column 'body_truncated'").hasMessageContaining("named twice");
  }

  @Test
  void lengthOrderIsAStableSortOrTheInputOrder() {
    int[] lengths = {5, 2, 9, 2, 5, 1};
    assertThat(LengthOrder.of(lengths, 6, true)).containsExactly(5, 1, 3, 0, 4, 2);
    assertThat(LengthOrder.of(lengths, 6, false)).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(LengthOrder.of(lengths, 0, true)).isEmpty();
  }

  @Test
  void poolingReadsOnlyTheRowsRealTokens() {
    // One row, 3 positions x 2 hidden; the third position is padding.
    FloatBuffer h = FloatBuffer.wrap(new float[] {1, 2, 3, 4, 100, 100});
    float[] out = new float[2];
    Pooling.mean(h, 0, 2, 2, out);
    assertThat(out).containsExactly(2f, 3f);
    Pooling.cls(h, 0, 2, out);
    assertThat(out).containsExactly(1f, 2f);
    float[] v = {3, 4};
    Pooling.l2(v);
    assertThat(v).containsExactly(0.6f, 0.8f);
    float[] zero = {0, 0};
    Pooling.l2(zero);
    assertThat(zero).containsExactly(0f, 0f);
  }

  @Test
  void realTokenizerTruncatesAndFlags() throws Exception {
    TextTokenizer.useNativeDir(Files.createTempDirectory("djl-native"));
    byte[] json = Files.readAllBytes(Samples.minilmFp32Tokenizer());
    try (TextTokenizer t = TextTokenizer.load(json, "minilm", 8, true)) {
      TextTokenizer.Tokens shortText = t.encode("A man is eating food.");
      assertThat(shortText.ids()).containsExactly(101, 1037, 2158, 2003, 5983, 2833, 1012, 102);
      assertThat(shortText.truncated()).isFalse();
      TextTokenizer.Tokens longText = t.encode("A man is eating a piece of bread.");
      assertThat(longText.length()).isEqualTo(8);
      assertThat(longText.ids()[7]).as("ends with [SEP]").isEqualTo(102);
      assertThat(longText.truncated()).isTrue();
    }
    assertThatThrownBy(() -> TextTokenizer.load("{not json".getBytes(), "broken.json", 8, true))
        .hasMessageContaining("tokenizer file broken.json is not a valid Hugging Face tokenizer.json");
  }
}
