package io.nightshift.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark's input tables: {@code rows} rows of {@code width} uniform random floats in [0, 1),
 * seeded, as Parquet in two layouts with the same values: {@code arr} (id, features array<float>)
 * and {@code cols} (id, f0 .. f{width-1}). Written once under {@code bench/target/data} and reused
 * while the folder holds a {@code _SUCCESS} marker.
 */
final class BenchData {
  static final long SEED = 20261128L;

  private BenchData() {}

  /** Layout of a feature table. */
  enum Layout {
    ARRAY("arr"),
    COLUMNS("cols");

    final String dirName;

    Layout(String dirName) {
      this.dirName = dirName;
    }
  }

  static Path dir(Path dataRoot, int width, long rows, Layout layout, int files) {
    return dataRoot.resolve("w" + width + "-r" + rows + "-f" + files + "-" + layout.dirName);
  }

  /** The table's folder, generating it first when it is missing. */
  static Path ensure(SparkSession spark, Path dataRoot, int width, long rows, Layout layout, int files) {
    Path dir = dir(dataRoot, width, rows, layout, files);
    if (Files.isRegularFile(dir.resolve("_SUCCESS"))) {
      return dir;
    }
    long start = System.nanoTime();
    Column[] features = new Column[width];
    for (int i = 0; i < width; i++) {
      features[i] = rand(SEED + i).cast("float").as("f" + i);
    }
    var base = spark.range(0, rows, 1, files).select(withId(features));
    var table =
        layout == Layout.ARRAY
            ? base.select(col("id"), array(names(width)).as("features"))
            : base;
    table.write().mode("overwrite").parquet(dir.toString());
    Bench.log("data: wrote %,d rows x %d floats (%s, %d files) to %s in %.1f s",
        rows, width, layout.dirName, files, dir, (System.nanoTime() - start) / 1e9);
    return dir;
  }

  private static Column[] withId(Column[] features) {
    Column[] all = new Column[features.length + 1];
    all[0] = col("id");
    System.arraycopy(features, 0, all, 1, features.length);
    return all;
  }

  private static Column[] names(int width) {
    Column[] c = new Column[width];
    for (int i = 0; i < width; i++) {
      c[i] = col("f" + i);
    }
    return c;
  }

  /** Total bytes of the Parquet files in {@code dir}. */
  static long bytes(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
