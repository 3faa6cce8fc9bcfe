package io.nightshift.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.NightshiftException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The number of token ids a Hugging Face {@code tokenizer.json} can give: one more than the
 * largest id in its model's vocabulary (WordPiece and BPE: a token-to-id object; Unigram: a list
 * of [token, score] pairs) and its added tokens. Stateless.
 */
public final class Vocabulary {
  private Vocabulary() {}

  /** The ids {@code json} can give; fails (exit 2) naming {@code name} when it has no vocabulary. */
  public static long size(byte[] json, String name) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "model.tokenizer: %s is not JSON: %s", name, e.getMessage());
    }
    long max = -1;
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
        max = Math.max(max, it.next().getValue().asLong());
      }
    } else if (vocab.isArray()) {
      max = vocab.size() - 1;
    } else {
      throw NightshiftException.invalid("model.tokenizer: %s has no model.vocab", name);
    }
    for (JsonNode added : root.path("added_tokens")) {
      max = Math.max(max, added.path("id").asLong(-1));
    }
    return max + 1;
  }
}
