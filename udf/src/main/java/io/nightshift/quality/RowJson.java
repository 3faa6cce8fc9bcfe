package io.nightshift.quality;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a row's original values as a JSON object, so a quarantined row can be replayed as it was
 * read. Numbers and booleans stay JSON literals (NaN and infinities become strings, as JSON has
 * none), arrays stay arrays, everything else is its string form.
 */
public final class RowJson {
  private RowJson() {}

  public static String of(InternalRow row, StructType schema) {
    StringBuilder sb = new StringBuilder(128).append('{');
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      string(sb, fields[i].name());
      sb.append(':');
      value(sb, row.isNullAt(i) ? null : row.get(i, fields[i].dataType()), fields[i].dataType());
    }
    return sb.append('}').toString();
  }

  private static void value(StringBuilder sb, Object v, DataType type) {
    if (v == null) {
      sb.append("null");
    } else if (type instanceof NumericType || type instanceof BooleanType) {
      String s = v.toString();
      if (s.equals("NaN") || s.contains("Infinity")) {
        string(sb, s);
      } else {
        sb.append(s);
      }
    } else if (type instanceof ArrayType at && v instanceof ArrayData arr) {
      sb.append('[');
      for (int i = 0; i < arr.numElements(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        value(sb, arr.isNullAt(i) ? null : arr.get(i, at.elementType()), at.elementType());
      }
      sb.append(']');
    } else if (type instanceof BinaryType && v instanceof byte[] b) {
      string(sb, java.util.Base64.getEncoder().encodeToString(b));
    } else {
      string(sb, v.toString());
    }
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
