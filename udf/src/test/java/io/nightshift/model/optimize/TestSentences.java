package io.nightshift.model.optimize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test texts: sentences of 4 to 24 real English words drawn, with a fixed seed, from the common
 * whole words of the MiniLM tokenizer's own vocabulary. Not natural prose, but real words at varied
 * lengths, the same every run, and no corpus to download.
 */
final class TestSentences {
  private static final Pattern VOCAB_ENTRY = Pattern.compile("\"([a-z]{3,12})\":\\s*(\\d+)");

  private TestSentences() {}

  static List<String> generate(Path tokenizerJson, int count, long seed) {
    List<String> words = commonWords(tokenizerJson);
    Random random = new Random(seed);
    List<String> sentences = new ArrayList<>(count);
    for (int s = 0; s < count; s++) {
      int length = 4 + random.nextInt(21);
      StringBuilder sentence = new StringBuilder();
      for (int w = 0; w < length; w++) {
        String word = words.get(random.nextInt(words.size()));
        if (w == 0) {
          sentence.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
        } else {
          sentence.append(random.nextInt(9) == 0 ? ", " : " ").append(word);
        }
      }
      sentences.add(sentence.append('.').toString());
    }
    return sentences;
  }

  /**
   * Whole lower-case words with ids 2000..15000 (the more frequent part of the vocabulary), in id
   * order.
   */
  private static List<String> commonWords(Path tokenizerJson) {
    try {
      String json = Files.readString(tokenizerJson);
      TreeMap<Integer, String> byId = new TreeMap<>();
      Matcher matcher = VOCAB_ENTRY.matcher(json);
      while (matcher.find()) {
        int id = Integer.parseInt(matcher.group(2));
        if (id >= 2000 && id < 15000) {
          byId.put(id, matcher.group(1));
        }
      }
      return new ArrayList<>(byId.values());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
