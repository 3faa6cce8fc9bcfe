package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.image.DecodeOutcome;
import io.nightshift.image.ImageDecoder;
import io.nightshift.samples.HandMadePngs;
import io.nightshift.samples.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image files through Spark's {@code binaryFile} source and {@link ImageDecoder} on the executors
 * (local[2]): the groundwork of {@code input.format: image}, which the job does not have yet.
 */
class ImageFilesTest {
  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void files() throws Exception {
    spark = SparkTestSession.get();
    Path lines = Samples.ocrLinesTruth().getParent();
    try (var files = Files.list(lines)) {
      for (Path f : files.filter(f -> f.toString().matches(".*\\.(png|jpg)$")).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    byte[] jpeg = Files.readAllBytes(lines.resolve("line-03.jpg"));
    Files.write(dir.resolve("bad-empty.png"), new byte[0]);
    Files.write(dir.resolve("bad-cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.writeString(dir.resolve("bad-notes.png"), "not an image at all", StandardCharsets.UTF_8);
    Files.write(dir.resolve("bad-bomb.png"), HandMadePngs.header(30_000, 30_000));
  }

  /**
   * Measured: the 40 sample lines decode, the cut JPEG, the text file and the bomb are rejected
   * with their reasons — and the zero-byte file is not there at all: Spark's file scan drops empty
   * files before any reader sees them, so {@code image_empty} can only come from a listing of the
   * folder (or a binary column of a table).
   */
  @Test
  void everyFileIsDecodedOrRejectedWithItsReasonOnTheExecutors() {
    Dataset<Row> files = spark.read().format("binaryFile").load(dir.toString());
    assertThat(files.schema().fieldNames())
        .containsExactly("path", "modificationTime", "length", "content");
    assertThat(files.rdd().getNumPartitions()).isPositive();
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    List<String> outcomes =
        files
            .javaRDD()
            .map(
                row -> {
                  String name = row.getString(0).replaceAll(".*/", "");
                  Timestamp modified = row.getTimestamp(1);
                  DecodeOutcome outcome = decoder.decode((byte[]) row.get(3));
                  String what =
                      outcome.ok()
                          ? outcome.image().width() + "x" + outcome.image().height()
                          : outcome.rejection().reason().code();
                  return name + " " + what + " " + (modified != null);
                })
            .collect();
    // Spark's file scan leaves zero-byte files out: bad-empty.png never reaches a decoder.
    assertThat(outcomes).hasSize(43).allMatch(o -> o.endsWith(" true"));
    Map<String, String> byFile = new TreeMap<>();
    for (String o : outcomes) {
      String[] f = o.split(" ");
      byFile.put(f[0], f[1]);
    }
    assertThat(byFile).doesNotContainKey("bad-empty.png");
    assertThat(decoder.decode(new byte[0]).rejection().reason().code()).isEqualTo("image_empty");
    assertThat(byFile)
        .containsEntry("bad-cut.jpg", "image_truncated")
        .containsEntry("bad-notes.png", "image_undecodable")
        .containsEntry("bad-bomb.png", "image_too_large");
    Map<Boolean, Long> decoded =
        byFile.entrySet().stream()
            .collect(
                Collectors.partitioningBy(
                    e -> e.getValue().matches("\\d+x\\d+"), Collectors.counting()));
    assertThat(decoded).containsEntry(true, 40L).containsEntry(false, 3L);
  }

  /**
   * Spark refuses a file above {@code spark.sql.sources.binaryFile.maxLength} (default
   * Integer.MAX_VALUE bytes) by failing the whole read, not the row: {@code input.format: image}
   * must keep huge files out before the read (by listing them) or accept that failure.
   */
  @Test
  void aFileAboveSparksMaxLengthFailsTheWholeRead() {
    String key = "spark.sql.sources.binaryFile.maxLength";
    String saved = spark.conf().get(key, null);
    spark.conf().set(key, "1000");
    try {
      assertThatThrownBy(
              () -> spark.read().format("binaryFile").load(dir.toString()).select("content").collectAsList())
          .hasStackTraceContaining("exceeds the max length allowed: 1000");
    } finally {
      if (saved == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, saved);
      }
    }
  }

  /**
   * The {@code input.format: image} listing (listed with {@code listStatus}, no per-file
   * permission lookup): every file below the folder, hidden names skipped at any depth, each with
   * its qualified path, modification time (to the millisecond the file system keeps) and length.
   */
  @Test
  void theListingGivesPathTimeAndLengthOfEveryVisibleFileBelowTheFolder(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("a/b"));
    Files.createDirectories(root.resolve("_hidden"));
    Files.createDirectories(root.resolve("a/.cache"));
    Files.write(root.resolve("top.png"), new byte[] {1, 2, 3});
    Files.write(root.resolve("a/mid.jpg"), new byte[10]);
    Files.write(root.resolve("a/b/deep.gif"), new byte[0]);
    Files.write(root.resolve("a/.skip.png"), new byte[5]);
    Files.write(root.resolve("_hidden/in.png"), new byte[5]);
    Files.write(root.resolve("a/.cache/in.png"), new byte[5]);
    long[] times = {1_600_000_000_000L, 1_700_000_123_000L, 1_650_000_000_000L};
    String[] names = {"top.png", "a/mid.jpg", "a/b/deep.gif"};
    for (int i = 0; i < names.length; i++) {
      Files.setLastModifiedTime(root.resolve(names[i]), java.nio.file.attribute.FileTime.fromMillis(times[i]));
    }
    Dataset<Row> listed = ImageFiles.list(spark, new io.nightshift.config.JobConfig.InputSpec(
        root.toString(), io.nightshift.config.Enums.InputFormat.IMAGE, Map.of(), List.of(), ""));
    List<String> rows = listed.collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getTimestamp(1).getTime() + " " + r.getLong(2))
        .toList();
    String base = "file:" + root.toAbsolutePath();
    assertThat(rows).containsExactly(
        base + "/a/b/deep.gif 1650000000000 0",
        base + "/a/mid.jpg 1700000123000 10",
        base + "/top.png 1600000000000 3");
  }
}
