package io.nightshift.job.commit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.spark.SparkWriteOptions;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Iceberg table a night writes: checked against the night's schema before launch (recording
 * the snapshot it then had), created or evolved just before the commit, and committed by one
 * static overwrite of {@code dt = run.date} validated against the recorded snapshot. Driver only;
 * not thread-safe.
 */
final class IcebergTable {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTable.class);

  private final SparkSession spark;
  private final String key;
  private final String name;
  private final Catalog catalog;
  private final TableIdentifier id;
  private final StructType wanted;
  private final Long beginSnapshot;

  private IcebergTable(SparkSession spark, String key, String name, Catalog catalog, TableIdentifier id,
      StructType wanted, Long beginSnapshot) {
    this.spark = spark;
    this.key = key;
    this.name = name;
    this.catalog = catalog;
    this.id = id;
    this.wanted = wanted;
    this.beginSnapshot = beginSnapshot;
  }

  /**
   * Before launch: the catalog is configured and Iceberg's, an existing table is partitioned by
   * identity({@code dt}) and takes {@code wanted} (same types by name; new columns are added at
   * commit; a column the night lacks must be optional). Exit 2 otherwise, naming the column and
   * both types. Writes nothing.
   */
  static IcebergTable check(SparkSession spark, String key, String name, StructType wanted) {
    String[] parts = name.split("\\.");
    String catalogName = parts[0];
    if (!spark.conf().contains("spark.sql.catalog." + catalogName)) {
      throw NightshiftException.invalid(
          "%s: catalog '%s' of %s is not configured: set spark.sql.catalog.%s (and its type and"
              + " warehouse, see docs/deploy.md)",
          key, catalogName, name, catalogName);
    }
    Catalog catalog;
    try {
      catalog = Spark3Util.loadIcebergCatalog(spark, catalogName);
    } catch (RuntimeException e) {
      throw NightshiftException.invalid(
          e, "%s: catalog '%s' is not an Iceberg catalog (spark.sql.catalog.%s is %s): %s", key, catalogName,
          catalogName, spark.conf().get("spark.sql.catalog." + catalogName), e.getMessage());
    }
    TableIdentifier id = TableIdentifier.of(
        Namespace.of(Arrays.copyOfRange(parts, 1, parts.length - 1)), parts[parts.length - 1]);
    Long begin = null;
    if (catalog.tableExists(id)) {
      Table t = catalog.loadTable(id);
      checkPartitioning(key, name, t);
      checkSchema(key, name, t, wanted);
      Snapshot current = t.currentSnapshot();
      begin = current == null ? null : current.snapshotId();
      LOG.info("{} {}: at snapshot {}", key, name, begin);
    } else {
      LOG.info("{} {}: does not exist yet, the night's commit creates it partitioned by {}", key, name,
          IcebergNight.DATE_COLUMN);
    }
    return new IcebergTable(spark, key, name, catalog, id, wanted, begin);
  }

  private static void checkPartitioning(String key, String name, Table t) {
    PartitionSpec spec = t.spec();
    for (PartitionField f : spec.fields()) {
      if (f.transform().isIdentity()
          && t.schema().findColumnName(f.sourceId()).equals(IcebergNight.DATE_COLUMN)) {
        return;
      }
    }
    throw NightshiftException.invalid(
        "%s: table %s is partitioned by %s, not by identity(%s): a night replaces one %s partition",
        key, name, spec, IcebergNight.DATE_COLUMN, IcebergNight.DATE_COLUMN);
  }

  private static void checkSchema(String key, String name, Table t, StructType wanted) {
    StructType have = SparkSchemaUtil.convert(t.schema());
    List<String> haveNames = Arrays.asList(have.fieldNames());
    List<String> wantedNames = Arrays.asList(wanted.fieldNames());
    for (StructField f : wanted.fields()) {
      if (!haveNames.contains(f.name())) {
        continue;
      }
      String tableType = have.apply(f.name()).dataType().catalogString();
      // Through Iceberg's types, as the table would store them (e.g. tinyint is int there).
      String nightType = SparkSchemaUtil.convert(SparkSchemaUtil.convert(f.dataType())).catalogString();
      if (!tableType.equals(nightType)) {
        throw NightshiftException.invalid(
            "%s: column '%s' is %s in table %s but the night's results give %s; Iceberg cannot take"
                + " that change in place: write to a new table, or alter the column by hand",
            key, f.name(), tableType, name, nightType);
      }
    }
    for (StructField h : have.fields()) {
      if (!wantedNames.contains(h.name()) && !h.nullable()) {
        throw NightshiftException.invalid(
            "%s: column '%s' (%s) of table %s is required but the night's results have no such column",
            key, h.name(), h.dataType().catalogString(), name);
      }
    }
  }

  /** The snapshot the table had when the run began; null when it had none or did not exist. */
  Long beginSnapshot() {
    return beginSnapshot;
  }

  String name() {
    return name;
  }

  /** The columns of the night's rows, dt included. */
  StructType wanted() {
    return wanted;
  }

  /**
   * Replaces the night {@code dt = date} with {@code rows} in one commit (zero rows empty it),
   * creating the table or adding the night's new columns first. The commit fails when another
   * commit since the recorded snapshot added or removed files of that night: exit 4.
   */
  IcebergNight.Committed overwrite(Dataset<Row> rows, String date, String runId) {
    Table t = createOrEvolve();
    StructType have = SparkSchemaUtil.convert(t.schema());
    List<String> present = Arrays.asList(rows.columns());
    List<Column> cols = new ArrayList<>();
    for (StructField h : have.fields()) {
      cols.add(present.contains(h.name())
          ? col("`" + h.name() + "`")
          : lit(null).cast(h.dataType()).alias(h.name()));
    }
    DataFrameWriterV2<Row> w = rows.select(cols.toArray(Column[]::new)).writeTo(name)
        .option(SparkWriteOptions.ISOLATION_LEVEL, "serializable")
        .option(SparkWriteOptions.SNAPSHOT_PROPERTY_PREFIX + "." + IcebergNight.RUN_ID_PROPERTY, runId);
    if (beginSnapshot != null) {
      w = w.option(SparkWriteOptions.VALIDATE_FROM_SNAPSHOT_ID, beginSnapshot.toString());
    }
    try {
      w.overwrite(col(IcebergNight.DATE_COLUMN).equalTo(lit(date)));
    } catch (Exception e) { // Spark's checked exceptions are thrown undeclared
      Throwable conflict = conflict(e);
      if (conflict != null) {
        throw new NightshiftException(ExitCode.CONFLICT, e,
            "%s: another run committed to %s since snapshot %s, so night %s was not committed: %s",
            key, name, beginSnapshot == null ? "(none)" : beginSnapshot, date, conflict.getMessage());
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new NightshiftException(e, "%s: cannot commit night %s to %s: %s", key, date, name, e.getMessage());
    }
    t.refresh();
    Snapshot ours = null;
    if (t.currentSnapshot() != null) {
      for (Snapshot s : SnapshotUtil.ancestorsOf(t.currentSnapshot().snapshotId(), t::snapshot)) {
        if (runId.equals(s.summary().get(IcebergNight.RUN_ID_PROPERTY))) {
          ours = s;
          break;
        }
      }
    }
    if (ours == null) {
      throw new NightshiftException("%s: the commit to %s of night %s left no snapshot of run %s", key, name,
          date, runId);
    }
    String metadata = ((HasTableOperations) t).operations().current().metadataFileLocation();
    long added = Long.parseLong(ours.summary().getOrDefault("added-records", "0"));
    long deleted = Long.parseLong(ours.summary().getOrDefault("deleted-records", "0"));
    LOG.info("{} {}: night {} committed as snapshot {} ({} rows in, {} rows of the old night out)", key, name,
        date, ours.snapshotId(), added, deleted);
    return new IcebergNight.Committed(name, ours.snapshotId(), metadata, added, deleted);
  }

  private Table createOrEvolve() {
    if (!catalog.tableExists(id)) {
      if (catalog instanceof SupportsNamespaces ns && !ns.namespaceExists(id.namespace())) {
        try {
          ns.createNamespace(id.namespace());
        } catch (AlreadyExistsException e) {
          LOG.debug("Namespace {} was created by another run meanwhile", id.namespace());
        }
      }
      Schema schema = SparkSchemaUtil.convert(optional(wanted));
      PartitionSpec spec = PartitionSpec.builderFor(schema).identity(IcebergNight.DATE_COLUMN).build();
      try {
        catalog.createTable(id, schema, spec, Map.of("format-version", "2"));
        LOG.info("{} {}: created, partitioned by {}", key, name, IcebergNight.DATE_COLUMN);
      } catch (AlreadyExistsException e) {
        // Another run created it meanwhile; the overwrite's validation decides between the two.
        LOG.info("{} {}: created by another run meanwhile", key, name);
      }
    }
    Table t = catalog.loadTable(id);
    List<String> have = Arrays.asList(SparkSchemaUtil.convert(t.schema()).fieldNames());
    List<String> added = new ArrayList<>();
    for (String c : wanted.fieldNames()) {
      if (!have.contains(c)) {
        added.add(c);
      }
    }
    if (!added.isEmpty()) {
      t.updateSchema().unionByNameWith(SparkSchemaUtil.convert(optional(wanted))).commit();
      LOG.info("{} {}: added column(s) {}", key, name, added);
      t.refresh();
    }
    return t;
  }

  /** {@code s} with every top-level column optional: a later night may leave a column out. */
  private static StructType optional(StructType s) {
    StructField[] fields = s.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      fields[i] = new StructField(fields[i].name(), fields[i].dataType(), true, fields[i].metadata());
    }
    return new StructType(fields);
  }

  /** The Iceberg commit conflict in {@code e}'s causes, or null. */
  private static Throwable conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CommitFailedException
          || (t instanceof ValidationException && String.valueOf(t.getMessage()).contains("conflicting"))) {
        return t;
      }
    }
    return null;
  }
}
