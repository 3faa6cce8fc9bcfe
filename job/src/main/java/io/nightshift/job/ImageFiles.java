package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig.InputSpec;
import io.nightshift.config.JobProperties;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code input.format: image}: the image files under {@code input.path} (a folder, read
 * recursively, or a glob) as rows of {@code path} (the qualified file path), {@code
 * modificationTime} and {@code length}. The bytes are read later, per row, on the executors, with
 * a byte limit ({@code inference.image.max-bytes}).
 *
 * <p>Listed here rather than through Spark's {@code binaryFile} source, which leaves zero-byte files
 * out (so they would be neither scored nor rejected) and fails the whole read on one file above
 * {@code spark.sql.sources.binaryFile.maxLength}; listed, each file is one row that is scored or
 * rejected with its reason. Hidden files (names starting with '.' or '_', as Spark skips them) are
 * not listed.
 */
final class ImageFiles {
  private ImageFiles() {}

  /** The listing's columns. */
  static final StructType SCHEMA = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("modificationTime", DataTypes.TimestampType, false)
      .add("length", DataTypes.LongType, false);

  static Dataset<Row> list(SparkSession spark, InputSpec input) {
    if (!input.options().isEmpty()) {
      throw NightshiftException.invalid("%s: input.format image takes no reader options (got %s)",
          JobProperties.INPUT_OPTIONS_PREFIX + "*", String.join(", ", input.options().keySet()));
    }
    if (!input.schemaDdl().isEmpty()) {
      throw NightshiftException.invalid("%s: input.format image has a fixed schema (%s)", JobProperties.INPUT_SCHEMA,
          SCHEMA.toDDL());
    }
    Path path = new Path(input.path());
    List<Row> rows = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matched = fs.globStatus(path);
      if (matched == null || matched.length == 0) {
        throw NightshiftException.invalid("input.path: %s does not exist", input.path());
      }
      for (FileStatus m : matched) {
        if (hidden(m.getPath())) {
          continue;
        }
        if (m.isFile()) {
          rows.add(row(m));
          continue;
        }
        listTree(fs, m.getPath(), rows);
      }
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "input.path: cannot list %s: %s", input.path(), Redact.message(e));
    }
    rows.sort(java.util.Comparator.comparing(r -> r.getString(0)));
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
    if (!input.columns().isEmpty()) {
      for (String c : input.columns()) {
        if (!Arrays.asList(SCHEMA.fieldNames()).contains(c)) {
          throw NightshiftException.invalid("input.columns: column '%s' is not in an image listing (its columns: %s)",
              c, String.join(", ", SCHEMA.fieldNames()));
        }
      }
      df = df.selectExpr(input.columns().stream().map(c -> "`" + c + "`").toArray(String[]::new));
    }
    return df;
  }

  /**
   * Adds the files under {@code dir}, recursively, skipping hidden names. Through {@link
   * FileSystem#listStatus} rather than {@code listFiles}: its {@code LocatedFileStatus} copies each
   * file's permission, which the local file system reads by forking {@code ls -ld} once per file
   * (seconds for a few hundred images); the listing needs only path, time and length.
   */
  private static void listTree(FileSystem fs, Path dir, List<Row> rows) throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      if (hidden(f.getPath())) {
        continue;
      }
      if (f.isDirectory()) {
        listTree(fs, f.getPath(), rows);
      } else {
        rows.add(row(f));
      }
    }
  }

  private static Row row(FileStatus f) {
    return RowFactory.create(f.getPath().toString(), new Timestamp(f.getModificationTime()), f.getLen());
  }

  private static boolean hidden(Path p) {
    String name = p.getName();
    return name.startsWith(".") || name.startsWith("_");
  }
}
