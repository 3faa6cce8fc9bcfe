package io.nightshift.job.commit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg nights on real Spark local[2] and a real Iceberg Hadoop catalog in a temporary folder:
 * one commit per night replacing dt, zero-row nights, the quarantine table, schema evolution and
 * its refusal, and two runs of one night where the second commit loses with exit 4.
 */
class IcebergNightTest {
  static final String CATALOG = "nightshift_it";
  static final String D1 = "2026-11-27";
  static final String D2 = "2026-11-28";
  static final StructType DATA = new StructType()
      .add("id", DataTypes.LongType)
      .add("score", DataTypes.DoubleType)
      .add("dt", DataTypes.StringType);
  static final StructType REJECTED = new StructType()
      .add("id", DataTypes.LongType)
      .add("reason_code", DataTypes.StringType)
      .add("dt", DataTypes.StringType);

  @TempDir static Path warehouse;
  static SparkSession spark;

  @BeforeAll
  static void session() {
    // The same local[2] session as the job tests (one per JVM), with a catalog of our own.
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("nightshift-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    spark.conf().set("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog." + CATALOG + ".type", "hadoop");
    spark.conf().set("spark.sql.catalog." + CATALOG + ".warehouse", warehouse.toUri().toString());
  }

  @AfterAll
  static void restore() {
    for (String k : List.of("", ".type", ".warehouse")) {
      spark.conf().unset("spark.sql.catalog." + CATALOG + k);
    }
  }

  static Dataset<Row> rows(String date, long from, long n) {
    return spark.range(from, from + n).select(
        col("id"), col("id").cast("double").multiply(0.5).alias("score"), lit(date).alias("dt"));
  }

  static Dataset<Row> rejected(String date, long from, long n) {
    return spark.range(from, from + n).select(
        col("id"), concat(lit("bad_"), col("id").cast("string")).alias("reason_code"), lit(date).alias("dt"));
  }

  static IcebergNight begin(String table, String date, String runId, StructType data) {
    return IcebergNight.begin(spark, "output.table", table, "output.rejected-table", table + "_rejected", date,
        runId, data, REJECTED);
  }

  static List<Long> ids(String table, String date) {
    return spark.table(table).where(col("dt").equalTo(date)).orderBy("id").select("id").as(
        org.apache.spark.sql.Encoders.LONG()).collectAsList();
  }

  static Table table(String name) throws Exception {
    Table t = Spark3Util.loadIcebergTable(spark, name);
    t.refresh();
    return t;
  }

  @Test
  void eachNightIsOneCommitReplacingItsDtOnlyEvenWithZeroRows() throws Exception {
    String t = CATALOG + ".db.nights";
    IcebergNight.Nights n1 = begin(t, D1, "r1", DATA).commit(rows(D1, 0, 5), rejected(D1, 900, 2));
    assertThat(table(t).spec().fields()).hasSize(1);
    assertThat(table(t).spec().fields().get(0).transform().isIdentity()).isTrue();
    assertThat(n1.data().added()).isEqualTo(5);
    assertThat(n1.data().replaced()).isZero();
    assertThat(n1.rejected().added()).isEqualTo(2);
    assertThat(n1.data().snapshotId()).isEqualTo(table(t).currentSnapshot().snapshotId());
    assertThat(n1.rejected().snapshotId()).isEqualTo(table(t + "_rejected").currentSnapshot().snapshotId());
    assertThat(Files.exists(Path.of(java.net.URI.create(n1.data().metadataLocation())))).isTrue();

    begin(t, D2, "r2", DATA).commit(rows(D2, 50, 3), rejected(D2, 0, 0));
    int snapshotsBefore = size(table(t).snapshots());

    // A rerun of night 1 with other rows replaces exactly night 1, in one commit.
    IcebergNight.Nights rerun = begin(t, D1, "r3", DATA).commit(rows(D1, 100, 4), rejected(D1, 0, 0));
    assertThat(size(table(t).snapshots())).isEqualTo(snapshotsBefore + 1);
    assertThat(ids(t, D1)).containsExactly(100L, 101L, 102L, 103L);
    assertThat(ids(t, D2)).containsExactly(50L, 51L, 52L);
    assertThat(rerun.data().replaced()).isEqualTo(5);
    assertThat(ids(t + "_rejected", D1)).isEmpty();
    assertThat(rerun.rejected().replaced()).isEqualTo(2);

    // A night with zero rows replaces the old night with nothing.
    IcebergNight.Nights empty = begin(t, D1, "r4", DATA).commit(rows(D1, 0, 0), rejected(D1, 0, 0));
    assertThat(ids(t, D1)).isEmpty();
    assertThat(ids(t, D2)).containsExactly(50L, 51L, 52L);
    assertThat(empty.data().added()).isZero();
    assertThat(empty.data().replaced()).isEqualTo(4);
    assertThat(empty.data().snapshotId()).isEqualTo(table(t).currentSnapshot().snapshotId());
    assertThat(table(t).currentSnapshot().summary()).containsEntry(IcebergNight.RUN_ID_PROPERTY, "r4");
  }

  @Test
  void twoRunsOfOneNightTheSecondCommitExits4AndTheTableHoldsTheFirstsRowsOnly() throws Exception {
    String t = CATALOG + ".db.race";
    begin(t, D1, "seed", DATA).commit(rows(D1, 0, 3), rejected(D1, 900, 1));
    long seed = table(t).currentSnapshot().snapshotId();

    IcebergNight a = begin(t, D1, "run-a", DATA);
    IcebergNight b = begin(t, D1, "run-b", DATA);
    IcebergNight other = begin(t, D2, "run-c", DATA);
    assertThat(a.dataBeginSnapshot()).isEqualTo(seed);
    b.commit(rows(D1, 200, 7), rejected(D1, 800, 2));

    assertThatThrownBy(() -> a.commit(rows(D1, 100, 5), rejected(D1, 700, 1)))
        .isInstanceOfSatisfying(NightshiftException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT))
        .hasMessageStartingWith("output.table: another run committed to " + t + " since snapshot " + seed
            + ", so night " + D1 + " was not committed: Found conflicting files");
    assertThat(ids(t, D1)).containsExactly(200L, 201L, 202L, 203L, 204L, 205L, 206L);
    assertThat(ids(t + "_rejected", D1)).containsExactly(800L, 801L);
    assertThat(table(t).currentSnapshot().summary()).containsEntry(IcebergNight.RUN_ID_PROPERTY, "run-b");

    // Another night begun before b's commit is not in conflict with it.
    other.commit(rows(D2, 0, 2), rejected(D2, 0, 0));
    assertThat(ids(t, D2)).containsExactly(0L, 1L);
    assertThat(ids(t, D1)).hasSize(7);

    // The first night of a new table: both runs saw no table; the second commit loses too.
    String fresh = CATALOG + ".db.race_fresh";
    IcebergNight a2 = begin(fresh, D1, "a2", DATA);
    IcebergNight b2 = begin(fresh, D1, "b2", DATA);
    b2.commit(rows(D1, 10, 2), rejected(D1, 0, 0));
    assertThatThrownBy(() -> a2.commit(rows(D1, 20, 3), rejected(D1, 0, 0)))
        .isInstanceOfSatisfying(NightshiftException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT))
        .hasMessageContaining("since snapshot (none)");
    assertThat(ids(fresh, D1)).containsExactly(10L, 11L);
  }

  @Test
  void aNewNullableColumnEvolvesTheSchemaAndATypeChangeExits2BeforeLaunch() throws Exception {
    String t = CATALOG + ".db.evolving";
    begin(t, D1, "e1", DATA).commit(rows(D1, 0, 2), rejected(D1, 0, 0));
    int schemaBefore = table(t).schema().schemaId();

    StructType withLabel = new StructType()
        .add("id", DataTypes.LongType)
        .add("score", DataTypes.DoubleType)
        .add("label", DataTypes.StringType)
        .add("dt", DataTypes.StringType);
    begin(t, D2, "e2", withLabel).commit(rows(D2, 10, 2).withColumn("label", lit("Adelie")), rejected(D2, 0, 0));
    assertThat(table(t).schema().schemaId()).isGreaterThan(schemaBefore);
    assertThat(table(t).schema().findField("label").isOptional()).isTrue();
    assertThat(spark.table(t).where(col("dt").equalTo(D2)).select("label").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("Adelie", "Adelie");
    assertThat(spark.table(t).where(col("dt").equalTo(D1)).where(col("label").isNull()).count()).isEqualTo(2);

    // A night without the new column: it is optional, the night's rows get null.
    begin(t, D1, "e3", DATA).commit(rows(D1, 30, 1), rejected(D1, 0, 0));
    assertThat(spark.table(t).where(col("dt").equalTo(D1)).where(col("label").isNull()).count()).isEqualTo(1);

    long snapshot = table(t).currentSnapshot().snapshotId();
    StructType scoreAsText = new StructType()
        .add("id", DataTypes.LongType)
        .add("score", DataTypes.StringType)
        .add("dt", DataTypes.StringType);
    assertThatThrownBy(() -> begin(t, D1, "e4", scoreAsText))
        .isInstanceOfSatisfying(NightshiftException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID))
        .hasMessage("output.table: column 'score' is double in table " + t + " but the night's results give"
            + " string; Iceberg cannot take that change in place: write to a new table, or alter the column by"
            + " hand");
    assertThat(table(t).currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  @Test
  void aCatalogSparkDoesNotKnowExits2NamingTheKeyToSet() {
    assertThatThrownBy(() -> begin("nowhere.db.t", D1, "x", DATA))
        .isInstanceOfSatisfying(NightshiftException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID))
        .hasMessage("output.table: catalog 'nowhere' of nowhere.db.t is not configured: set"
            + " spark.sql.catalog.nowhere (and its type and warehouse, see docs/deploy.md)");
  }

  private static int size(Iterable<?> it) {
    int n = 0;
    for (Object o : it) {
      n++;
    }
    return n;
  }
}
