package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code output.format: iceberg} end to end: the sample job on real Spark local[2], real ONNX
 * Runtime and a real Iceberg Hadoop catalog. A night, its rerun, an empty night, a night over the
 * error budget (exit 3, nothing committed) and an incompatible result type (exit 2 before launch).
 */
class IcebergJobTest {
  static final String CONFIG = Samples.root().resolve("conf/jobs/sample-tabular-iceberg.yaml").toString();
  static final String CATALOG = "nightshift_job_it";
  static final String TABLE = CATALOG + ".nightshift.penguins_scored";
  static final String NIGHT = "2026-11-28";

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path emptyCsv;

  @BeforeAll
  static void catalog() throws Exception {
    spark = SparkTestSession.get();
    spark.conf().set("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog." + CATALOG + ".type", "hadoop");
    spark.conf().set("spark.sql.catalog." + CATALOG + ".warehouse", tmp.resolve("warehouse").toUri().toString());
    emptyCsv = tmp.resolve("empty.csv");
    Files.writeString(emptyCsv,
        "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex\n");
  }

  @AfterAll
  static void restore() {
    for (String k : List.of("", ".type", ".warehouse")) {
      spark.conf().unset("spark.sql.catalog." + CATALOG + k);
    }
  }

  static String[] job(Path work, String table, String... sets) {
    List<String> args = new ArrayList<>(List.of("run", "--config", CONFIG,
        "--set", "output.path=" + work,
        "--set", "output.table=" + table));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args.toArray(String[]::new);
  }

  static long night(String table, String date) {
    return spark.table(table).where(col("dt").equalTo(date)).count();
  }

  static Table table(String name) throws Exception {
    Table t = Spark3Util.loadIcebergTable(spark, name);
    t.refresh();
    return t;
  }

  static JsonNode manifest(Path work, String date) throws Exception {
    return new ObjectMapper().readTree(work.resolve("_nightshift/manifest-" + date + ".json").toFile());
  }

  @Test
  void aNightItsRerunAndAnEmptyNightAreOneCommitEachRecordedInTheManifest() throws Exception {
    Path work = tmp.resolve("work");
    assertThat(Nightshift.execute(job(work, TABLE, "run.id=n1"))).isEqualTo(0);
    assertThat(night(TABLE, NIGHT)).isEqualTo(342);
    assertThat(night(TABLE + "_rejected", NIGHT)).isEqualTo(2);
    assertThat(spark.table(TABLE).columns()).containsExactly(
        "species", "island", "sex", "predicted_species", "dt");
    JsonNode m = manifest(work, NIGHT);
    assertThat(m.at("/status").asText()).isEqualTo("ok");
    assertThat(m.at("/output/table").asText()).isEqualTo(TABLE);
    assertThat(m.at("/output/iceberg/data/snapshot_id").asLong())
        .isEqualTo(table(TABLE).currentSnapshot().snapshotId());
    assertThat(m.at("/output/iceberg/rejected/snapshot_id").asLong())
        .isEqualTo(table(TABLE + "_rejected").currentSnapshot().snapshotId());
    assertThat(m.at("/output/iceberg/data/metadata_location").asText())
        .isEqualTo(((org.apache.iceberg.HasTableOperations) table(TABLE)).operations().current()
            .metadataFileLocation());
    assertThat(m.at("/output/iceberg/data/rows_committed").asLong()).isEqualTo(342);
    assertThat(m.at("/output/iceberg/rejected/rows_committed").asLong()).isEqualTo(2);
    assertThat(work.resolve("_nightshift/staging/n1")).doesNotExist();

    // The rerun replaces the night (342 out, 342 in), it does not add to it.
    assertThat(Nightshift.execute(job(work, TABLE, "run.id=n2"))).isEqualTo(0);
    assertThat(night(TABLE, NIGHT)).isEqualTo(342);
    assertThat(night(TABLE + "_rejected", NIGHT)).isEqualTo(2);
    assertThat(manifest(work, NIGHT).at("/output/iceberg/data/rows_replaced").asLong()).isEqualTo(342);

    // A night with no input rows empties the night in both tables, and the manifest says so.
    assertThat(Nightshift.execute(job(work, TABLE, "run.id=n3", "input.path=" + emptyCsv))).isEqualTo(0);
    assertThat(night(TABLE, NIGHT)).isZero();
    assertThat(night(TABLE + "_rejected", NIGHT)).isZero();
    JsonNode empty = manifest(work, NIGHT);
    assertThat(empty.at("/status").asText()).isEqualTo("ok");
    assertThat(empty.at("/rows/read").asLong()).isZero();
    assertThat(empty.at("/output/iceberg/data/rows_committed").asLong()).isZero();
    assertThat(empty.at("/output/iceberg/data/rows_replaced").asLong()).isEqualTo(342);
    assertThat(empty.at("/output/iceberg/rejected/rows_replaced").asLong()).isEqualTo(2);
    assertThat(empty.at("/output/partitions_written").get(0).asText()).isEqualTo("dt=" + NIGHT);
  }

  @Test
  void overTheErrorBudgetExits3AndCommitsToNeitherTable() throws Exception {
    String t = CATALOG + ".nightshift.budget";
    Path work = tmp.resolve("work-budget");
    assertThat(Nightshift.execute(job(work, t, "run.id=b1", "run.date=2026-11-27"))).isEqualTo(0);
    long data = table(t).currentSnapshot().snapshotId();
    long rejected = table(t + "_rejected").currentSnapshot().snapshotId();

    assertThat(Nightshift.execute(job(work, t, "run.id=b2", "output.max-rejected-ratio=0.001"))).isEqualTo(3);
    assertThat(table(t).currentSnapshot().snapshotId()).isEqualTo(data);
    assertThat(table(t + "_rejected").currentSnapshot().snapshotId()).isEqualTo(rejected);
    assertThat(night(t, NIGHT)).isZero();
    assertThat(night(t + "_rejected", NIGHT)).isZero();
    assertThat(manifest(work, NIGHT).at("/status").asText()).isEqualTo("error-budget-exceeded");
    assertThat(manifest(work, NIGHT).at("/output/iceberg").isMissingNode()).isTrue();
  }

  @Test
  void anIncompatibleResultTypeExits2BeforeLaunchNamingColumnAndTypes() throws Exception {
    String t = CATALOG + ".nightshift.typed";
    Path work = tmp.resolve("work-typed");
    assertThat(Nightshift.execute(job(work, t, "run.id=t1"))).isEqualTo(0);
    long snapshot = table(t).currentSnapshot().snapshotId();

    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    int code;
    try {
      // Probabilities instead of the label: predicted_species becomes array<float>.
      code = Nightshift.execute(job(work, t, "run.id=t2", "inference.outputs.output.post=none"));
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("output.table: column 'predicted_species' is string in table " + t
        + " but the night's results give array<float>");
    assertThat(work.resolve("_nightshift/staging/t2")).as("nothing staged").doesNotExist();
    assertThat(work.resolve("_nightshift/runs/t2.json")).as("no run began").doesNotExist();
    assertThat(table(t).currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }
}
