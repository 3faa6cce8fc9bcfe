package io.nightshift.samples.minilm;

import static io.nightshift.samples.OrtSupport.assertTensor;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.OrtSupport;
import io.nightshift.samples.Samples;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the signature the README documents for both all-MiniLM-L6-v2 variants. */
class MiniLmTest {
  /**
   * "[CLS] hello world [SEP]" in the model's WordPiece vocabulary (checked against tokenizer.json
   * below).
   */
  private static final long[] HELLO_WORLD = {101, 7592, 2088, 102};

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("fp32", Samples.minilmFp32Model(), Samples.minilmFp32Tokenizer()),
        Arguments.of("int8", Samples.minilmInt8Model(), Samples.minilmInt8Tokenizer()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void hasTheDocumentedSignature(String variant, Path model, Path tokenizer) throws Exception {
    try (OrtSession session = OrtSupport.session(model)) {
      assertThat(session.getInputInfo())
          .containsOnlyKeys("input_ids", "attention_mask", "token_type_ids");
      for (String input : session.getInputInfo().keySet()) {
        assertTensor(session.getInputInfo().get(input), OnnxJavaType.INT64, -1, -1);
      }
      assertThat(session.getOutputInfo()).containsOnlyKeys("last_hidden_state");
      assertTensor(
          session.getOutputInfo().get("last_hidden_state"), OnnxJavaType.FLOAT, -1, -1, 384);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void tokenizerIsAWordPieceVocabulary(String variant, Path model, Path tokenizer)
      throws Exception {
    JsonNode json = new ObjectMapper().readTree(tokenizer.toFile());
    JsonNode vocab = json.get("model").get("vocab");
    assertThat(json.get("model").get("type").asText()).isEqualTo("WordPiece");
    assertThat(vocab.size()).isEqualTo(30522);
    assertThat(
            new long[] {
              vocab.get("[CLS]").asLong(),
              vocab.get("hello").asLong(),
              vocab.get("world").asLong(),
              vocab.get("[SEP]").asLong()
            })
        .containsExactly(HELLO_WORLD);
  }

  @Test
  void bothVariantsEmbedTheSameSentenceAlike() throws Exception {
    float[] fp32 = meanPooled(Samples.minilmFp32Model());
    float[] int8 = meanPooled(Samples.minilmInt8Model());
    assertThat(fp32).hasSize(384);
    assertThat(cosine(fp32, int8)).isGreaterThan(0.95);
  }

  private static float[] meanPooled(Path model) throws OrtException {
    long[][] ids = {HELLO_WORLD};
    long[][] mask = {{1, 1, 1, 1}};
    long[][] types = {{0, 0, 0, 0}};
    try (OrtSession session = OrtSupport.session(model);
        OnnxTensor idsTensor = OnnxTensor.createTensor(OrtSupport.env(), ids);
        OnnxTensor maskTensor = OnnxTensor.createTensor(OrtSupport.env(), mask);
        OnnxTensor typesTensor = OnnxTensor.createTensor(OrtSupport.env(), types);
        OrtSession.Result result =
            session.run(
                Map.of(
                    "input_ids",
                    idsTensor,
                    "attention_mask",
                    maskTensor,
                    "token_type_ids",
                    typesTensor))) {
      float[][][] hidden = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
      assertThat(hidden).hasDimensions(1, HELLO_WORLD.length);
      float[] pooled = new float[hidden[0][0].length];
      for (float[] token : hidden[0]) {
        for (int i = 0; i < pooled.length; i++) {
          pooled[i] += token[i] / hidden[0].length;
        }
      }
      return pooled;
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
