package io.nightshift.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.samples.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  private static long size(String json) {
    return Vocabulary.size(json.getBytes(StandardCharsets.UTF_8), "t.json");
  }

  @Test
  void wordPieceAndBpeCountOneMoreThanTheLargestIdOfTheVocabularyAndTheAddedTokens() {
    // Ids need not be dense or in order; an added token may lie beyond the vocabulary.
    assertThat(size("{\"version\":\"1.0\",\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
        + "\"vocab\":{\"[PAD]\":0,\"b\":7,\"a\":3}},\"post_processor\":{\"special_tokens\":{\"x\":{\"ids\":[99]}}}}"))
        .isEqualTo(8);
    assertThat(size("{\"added_tokens\":[{\"id\":11,\"content\":\"<mask>\",\"special\":true},{\"content\":\"x\"}],"
        + "\"model\":{\"vocab\":{\"a\":0,\"b\":1}}}"))
        .isEqualTo(12);
  }

  @Test
  void unigramCountsItsPairs() {
    assertThat(size("{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"<unk>\",0.0],[\"a\",-1.5],[\"b\",-2.0]]}}"))
        .isEqualTo(3);
  }

  @Test
  void theRealMiniLmTokenizerHasBertsVocabulary() throws Exception {
    assertThat(Vocabulary.size(Files.readAllBytes(Samples.minilmFp32Tokenizer()), "minilm")).isEqualTo(30_522);
  }

  @Test
  void aFileWithoutVocabularyOrNotJsonIsRefusedNamingIt() {
    for (String json : new String[] {"{\"model\":{\"type\":\"WordPiece\"}}", "[1, 2]", "{\"model\":{\"vocab\":5}}"}) {
      assertThatThrownBy(() -> size(json))
          .isInstanceOfSatisfying(NightshiftException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID))
          .hasMessage("model.tokenizer: t.json has no model.vocab");
    }
    assertThatThrownBy(() -> size("{\"model\": {\"vocab\": {\"a\": 0,"))
        .isInstanceOf(NightshiftException.class)
        .hasMessageStartingWith("model.tokenizer: t.json is not JSON: ");
  }
}
