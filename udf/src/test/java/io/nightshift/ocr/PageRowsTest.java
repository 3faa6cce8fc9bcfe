package io.nightshift.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.junit.jupiter.api.Test;

class PageRowsTest {
  @Test
  void linesBecomeAnArrayOfStructs() {
    PageLine a = new PageLine(new TextBox(new int[] {1, 2, 30, 2, 30, 12, 1, 12}, 0.8f), "Total", 0.97f);
    PageLine b = new PageLine(new TextBox(new int[] {5, 40, 60, 41, 60, 55, 5, 54}, 0.7f), "发票", 0.99f);
    ArrayData lines = PageRows.lines(List.of(a, b));
    assertThat(lines.numElements()).isEqualTo(2);
    InternalRow second = lines.getStruct(1, 3);
    assertThat(second.getArray(0).toIntArray()).containsExactly(5, 40, 60, 41, 60, 55, 5, 54);
    assertThat(second.getUTF8String(1).toString()).isEqualTo("发票");
    assertThat(second.getFloat(2)).isEqualTo(0.99f);
    assertThat(lines.getStruct(0, 3).getUTF8String(1).toString()).isEqualTo("Total");
    assertThat(PageRows.LINES.simpleString())
        .isEqualTo("array<struct<box:array<int>,text:string,confidence:float>>");
    assertThat(PageRows.lines(List.of()).numElements()).isZero();
  }
}
