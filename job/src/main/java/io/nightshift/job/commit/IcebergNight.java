package io.nightshift.job.commit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A night of {@code output.format: iceberg}: the results table and its quarantine table, each
 * replaced for {@code dt = run.date} by one Iceberg commit.
 *
 * <p>Use: {@link #begin} before launch (checks the catalog and both schemas, records each table's
 * current snapshot; exit 2 on a bad catalog or an incompatible schema, nothing written); then,
 * after the books and budget checks passed, {@link #commit} with the staged rows. The results
 * table is committed first, the quarantine second; a crash between the two leaves the new night
 * with the old night's quarantine until a rerun replaces both. Each commit is validated against
 * the snapshot recorded at begin (serializable isolation, conflicts limited to {@code dt =
 * run.date}): when another run committed that night meanwhile, the commit fails with exit 4
 * ({@link io.nightshift.ExitCode#CONFLICT}) and the table keeps the other run's rows only.
 *
 * <p>Driver only, one per run; not thread-safe. Holds no resources to close.
 */
public final class IcebergNight {
  /** The partition column, a string yyyy-MM-dd filled from run.date. */
  public static final String DATE_COLUMN = "dt";
  /** The snapshot summary property naming the run that committed it. */
  static final String RUN_ID_PROPERTY = "nightshift.run-id";

  private final String date;
  private final String runId;
  private final IcebergTable data;
  private final IcebergTable rejected;

  private IcebergNight(String date, String runId, IcebergTable data, IcebergTable rejected) {
    this.date = date;
    this.runId = runId;
    this.data = data;
    this.rejected = rejected;
  }

  /**
   * Checks both tables before launch. {@code dataSchema} and {@code rejectedSchema} are the
   * columns each night's rows will have, {@link #DATE_COLUMN} included.
   *
   * @throws io.nightshift.NightshiftException exit 2: catalog missing or not Iceberg's, table not
   *     partitioned by identity(dt), a column's type changed, a required column missing
   */
  public static IcebergNight begin(SparkSession spark, String dataKey, String table, String rejectedKey,
      String rejectedTable, String date, String runId, StructType dataSchema, StructType rejectedSchema) {
    IcebergTable d = IcebergTable.check(spark, dataKey, table, dataSchema);
    IcebergTable r = IcebergTable.check(spark, rejectedKey, rejectedTable, rejectedSchema);
    return new IcebergNight(date, runId, d, r);
  }

  /** The columns of the night's results, dt included, as checked before launch. */
  public StructType dataSchema() {
    return data.wanted();
  }

  /** The columns of the night's quarantine rows, dt included. */
  public StructType rejectedSchema() {
    return rejected.wanted();
  }

  /** The night, yyyy-MM-dd. */
  public String date() {
    return date;
  }

  /** The results table's snapshot at begin; null when it had none. */
  public Long dataBeginSnapshot() {
    return data.beginSnapshot();
  }

  /**
   * Commits the night: {@code rows} into the results table, then {@code rejectedRows} into the
   * quarantine table, each replacing {@code dt = run.date} (zero rows empty it). Both datasets
   * carry {@link #DATE_COLUMN}. Spark jobs run here (the rows are written by the commit).
   *
   * @throws io.nightshift.NightshiftException exit 4 when another run committed the night first
   */
  public Nights commit(Dataset<Row> rows, Dataset<Row> rejectedRows) {
    Committed d = data.overwrite(rows, date, runId);
    Committed r = rejected.overwrite(rejectedRows, date, runId);
    return new Nights(d, r);
  }

  /**
   * One table's commit: its snapshot, the metadata file it made current, the rows the night now
   * holds ({@code added}) and the rows of the replaced night ({@code replaced}).
   */
  public record Committed(String table, long snapshotId, String metadataLocation, long added, long replaced) {
    /** For the manifest. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("table", table);
      m.put("snapshot_id", snapshotId);
      m.put("metadata_location", metadataLocation);
      m.put("rows_committed", added);
      m.put("rows_replaced", replaced);
      return m;
    }
  }

  /** Both commits of a night. */
  public record Nights(Committed data, Committed rejected) {}
}
