package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.samples.Samples;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer that belongs to another model, caught at validate from the model's embedding table:
 * the real bge-small-zh-v1.5 tokenizer (21,128 ids) with all-MiniLM-L6-v2 (30,522 rows; scored
 * garbage with exit 0 before), and the MiniLM tokenizer with bge-small-zh (ids past the table; an
 * ONNX Runtime Gather error at run time before). Each exits 2 naming both files.
 */
class TokenizerVocabularyTest {
  static final Path CONFIG = Samples.root().resolve("conf/jobs/sample-embeddings.yaml");

  @TempDir static Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  static String refused(String name, Path model, Path tokenizer) {
    Path out = tmp.resolve("out-" + name);
    return RowQualityJobTest.refusedBeforeLaunch(out, CONFIG,
        "input.path=" + Samples.mails(), "output.path=" + out,
        "model.uri=" + model, "model.tokenizer=" + tokenizer);
  }

  @Test
  void aSmallerVocabularyThanTheTableIsRefused() {
    String message = refused("zh-on-en", Samples.minilmFp32Model(), Samples.bgeSmallZhInt8Tokenizer());
    assertThat(message).isEqualTo("nightshift: tokenizer file:" + Samples.bgeSmallZhInt8Tokenizer()
        + " (model.tokenizer) has a vocabulary of 21128 ids, but model file:" + Samples.minilmFp32Model()
        + " embeds input 'input_ids' with a table of 30522 rows (Gather '/embeddings/word_embeddings/Gather'):"
        + " they belong to different models");
  }

  @Test
  void aLargerVocabularyThanTheTableIsRefused() {
    String message = refused("en-on-zh", Samples.bgeSmallZhInt8Model(), Samples.minilmFp32Tokenizer());
    assertThat(message).isEqualTo("nightshift: tokenizer file:" + Samples.minilmFp32Tokenizer()
        + " (model.tokenizer) has a vocabulary of 30522 ids, but model file:" + Samples.bgeSmallZhInt8Model()
        + " embeds input 'input_ids' with a table of 21128 rows (Gather '/embeddings/word_embeddings/Gather'):"
        + " they belong to different models");
  }

  @Test
  void eachModelWithItsOwnTokenizerValidates() {
    for (Path[] pair : new Path[][] {
        {Samples.minilmFp32Model(), Samples.minilmFp32Tokenizer()},
        {Samples.bgeSmallZhInt8Model(), Samples.bgeSmallZhInt8Tokenizer()}}) {
      assertThat(Nightshift.execute(new String[] {"validate", "--config", CONFIG.toString(),
          "--set", "input.path=" + Samples.mails(), "--set", "output.path=" + tmp.resolve("out-ok"),
          "--set", "model.uri=" + pair[0], "--set", "model.tokenizer=" + pair[1]}))
          .as(pair[0].toString()).isEqualTo(0);
    }
  }
}
