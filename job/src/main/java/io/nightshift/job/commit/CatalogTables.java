package io.nightshift.job.commit;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobProperties;
import io.nightshift.job.Redact;
import io.nightshift.quality.ColumnNames;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The session catalog's two external Parquet tables over a Parquet output ({@code output.table}
 * with {@code output.format: parquet}): the results table over {@code output.path} and the
 * quarantine table ({@code output.rejected-table}) over {@code output.rejected-path}, partitioned by
 * the folders' partition columns ({@code dt} first, then the sub-partitions; the quarantine by
 * those it holds). The catalog is whatever the SparkSession has: a Hive metastore on a cluster that
 * has one, Derby under {@code deploy/nightshift}, Spark's in-memory catalog otherwise (then the
 * tables live as long as the session).
 *
 * <p>A run calls {@link #check} before launch (exit 2 when a table exists at another folder, is not
 * an external Parquet table, is partitioned otherwise or has a column of another type; creates
 * nothing), {@link #create()} once it holds the table's lock, and {@link #register()} after the
 * publish: the night's partitions in the catalog are made to equal the night's folders (added,
 * and dropped when the night no longer has them), then the tables are refreshed. Registering only
 * names folders, never copies rows, so repeating it (a rerun, {@code nightshift recover}) never
 * doubles a row. Not thread-safe: one per run, on the driver.
 */
public final class CatalogTables {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogTables.class);

  /** One table: the key naming it, its name, folder, columns (partition columns last) and partition columns. */
  record Table(String key, String name, String location, StructType schema, List<String> partitionColumns) {
    boolean partitioned() {
      return !partitionColumns.isEmpty();
    }
  }

  private final SparkSession spark;
  private final Configuration conf;
  private final Table results;
  private final Table quarantine;
  /** The night's folder ({@code dt=<run.date>}), or empty when dt is no partition column (the night is the table). */
  private final String night;

  private CatalogTables(SparkSession spark, Table results, Table quarantine, String night) {
    this.spark = spark;
    this.conf = spark.sparkContext().hadoopConfiguration();
    this.results = results;
    this.quarantine = quarantine;
    this.night = night;
  }

  /**
   * Checks both tables of {@code config} against the night's results (columns {@code
   * resultSchema}, as the night's files hold them) before launch; creates nothing. Throws exit 2
   * naming the key ({@code output.table} or {@code output.rejected-table}) when an existing table
   * cannot take the night.
   */
  public static CatalogTables check(SparkSession spark, JobConfig config, StructType resultSchema) {
    CatalogTables tables = of(spark, config, resultSchema);
    tables.checkExisting(tables.results);
    tables.checkExisting(tables.quarantine);
    return tables;
  }

  /** For {@code nightshift recover}: the two tables' names, folders and partition columns, no columns. */
  static CatalogTables forRecover(SparkSession spark, JobConfig config) {
    return of(spark, config, null);
  }

  private static CatalogTables of(SparkSession spark, JobConfig config, StructType resultSchema) {
    if (resultSchema == null) {
      resultSchema = new StructType();
      for (String c : config.output().passThrough()) {
        resultSchema = resultSchema.add(c, DataTypes.StringType); // only partition columns' names are used
      }
      for (String p : config.output().partitionBy()) {
        if (!config.output().passThrough().contains(p) && !p.equals(JobProperties.DATE_PARTITION)) {
          resultSchema = resultSchema.add(p, DataTypes.StringType);
        }
      }
    }
    List<String> partitionBy = config.output().partitionBy();
    String date = JobProperties.DATE_PARTITION;
    StructType data = new StructType();
    for (StructField f : resultSchema.fields()) {
      if (!partitionBy.contains(f.name())) {
        data = data.add(nullable(f.name(), f.dataType()));
      }
    }
    for (String p : partitionBy) {
      data = data.add(nullable(p, p.equals(date) ? DataTypes.StringType : resultSchema.apply(p).dataType()));
    }
    StructType rejected = new StructType();
    for (String c : config.output().passThrough()) {
      if (!partitionBy.contains(c)) {
        rejected = rejected.add(nullable(c, resultSchema.apply(c).dataType()));
      }
    }
    for (String c : ColumnNames.QUARANTINE) { // reason_code, reason, input_json: strings
      rejected = rejected.add(nullable(c, DataTypes.StringType));
    }
    List<String> rejectedPartitions = new ArrayList<>();
    for (String p : partitionBy) {
      if (p.equals(date) || config.output().passThrough().contains(p)) {
        rejectedPartitions.add(p);
        rejected = rejected.add(nullable(p, p.equals(date) ? DataTypes.StringType : resultSchema.apply(p).dataType()));
      }
    }
    return new CatalogTables(spark,
        new Table(JobProperties.OUTPUT_TABLE, config.output().table(), config.output().path(), data, partitionBy),
        new Table(JobProperties.OUTPUT_REJECTED_TABLE, config.output().rejectedTable(), config.output().rejectedPath(),
            rejected, List.copyOf(rejectedPartitions)),
        partitionBy.contains(date) ? date + "=" + config.run().date() : "");
  }

  private static StructField nullable(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }

  private void checkExisting(Table t) {
    if (!spark.catalog().tableExists(t.name())) {
      return;
    }
    CatalogTable meta = metadata(t);
    String provider = meta.provider().isDefined() ? meta.provider().get() : "hive";
    if (!provider.equalsIgnoreCase("parquet")) {
      throw NightshiftException.invalid("%s: table %s exists as a %s table, not a Parquet one", t.key(), t.name(), provider);
    }
    if (meta.tableType() != CatalogTableType.EXTERNAL()) {
      throw NightshiftException.invalid(
          "%s: table %s is a %s table; a Parquet output is registered as an EXTERNAL table over its folder",
          t.key(), t.name(), meta.tableType().name());
    }
    String at = qualified(meta.location());
    String want = qualified(new Path(t.location()).toUri());
    if (!at.equals(want)) {
      throw NightshiftException.invalid("%s: table %s exists at %s, not at %s (%s); drop it or name another table",
          t.key(), t.name(), Redact.text(at), Redact.text(want),
          t == results ? JobProperties.OUTPUT_PATH : JobProperties.OUTPUT_REJECTED_PATH);
    }
    List<String> parts = new ArrayList<>();
    CollectionConverters.asJava(meta.partitionColumnNames()).forEach(p -> parts.add(p.toLowerCase(Locale.ROOT)));
    List<String> wanted = t.partitionColumns().stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
    if (!parts.equals(wanted)) {
      throw NightshiftException.invalid("%s: table %s is partitioned by %s but the night's folders are partitioned"
          + " by %s (%s)", t.key(), t.name(), parts, wanted, JobProperties.OUTPUT_PARTITION_BY);
    }
    Map<String, StructField> columns = new LinkedHashMap<>();
    for (StructField f : meta.schema().fields()) {
      columns.put(f.name().toLowerCase(Locale.ROOT), f);
    }
    for (StructField f : t.schema().fields()) {
      StructField have = columns.get(f.name().toLowerCase(Locale.ROOT));
      if (have == null) {
        throw NightshiftException.invalid("%s: the night's column '%s' (%s) is not in table %s (columns: %s)",
            t.key(), f.name(), f.dataType().catalogString(), t.name(), String.join(", ", columns.keySet()));
      }
      if (!have.dataType().catalogString().equals(f.dataType().catalogString())) {
        throw NightshiftException.invalid("%s: column '%s' is %s in table %s but the night gives %s",
            t.key(), f.name(), have.dataType().catalogString(), t.name(), f.dataType().catalogString());
      }
    }
  }

  private CatalogTable metadata(Table t) {
    int dot = t.name().indexOf('.');
    try {
      return spark.sessionState().catalog().getTableMetadata(
          new TableIdentifier(t.name().substring(dot + 1), Option.apply(t.name().substring(0, dot))));
    } catch (Exception e) { // NoSuchNamespaceException, NoSuchTableException: checked, declared from Scala
      throw new NightshiftException(e, "%s: cannot read table %s from the session catalog: %s", t.key(), t.name(),
          Redact.message(e));
    }
  }

  private String qualified(URI location) {
    Path p = new Path(location);
    return ParquetCommit.fs(p, conf).makeQualified(p).toString().replaceAll("/+$", "");
  }

  /**
   * Under the table's lock, before the publish: creates the databases and the tables that are
   * absent. A table created over a folder that already holds nights registers them all.
   */
  void create() {
    for (Table t : List.of(results, quarantine)) {
      try {
        if (spark.catalog().tableExists(t.name())) {
          continue;
        }
        String db = t.name().substring(0, t.name().indexOf('.'));
        spark.sql("CREATE DATABASE IF NOT EXISTS " + quote(db));
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(quoted(t.name())).append(" (")
            .append(t.schema().toDDL()).append(") USING parquet");
        if (t.partitioned()) {
          ddl.append(" PARTITIONED BY (")
              .append(String.join(", ", t.partitionColumns().stream().map(CatalogTables::quote).toList()))
              .append(')');
        }
        ddl.append(" LOCATION ").append(literal(t.location()));
        spark.sql(ddl.toString());
        recoverAll(t);
        LOG.info("Created the external table {} over {}", t.name(), Redact.text(t.location()));
      } catch (RuntimeException e) {
        if (e instanceof NightshiftException) {
          throw e;
        }
        throw new NightshiftException(e, "%s: cannot create table %s over %s: %s", t.key(), t.name(),
            Redact.text(t.location()), Redact.message(e));
      }
    }
  }

  /**
   * After the publish: makes each table's partitions of the night equal the night's folders as
   * they now are (also after an append), then refreshes the tables. Returns the partitions added.
   */
  List<String> register() {
    List<String> added = new ArrayList<>();
    for (Table t : List.of(results, quarantine)) {
      added.addAll(sync(t));
    }
    return added;
  }

  /**
   * {@code nightshift recover}: registers every partition folder of both tables the catalog lacks
   * (Spark's RECOVER PARTITIONS). Returns one line saying what was done.
   */
  String recoverPartitions() {
    List<String> done = new ArrayList<>();
    for (Table t : List.of(results, quarantine)) {
      if (!spark.catalog().tableExists(t.name())) {
        done.add("table " + t.name() + " does not exist yet (the next run creates it)");
        continue;
      }
      recoverAll(t);
      spark.catalog().refreshTable(t.name());
      done.add("table " + t.name() + " holds every partition of " + Redact.text(t.location()));
    }
    return String.join("; ", done);
  }

  /** Registers every partition folder of {@code t} (none while its folder does not exist yet). */
  private void recoverAll(Table t) {
    Path root = new Path(t.location());
    boolean exists;
    try {
      exists = ParquetCommit.fs(root, conf).exists(root);
    } catch (IOException e) {
      throw new NightshiftException(e, "%s: cannot reach %s: %s", t.key(), Redact.text(t.location()), Redact.message(e));
    }
    if (t.partitioned() && exists) {
      spark.sql("ALTER TABLE " + quoted(t.name()) + " RECOVER PARTITIONS");
    }
  }

  private List<String> sync(Table t) {
    String name = quoted(t.name());
    if (!t.partitioned()) {
      spark.catalog().refreshTable(t.name());
      return List.of();
    }
    Set<String> want = new LinkedHashSet<>();
    try {
      Publisher pub = new Publisher(ParquetCommit.fs(new Path(t.location()), conf));
      if (night.isEmpty()) {
        want.addAll(pub.leaves(new Path(t.location()), t.partitionColumns().size()));
      } else {
        for (String leaf : pub.leaves(new Path(t.location(), night), t.partitionColumns().size() - 1)) {
          want.add(leaf.isEmpty() ? night : night + "/" + leaf);
        }
      }
    } catch (IOException e) {
      throw new NightshiftException(e, "%s: cannot list the folders of %s: %s", t.key(), Redact.text(t.location()),
          Redact.message(e));
    }
    Map<String, String> wantByKey = new LinkedHashMap<>();
    want.forEach(p -> wantByKey.put(canonical(p), p));
    Set<String> have = new LinkedHashSet<>();
    String show = "SHOW PARTITIONS " + name + (night.isEmpty() ? "" : " PARTITION " + spec(night));
    for (Row r : spark.sql(show).collectAsList()) {
      have.add(canonical(r.getString(0)));
    }
    List<String> stale = have.stream().filter(p -> !wantByKey.containsKey(p)).toList();
    List<String> added = wantByKey.entrySet().stream().filter(e -> !have.contains(e.getKey()))
        .map(Map.Entry::getValue).toList();
    for (String p : stale) {
      spark.sql("ALTER TABLE " + name + " DROP IF EXISTS PARTITION " + spec(p));
    }
    if (!added.isEmpty()) {
      StringBuilder add = new StringBuilder("ALTER TABLE ").append(name).append(" ADD IF NOT EXISTS");
      added.forEach(p -> add.append(" PARTITION ").append(spec(p)));
      spark.sql(add.toString());
    }
    spark.catalog().refreshTable(t.name());
    LOG.info("Table {}: night {} registered ({} partition(s) added, {} dropped)", t.name(),
        night.isEmpty() ? "(whole table)" : night, added.size(), stale.size());
    return added;
  }

  /** {@code a=x/b=y} with keys lower-cased and values unescaped, for comparing catalog and folder names. */
  private static String canonical(String path) {
    StringBuilder out = new StringBuilder();
    for (String part : path.split("/")) {
      int eq = part.indexOf('=');
      out.append(out.length() == 0 ? "" : "/").append(part.substring(0, eq).toLowerCase(Locale.ROOT)).append('=')
          .append(ExternalCatalogUtils.unescapePathName(part.substring(eq + 1)));
    }
    return out.toString();
  }

  /** The partition spec of the folder path {@code a=x/b=y}: {@code (`a` = 'x', `b` = 'y')}. */
  private static String spec(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      int eq = part.indexOf('=');
      parts.add(quote(ExternalCatalogUtils.unescapePathName(part.substring(0, eq))) + " = "
          + literal(ExternalCatalogUtils.unescapePathName(part.substring(eq + 1))));
    }
    return "(" + String.join(", ", parts) + ")";
  }

  private static String quoted(String name) {
    int dot = name.indexOf('.');
    return quote(name.substring(0, dot)) + "." + quote(name.substring(dot + 1));
  }

  private static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The two tables' names, for the log and error messages. */
  String names() {
    return results.name() + " and " + quarantine.name();
  }
}
