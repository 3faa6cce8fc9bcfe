package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.InputFormat;
import io.nightshift.config.JobConfig.InputSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reads the job's input as its config says, failing first with the path when it is missing. */
final class InputReader {
  private InputReader() {}

  /** Spark's name for the column that keeps a malformed CSV/JSON line whole. */
  static final String CORRUPT_RECORD = "_corrupt_record";

  /**
   * The rows, and the columns read as text although the schema declares them numeric, with their
   * declared types (to cast pass-through copies back to).
   */
  record Input(Dataset<Row> rows, Map<String, DataType> declaredNumeric) {}

  static Dataset<Row> read(SparkSession spark, InputSpec input) {
    return read(spark, input, Set.of()).rows();
  }

  /**
   * Reads the input. With CSV or JSON and an explicit {@code input.schema}, the numeric columns in
   * {@code featureColumns} are read as text and parsed per row by the scorer: Spark's reader would
   * turn a value that is not a number into null, and the row would be rejected as null_feature
   * with the bad value lost. Read as text, it is rejected as not_a_number and the value stays in
   * the quarantine. A {@code _corrupt_record} column is added to such a schema too (unless the
   * reader options name another), so a malformed line is kept whole for replay.
   */
  static Input read(SparkSession spark, InputSpec input, Set<String> featureColumns) {
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
    if (input.format() == InputFormat.IMAGE) {
      return new Input(ImageFiles.list(spark, input), Map.of());
    }
    DataFrameReader reader = spark.read().format(input.format().name().toLowerCase()).options(input.options());
    Map<String, DataType> declaredNumeric = new LinkedHashMap<>();
    if (!input.schemaDdl().isEmpty()) {
      StructType declared;
      try {
        declared = StructType.fromDDL(input.schemaDdl());
      } catch (Exception e) { // Spark's ParseException is checked in Java's eyes, thrown unchecked
        throw NightshiftException.invalid(
            e, "input.schema: '%s' is not a Spark DDL schema: %s", input.schemaDdl(), firstLine(e));
      }
      reader = reader.schema(textMayHoldNumbers(input.format())
          ? textual(declared, featureColumns, declaredNumeric, input)
          : declared);
    }
    InputFooters.Footers footers = null;
    if (input.format() == InputFormat.PARQUET) {
      footers = InputFooters.read(spark, input.path());
      StructType common = footers.common();
      // Every file holds the same schema: Spark is told it, and skips inferring it (a Spark job
      // that reads a footer again; merging equal schemas gives the same). Partition columns
      // (k=v folders) are still found by Spark.
      if (input.schemaDdl().isEmpty() && common != null) {
        reader = reader.schema(common);
      }
    }
    Dataset<Row> df;
    try {
      df = reader.load(input.path());
    } catch (Exception e) { // AnalysisException is checked in Java's eyes, thrown unchecked
      throw NightshiftException.invalid(
          e, "input.path: cannot read %s as %s: %s", input.path(), input.format(), Redact.message(e));
    }
    if (input.format() == InputFormat.PARQUET) {
      df = InputFooters.check(spark, input.path(), df.schema(), df,
          () -> spark.read().format("parquet").options(input.options()),
          input.schemaDdl().isEmpty() ? "input.path" : io.nightshift.config.JobProperties.INPUT_SCHEMA, footers);
    }
    if (!input.columns().isEmpty()) {
      for (String c : input.columns()) {
        if (!Arrays.asList(df.columns()).contains(c)) {
          throw NightshiftException.invalid(
              "input.columns: column '%s' is not in %s (its columns: %s)",
              c, input.path(), String.join(", ", df.columns()));
        }
      }
      List<String> keep = new ArrayList<>(input.columns());
      if (Arrays.asList(df.columns()).contains(CORRUPT_RECORD) && !keep.contains(CORRUPT_RECORD)) {
        keep.add(CORRUPT_RECORD);
      }
      df = df.selectExpr(keep.stream().map(c -> "`" + c + "`").toArray(String[]::new));
    }
    return new Input(df, Map.copyOf(declaredNumeric));
  }

  private static StructType textual(
      StructType declared, Set<String> featureColumns, Map<String, DataType> numeric, InputSpec input) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : declared.fields()) {
      if (featureColumns.contains(f.name()) && f.dataType() instanceof NumericType) {
        numeric.put(f.name(), f.dataType());
        fields.add(new StructField(f.name(), DataTypes.StringType, true, f.metadata()));
      } else {
        fields.add(f);
      }
    }
    String mode = input.options().getOrDefault("mode", "PERMISSIVE");
    boolean permissive = mode.equalsIgnoreCase("PERMISSIVE");
    String corrupt = input.options().getOrDefault("columnNameOfCorruptRecord", CORRUPT_RECORD);
    if (permissive && fields.stream().noneMatch(f -> f.name().equals(corrupt))) {
      fields.add(new StructField(corrupt, DataTypes.StringType, true, Metadata.empty()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** CSV and JSON may hold numbers as text, parsed (or rejected) per row. */
  static boolean textMayHoldNumbers(InputFormat format) {
    return format == InputFormat.CSV || format == InputFormat.JSON;
  }
}
