package io.nightshift.samples.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TruthTest {
  @TempDir Path tmp;

  @Test
  void whatRecordWritesFieldsReadsBack() {
    Object[] values = {"a.png", "12,480 rows", "say \"hi\", then", "", 180};
    String record = Truth.record(values);
    assertThat(record).isEqualTo("a.png,\"12,480 rows\",\"say \"\"hi\"\", then\",,180\n");
    assertThat(Truth.fields(record.strip()))
        .containsExactly("a.png", "12,480 rows", "say \"hi\", then", "", "180");
  }

  @Test
  void linesAndPagesAreReadTyped() throws Exception {
    Path lines = tmp.resolve("lines.csv");
    Files.writeString(
        lines,
        Truth.record(Truth.LINES_HEADER.toArray())
            + Truth.record("line-00.png", "Total, due", 0)
            + Truth.record("line-01.jpg", "天气很好", 180),
        StandardCharsets.UTF_8);
    assertThat(Truth.lines(lines))
        .containsExactly(
            new Truth.Line("line-00.png", "Total, due", 0),
            new Truth.Line("line-01.jpg", "天气很好", 180));

    Path pages = tmp.resolve("pages.csv");
    Files.writeString(
        pages,
        Truth.record(Truth.PAGES_HEADER.toArray())
            + Truth.record("page-0.png", 0, 40, 31, 300, 28, "first")
            + Truth.record("page-1.png", 0, 50, 33, 200, 30, "other")
            + Truth.record("page-0.png", 1, 41, 90, 310, 29, "second"),
        StandardCharsets.UTF_8);
    assertThat(Truth.pages(pages)).containsOnlyKeys("page-0.png", "page-1.png");
    assertThat(Truth.pages(pages).keySet()).containsExactly("page-0.png", "page-1.png");
    assertThat(Truth.pages(pages).get("page-0.png"))
        .containsExactly(
            new Truth.PageLine("page-0.png", 0, 40, 31, 300, 28, "first"),
            new Truth.PageLine("page-0.png", 1, 41, 90, 310, 29, "second"));
  }

  @Test
  void aWrongHeaderOrRecordIsNamed() throws Exception {
    Path pages = tmp.resolve("pages.csv");
    Files.writeString(pages, "path,text,angle\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Truth.pages(pages))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(pages + ": the header is 'path,text,angle', not path,line,x,y,width,height,text");

    Path lines = tmp.resolve("lines.csv");
    Files.writeString(lines, "path,text,angle\na.png,x\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Truth.lines(lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(lines + " line 2: 2 fields, not 3: 'a.png,x'");

    Path empty = tmp.resolve("empty.csv");
    Files.write(empty, List.of());
    assertThatThrownBy(() -> Truth.lines(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(empty + ": the header is missing, not path,text,angle");
  }
}
