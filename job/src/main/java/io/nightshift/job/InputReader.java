package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.InputFormat;
import io.nightshift.config.JobConfig.InputSpec;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads the job's input as its config says, failing first with the path when it is missing. */
final class InputReader {
  private InputReader() {}

  static Dataset<Row> read(SparkSession spark, InputSpec input) {
    Path path = new Path(input.path());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!path.toString().contains("*") && !fs.exists(path)) {
        throw NightshiftException.invalid("input.path: %s does not exist", input.path());
      }
    } catch (IOException e) {
      throw NightshiftException.invalid(
          e, "input.path: cannot reach %s: %s", input.path(), Redact.message(e));
    }
    DataFrameReader reader = spark.read().format(input.format().name().toLowerCase()).options(input.options());
    if (!input.schemaDdl().isEmpty()) {
      reader = reader.schema(input.schemaDdl());
    }
    Dataset<Row> df;
    try {
      df = reader.load(input.path());
    } catch (RuntimeException e) {
      throw NightshiftException.invalid(
          e, "input.path: cannot read %s as %s: %s", input.path(), input.format(), Redact.message(e));
    }
    if (!input.columns().isEmpty()) {
      for (String c : input.columns()) {
        if (!java.util.Arrays.asList(df.columns()).contains(c)) {
          throw NightshiftException.invalid(
              "input.columns: column '%s' is not in %s (its columns: %s)",
              c, input.path(), String.join(", ", df.columns()));
        }
      }
      df = df.selectExpr(input.columns().stream().map(c -> "`" + c + "`").toArray(String[]::new));
    }
    return df;
  }

  /** CSV and JSON may hold numbers as text, parsed (or rejected) per row. */
  static boolean textMayHoldNumbers(InputFormat format) {
    return format == InputFormat.CSV || format == InputFormat.JSON;
  }
}
