package io.nightshift.job;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares every Parquet input file's footer (footers only: no row group is read) with the schema
 * the night reads, before launch: the declared {@code input.schema}, else the schema Spark took
 * from the folder. A column stored in a narrower type that widens without loss (int → bigint →
 * double, float → double, decimal of at most 15 digits → double) is read in its own type and cast;
 * any other difference exits 2 naming the file, the column and both types. A column a file does
 * not hold is read as null, as Spark does (its rows are then rejected if it feeds the model).
 * Footers are read by up to {@value ParquetFooters#THREADS} threads.
 */
final class InputFooters {
  private static final Logger LOG = LoggerFactory.getLogger(InputFooters.class);

  /** The key under which Spark stores a file's Spark schema (JSON) in its Parquet footer. */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  private InputFooters() {}

  /**
   * Every input file's schema as Spark reads it (the Spark schema its writer stored in the
   * footer, else the Parquet schema converted with the session's settings), by file, in listing
   * order; and how long reading them took, in ns.
   */
  record Footers(Map<String, StructType> schemas, long nanos) {
    /**
     * The schema every file has, or null when they differ (or there is no file): then Spark's
     * own inference decides, as before.
     */
    StructType common() {
      StructType first = null;
      for (StructType s : schemas.values()) {
        if (first == null) {
          first = s;
        } else if (!first.equals(s)) {
          return null;
        }
      }
      return first;
    }
  }

  /** Reads the footer of every Parquet file under {@code path} (footers only). */
  static Footers read(SparkSession spark, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    long start = System.nanoTime();
    List<FileStatus> files = ParquetFooters.files(path, conf, "input.path");
    Map<String, StructType> footers = footers(files, conf, new ParquetToSparkSchemaConverter(spark.sessionState().conf()));
    return new Footers(footers, System.nanoTime() - start);
  }

  /**
   * {@code rows} as read from {@code path} with {@code expected}, or, when some files store a
   * column in a narrower type, the files read group by group in their own types and cast to
   * {@code expected}. {@code reader} makes a reader with the job's options; {@code read} holds
   * the files' footers ({@link #read}).
   */
  static Dataset<Row> check(SparkSession spark, String path, StructType expected, Dataset<Row> rows,
      java.util.function.Supplier<DataFrameReader> reader, String schemaKey, Footers read) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    long start = System.nanoTime() - read.nanos();
    Map<String, StructType> footers = read.schemas();
    boolean caseSensitive = spark.sessionState().conf().caseSensitiveAnalysis();
    // Files grouped by the types they store the expected columns in: usually one group, all exact.
    Map<StructType, List<String>> groups = new LinkedHashMap<>();
    for (Map.Entry<String, StructType> f : footers.entrySet()) {
      StructField[] stored = new StructField[expected.fields().length];
      for (int i = 0; i < stored.length; i++) {
        StructField want = expected.fields()[i];
        StructField have = find(f.getValue(), want.name(), caseSensitive);
        DataType type = want.dataType();
        if (have != null && !same(have.dataType(), want.dataType())) {
          if (!widens(have.dataType(), want.dataType())) {
            throw NightshiftException.invalid(
                "%s: file %s stores column '%s' as %s, the night reads it as %s; only lossless widening"
                    + " (int -> bigint -> double, float -> double, decimal of up to 15 digits -> double) is"
                    + " read and cast",
                schemaKey, f.getKey(), want.name(), have.dataType().simpleString(), want.dataType().simpleString());
          }
          type = have.dataType();
        }
        stored[i] = new StructField(want.name(), type, true, want.metadata());
      }
      groups.computeIfAbsent(new StructType(stored), k -> new ArrayList<>()).add(f.getKey());
    }
    LOG.info("Checked the footers of {} input file(s) in {} ms: {} group(s) of column types", footers.size(),
        (System.nanoTime() - start) / 1_000_000, groups.size());
    if (groups.size() == 1 && groups.containsKey(exact(expected))) {
      return rows;
    }
    Dataset<Row> out = null;
    for (Map.Entry<StructType, List<String>> g : groups.entrySet()) {
      DataFrameReader r = reader.get().schema(g.getKey());
      if (!path.contains("*") && isFolder(path, conf)) {
        r = r.option("basePath", path); // keeps partition columns (k=v folders) when files are named
      }
      Dataset<Row> part = r.parquet(g.getValue().toArray(String[]::new));
      List<Column> cast = new ArrayList<>();
      for (StructField f : expected.fields()) {
        cast.add(functions.col("`" + f.name() + "`").cast(f.dataType()).alias(f.name()));
      }
      part = part.select(cast.toArray(Column[]::new));
      out = out == null ? part : out.unionByName(part);
      LOG.info("{} input file(s) store {}; read in those types and cast", g.getValue().size(), g.getKey().simpleString());
    }
    return out;
  }

  private static StructType exact(StructType expected) {
    StructField[] fields = new StructField[expected.fields().length];
    for (int i = 0; i < fields.length; i++) {
      StructField f = expected.fields()[i];
      fields[i] = new StructField(f.name(), f.dataType(), true, f.metadata());
    }
    return new StructType(fields);
  }

  private static StructField find(StructType schema, String name, boolean caseSensitive) {
    for (StructField f : schema.fields()) {
      if (caseSensitive ? f.name().equals(name) : f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** Equal types, nullability aside. */
  private static boolean same(DataType a, DataType b) {
    return a.catalogString().equals(b.catalogString());
  }

  /** Whether every value of {@code from} is exactly a value of {@code to}. */
  static boolean widens(DataType from, DataType to) {
    if (to == DataTypes.LongType) {
      return from == DataTypes.IntegerType || from == DataTypes.ShortType || from == DataTypes.ByteType;
    }
    if (to == DataTypes.DoubleType) {
      return from == DataTypes.IntegerType || from == DataTypes.ShortType || from == DataTypes.ByteType
          || from == DataTypes.LongType || from == DataTypes.FloatType
          || (from instanceof DecimalType d && d.precision() <= 15);
    }
    if (to == DataTypes.IntegerType) {
      return from == DataTypes.ShortType || from == DataTypes.ByteType;
    }
    return false;
  }

  private static boolean isFolder(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).getFileStatus(p).isDirectory();
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "input.path: cannot reach %s: %s", path, Redact.message(e));
    }
  }

  private static Map<String, StructType> footers(
      List<FileStatus> files, Configuration conf, ParquetToSparkSchemaConverter converter) {
    List<StructType> schemas = ParquetFooters.read(files, f -> footer(f, conf, converter),
        (f, e) -> NightshiftException.invalid(e, "input.path: file %s is not a readable Parquet file: %s", f.getPath(),
            ParquetFooters.firstLine(e)));
    Map<String, StructType> out = new LinkedHashMap<>();
    for (int i = 0; i < files.size(); i++) {
      out.put(files.get(i).getPath().toString(), schemas.get(i));
    }
    return out;
  }

  /**
   * The file's schema as Spark's Parquet source reads it: the Spark schema stored by its writer
   * when there is one (it keeps types Parquet alone does not, such as ML vectors), else the
   * Parquet schema converted.
   */
  @SuppressWarnings("deprecation") // readFooter(InputFile, filter) is the footer-only read
  private static StructType footer(FileStatus f, Configuration conf, ParquetToSparkSchemaConverter converter)
      throws IOException {
    org.apache.parquet.hadoop.metadata.FileMetaData meta =
        ParquetFileReader.readFooter(HadoopInputFile.fromStatus(f, conf), ParquetMetadataConverter.SKIP_ROW_GROUPS)
            .getFileMetaData();
    String stored = meta.getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
    if (stored != null) {
      try {
        if (DataType.fromJson(stored) instanceof StructType s) {
          return s;
        }
      } catch (RuntimeException e) {
        LOG.debug("file {}: stored Spark schema unreadable, using the Parquet schema: {}", f.getPath(), e.getMessage());
      }
    }
    return converter.convert(meta.getSchema());
  }
}
