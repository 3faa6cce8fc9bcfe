package io.nightshift.samples.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MailCorpusTest {
  private static List<JsonNode> mails;

  @BeforeAll
  static void read() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    mails = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(Samples.mails(), StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        mails.add(mapper.readTree(line));
      }
    }
  }

  @Test
  void holdsTheWholeCorpusOnceEach() {
    assertThat(mails).hasSize(6046);
    Set<String> ids = new HashSet<>();
    for (JsonNode mail : mails) {
      assertThat(mail.fieldNames()).toIterable().containsExactly("id", "label", "text");
      assertThat(mail.get("id").asText()).matches("(easy-ham-[12]|hard-ham-1|spam-[12])/\\d{5}");
      assertThat(mail.get("text").isTextual()).isTrue();
      ids.add(mail.get("id").asText());
    }
    assertThat(ids).hasSize(mails.size());
    assertThat(mails.get(0).get("id").asText()).isEqualTo("easy-ham-1/00001");
  }

  @Test
  void labelsFollowTheGroups() {
    Map<String, Long> labels =
        mails.stream()
            .collect(Collectors.groupingBy(m -> m.get("label").asText(), Collectors.counting()));
    assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of("ham", 4150L, "spam", 1896L));
    // Counted rather than asserted per mail: a failure message should not print the corpus.
    long mislabeled =
        mails.stream()
            .filter(
                m ->
                    !m.get("label")
                        .asText()
                        .equals(m.get("id").asText().startsWith("spam-") ? "spam" : "ham"))
            .count();
    assertThat(mislabeled).isZero();
  }

  @Test
  void textsAreBodiesOfRealMixedLengths() {
    int[] lengths =
        mails.stream().mapToInt(m -> m.get("text").asText().length()).sorted().toArray();
    assertThat(lengths[0]).isPositive();
    assertThat(lengths[lengths.length / 2]).isBetween(500, 5_000);
    assertThat(lengths[lengths.length - 1]).isGreaterThan(100_000);
    // The first mail's headers end before its quoted "Date:" line, where the body starts.
    assertThat(mails.get(0).get("text").asText())
        .startsWith(
            "    Date:        Wed, 21 Aug 2002 10:54:46 -0500\n    From:        Chris Garrigues");
  }

  @Test
  void bodyStartsAfterTheFirstEmptyLine() {
    assertThat(MailCorpus.body("Subject: hi\nFrom: a\n\nline 1\n\nline 2\n"))
        .isEqualTo("line 1\n\nline 2\n");
    assertThat(MailCorpus.body("Subject: hi\r\n\r\nbody\r\n")).isEqualTo("body\r\n");
    assertThat(MailCorpus.body("Subject: no body")).isEmpty();
  }
}
