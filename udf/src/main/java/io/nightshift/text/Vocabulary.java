package io.nightshift.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.nightshift.NightshiftException;
import java.io.IOException;

/**
 * The number of token ids a Hugging Face {@code tokenizer.json} can give: one more than the
 * largest id in its model's vocabulary (WordPiece and BPE: a token-to-id object; Unigram: a list
 * of [token, score] pairs) and its added tokens. Stateless.
 */
public final class Vocabulary {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Vocabulary() {}

  /**
   * The ids {@code json} can give; fails (exit 2) naming {@code name} when it has no vocabulary or
   * is not JSON. Streams the file (a 30,000-token vocabulary is read in a few milliseconds, with no
   * tree of it built).
   */
  public static long size(byte[] json, String name) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw NightshiftException.invalid("model.tokenizer: %s has no model.vocab", name);
      }
      long max = -1;
      boolean vocabulary = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("model") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            JsonToken v = p.nextToken();
            if (inner.equals("vocab") && v == JsonToken.START_OBJECT) {
              vocabulary = true;
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                p.nextToken();
                max = Math.max(max, p.getValueAsLong());
                p.skipChildren();
              }
            } else if (inner.equals("vocab") && v == JsonToken.START_ARRAY) {
              vocabulary = true;
              long n = 0;
              while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
                n++;
              }
              max = Math.max(max, n - 1);
            } else {
              p.skipChildren();
            }
          }
        } else if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String inner = p.currentName();
              p.nextToken();
              if (inner.equals("id")) {
                max = Math.max(max, p.getValueAsLong(-1));
              }
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (!vocabulary) {
        throw NightshiftException.invalid("model.tokenizer: %s has no model.vocab", name);
      }
      return max + 1;
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "model.tokenizer: %s is not JSON: %s", name, e.getMessage());
    }
  }
}
