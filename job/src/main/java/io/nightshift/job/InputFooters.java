package io.nightshift.job;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
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
 * Footers are read by up to 16 threads.
 */
final class InputFooters {
  private static final Logger LOG = LoggerFactory.getLogger(InputFooters.class);
  private static final int THREADS = 16;

  private InputFooters() {}

  /**
   * {@code rows} as read from {@code path} with {@code expected}, or, when some files store a
   * column in a narrower type, the files read group by group in their own types and cast to
   * {@code expected}. {@code reader} makes a reader with the job's options.
   */
  static Dataset<Row> check(SparkSession spark, String path, StructType expected, Dataset<Row> rows,
      java.util.function.Supplier<DataFrameReader> reader, String schemaKey) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    long start = System.nanoTime();
    List<FileStatus> files = files(path, conf);
    Map<String, StructType> footers = footers(files, conf, new ParquetToSparkSchemaConverter(spark.sessionState().conf()));
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
    LOG.info("Checked the footers of {} input file(s) in {} ms: {} group(s) of column types", files.size(),
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

  /** The data files under {@code path} (a file, a folder, or a glob), skipping _ and . names. */
  private static List<FileStatus> files(String path, Configuration conf) {
    List<FileStatus> out = new ArrayList<>();
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matched = fs.globStatus(p);
      if (matched == null) {
        return out;
      }
      for (FileStatus m : matched) {
        if (m.isFile()) {
          out.add(m);
          continue;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          if (!hidden(m.getPath(), f.getPath())) {
            out.add(f);
          }
        }
      }
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "input.path: cannot list %s: %s", path, Redact.message(e));
    }
    return out;
  }

  /** A file Spark skips: any name below the root starting with _ or . (markers, checksums). */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root) && p.depth() > root.depth(); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, StructType> footers(
      List<FileStatus> files, Configuration conf, ParquetToSparkSchemaConverter converter) {
    Map<String, StructType> out = new LinkedHashMap<>();
    if (files.isEmpty()) {
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size()), r -> {
      Thread t = new Thread(r, "nightshift-footers");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<StructType>> read = new ArrayList<>();
      for (FileStatus f : files) {
        read.add(pool.submit(() -> footer(f, conf, converter)));
      }
      for (int i = 0; i < files.size(); i++) {
        out.put(files.get(i).getPath().toString(), read.get(i).get());
      }
      return out;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof NightshiftException n) {
        throw n;
      }
      throw new NightshiftException(e.getCause(), "cannot read an input footer: %s", e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NightshiftException(e, "interrupted while reading the input footers");
    } finally {
      pool.shutdownNow();
    }
  }

  @SuppressWarnings("deprecation") // readFooter(InputFile, filter) is the footer-only read
  private static StructType footer(FileStatus f, Configuration conf, ParquetToSparkSchemaConverter converter) {
    try {
      return converter.convert(
          ParquetFileReader.readFooter(HadoopInputFile.fromStatus(f, conf), ParquetMetadataConverter.SKIP_ROW_GROUPS)
              .getFileMetaData().getSchema());
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      throw NightshiftException.invalid(e, "input.path: file %s is not a readable Parquet file: %s", f.getPath(), why);
    }
  }
}
