package io.nightshift.quality;

import java.io.CharArrayWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.json.JSONOptions;
import org.apache.spark.sql.catalyst.json.JacksonGenerator;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes a row's original values as a JSON object with Spark's own JSON writer, so that a
 * quarantined row can be replayed as it was read ({@code from_json} with the input schema gives
 * the row back): numbers as numbers (NaN and infinities as strings), timestamps in ISO 8601 with
 * microseconds and the session's offset, timestamp_ntz without an offset, dates as
 * {@code yyyy-MM-dd}, structs and maps as objects, arrays as arrays, binary as base64, nulls kept.
 * Not thread-safe: one per task.
 */
public final class RowJson {
  private final CharArrayWriter out = new CharArrayWriter(256);
  private final JacksonGenerator generator;

  /** A writer for rows of {@code schema}; timestamps are written in {@code timeZone}. */
  public RowJson(StructType schema, String timeZone) {
    Map<String, String> options = new HashMap<>();
    options.put("ignoreNullFields", "false");
    options.put("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");
    options.put("timestampNTZFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
    options.put("dateFormat", "yyyy-MM-dd");
    scala.collection.immutable.Map<String, String> scalaOptions =
        scala.collection.immutable.Map.from(CollectionConverters.asScala(options));
    this.generator = new JacksonGenerator(schema, out, new JSONOptions(scalaOptions, timeZone, ""));
  }

  /** The JSON object of {@code row}, whose fields are the schema's. */
  public String of(InternalRow row) {
    out.reset();
    generator.write(row);
    generator.flush();
    return out.toString();
  }

  /** Appends {@code s} as a JSON string. */
  public static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
