package io.nightshift.ocr;

import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A page's lines as one Spark value: {@code array<struct<box: array<int>, text: string,
 * confidence: float>>}, one element per line in reading order; {@code box} holds the 4 corners
 * clockwise from the top-left as {@code x0, y0, x1, y1, x2, y2, x3, y3} in the page's pixels. The
 * shape of a page job's output column (one row per image). Stateless, thread-safe.
 */
public final class PageRows {
  /** One line's struct. */
  public static final StructType LINE =
      new StructType()
          .add("box", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("text", DataTypes.StringType, false)
          .add("confidence", DataTypes.FloatType, false);

  /** The lines column's type. */
  public static final ArrayType LINES = DataTypes.createArrayType(LINE, false);

  private PageRows() {}

  /** {@code lines} as a Catalyst array of {@link #LINE} structs. */
  public static ArrayData lines(List<PageLine> lines) {
    Object[] structs = new Object[lines.size()];
    for (int i = 0; i < structs.length; i++) {
      PageLine line = lines.get(i);
      InternalRow struct =
          new GenericInternalRow(
              new Object[] {
                new GenericArrayData(line.box().points()),
                UTF8String.fromString(line.text()),
                line.confidence()
              });
      structs[i] = struct;
    }
    return new GenericArrayData(structs);
  }
}
