package io.nightshift.job;

import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.samples.Samples;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog tables over the Parquet output (issue 16, section 3): {@code output.table} registers the
 * output folder and the quarantine as external partitioned tables of the session catalog, and each
 * night's partitions after its publish, so SQL over the table sees the night without a repair. On
 * the shared local[2] session (Spark's in-memory catalog), and once with Hive support and an
 * embedded Derby metastore in child JVMs, where a second process sees the first one's table.
 */
class CatalogTableTest {
  static final String CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml").toString();

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path rows;
  static Path biscoe;
  static long biscoeScored;
  static long biscoeRejected;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    rows = tmp.resolve("penguins");
    spark.read().option("header", "true").schema(NightCommitJobTest.SCHEMA).csv(NightCommitJobTest.CSV.toString())
        .withColumn("row_id", monotonically_increasing_id()).coalesce(2).write().parquet(rows.toString());
    biscoe = tmp.resolve("biscoe");
    spark.read().parquet(rows.toString()).filter("island = 'Biscoe'").write().parquet(biscoe.toString());
    String scored = "bill_length_mm IS NOT NULL AND bill_depth_mm IS NOT NULL AND flipper_length_mm IS NOT NULL"
        + " AND body_mass_g IS NOT NULL";
    biscoeScored = spark.read().parquet(biscoe.toString()).filter(scored).count();
    biscoeRejected = spark.read().parquet(biscoe.toString()).filter("NOT (" + scored + ")").count();
    assertThat(biscoeScored).isBetween(1L, 341L);
  }

  static String[] job(Path input, Path out, String table, String date, String... sets) {
    List<String> args = new ArrayList<>(List.of("run", "--config", CONFIG,
        "--set", "input.path=" + input, "--set", "input.format=parquet", "--set", "input.schema=",
        "--set", "output.path=" + out, "--set", "output.pass-through=[row_id, species, island]",
        "--set", "output.table=" + table, "--set", "run.date=" + date));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args.toArray(String[]::new);
  }

  static void ok(String[] args) {
    NightCommitJobTest.Result r = NightCommitJobTest.run(args);
    assertThat(r.code()).as(r.err()).isZero();
  }

  /** {@code SELECT dt, count(*) FROM table GROUP BY dt}, in dt order. */
  static Map<String, Long> perNight(String table) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row r : spark.sql("SELECT dt, count(*) FROM " + table + " GROUP BY dt ORDER BY dt").collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  static List<String> partitions(String table) {
    return spark.sql("SHOW PARTITIONS " + table).collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
  }

  @Test
  void threeNightsAreThreePartitionsAndARerunReplacesItsNight() {
    Path out = tmp.resolve("nights");
    String byIsland = "output.partition-by=[dt, island]";
    for (String night : List.of("2026-11-26", "2026-11-27", "2026-11-28")) {
      ok(job(rows, out, "nightshift_a.scored", night, byIsland));
    }
    assertThat(perNight("nightshift_a.scored"))
        .containsExactly(Map.entry("2026-11-26", 342L), Map.entry("2026-11-27", 342L), Map.entry("2026-11-28", 342L));
    // The quarantine is a second table, partitioned like the results by the columns it holds.
    assertThat(perNight("nightshift_a.scored_rejected"))
        .containsExactly(Map.entry("2026-11-26", 2L), Map.entry("2026-11-27", 2L), Map.entry("2026-11-28", 2L));
    assertThat(spark.sql("SELECT DISTINCT reason_code FROM nightshift_a.scored_rejected").collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("null_feature");
    assertThat(spark.sql("DESCRIBE TABLE EXTENDED nightshift_a.scored").collectAsList().stream()
        .filter(r -> r.getString(0).equals("Type")).map(r -> r.getString(1)).toList()).containsExactly("EXTERNAL");

    // The night again, on one island only: replaced, not added to, and its other islands'
    // partitions leave the catalog too. (A rerun of the same rows: the next test's last run.)
    ok(job(biscoe, out, "nightshift_a.scored", "2026-11-27", byIsland));
    assertThat(perNight("nightshift_a.scored"))
        .containsExactly(Map.entry("2026-11-26", 342L), Map.entry("2026-11-27", biscoeScored),
            Map.entry("2026-11-28", 342L));
    assertThat(partitions("nightshift_a.scored")).filteredOn(p -> p.startsWith("dt=2026-11-27"))
        .containsExactly("dt=2026-11-27/island=Biscoe");
    assertThat(partitions("nightshift_a.scored")).hasSize(7);
    assertThat(spark.sql("SELECT count(*) FROM nightshift_a.scored_rejected WHERE dt = '2026-11-27'").first().getLong(0))
        .isEqualTo(biscoeRejected);
  }

  @Test
  void aNightPublishedButNotRegisteredIsRegisteredByRecoverOrARerunWithoutDoubling() {
    Path out = tmp.resolve("unregistered");
    String table = "nightshift_b.scored";
    ok(job(rows, out, table, "2026-11-27"));
    System.setProperty("nightshift.test.fail-at", "registering");
    NightCommitJobTest.Result failed;
    try {
      failed = NightCommitJobTest.run(job(rows, out, table, "2026-11-28"));
    } finally {
      System.clearProperty("nightshift.test.fail-at");
    }
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("run 2026-11-28T", "published its night in file:" + out
        + " but could not register it in table nightshift_b.scored and nightshift_b.scored_rejected: test hook"
        + " nightshift.test.fail-at: failing at publish step 'registering' (rerun the night, or `nightshift"
        + " recover`, to register it)");
    // Published by path, not yet in the table.
    assertThat(spark.read().parquet(out.resolve("dt=2026-11-28").toString()).count()).isEqualTo(342);
    assertThat(perNight(table)).containsExactly(Map.entry("2026-11-27", 342L));

    PrintStream old = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true));
    try {
      assertThat(Nightshift.execute(new String[] {"recover", "--config", CONFIG, "--set", "output.path=" + out,
          "--set", "output.table=" + table, "--set", "output.pass-through=[row_id, species, island]"})).isZero();
    } finally {
      System.setOut(old);
    }
    assertThat(printed.toString()).contains("recover: no interrupted publish; table nightshift_b.scored holds every"
        + " partition of file:" + out + "; table nightshift_b.scored_rejected holds every partition of file:" + out
        + "/_rejected");
    assertThat(perNight(table)).containsExactly(Map.entry("2026-11-27", 342L), Map.entry("2026-11-28", 342L));
    assertThat(perNight(table + "_rejected")).containsExactly(Map.entry("2026-11-27", 2L), Map.entry("2026-11-28", 2L));

    // Dying there again, on another night: the rerun registers it, once.
    System.setProperty("nightshift.test.fail-at", "registering");
    try {
      assertThat(NightCommitJobTest.run(job(rows, out, table, "2026-11-29")).code()).isEqualTo(1);
    } finally {
      System.clearProperty("nightshift.test.fail-at");
    }
    assertThat(perNight(table)).doesNotContainKey("2026-11-29");
    // The rerun publishes the same 342 rows into the same folder: one partition, 342 rows, not 684.
    ok(job(rows, out, table, "2026-11-29"));
    assertThat(perNight(table)).containsExactly(
        Map.entry("2026-11-27", 342L), Map.entry("2026-11-28", 342L), Map.entry("2026-11-29", 342L));
  }

  @Test
  void aTableElsewhereOrOfOtherColumnsIsRefusedBeforeLaunch() {
    Path first = tmp.resolve("first");
    ok(job(rows, first, "nightshift_c.scored", "2026-11-28"));

    Path second = tmp.resolve("second");
    NightCommitJobTest.Result elsewhere = NightCommitJobTest.run(job(rows, second, "nightshift_c.scored", "2026-11-28"));
    assertThat(elsewhere.code()).isEqualTo(2);
    assertThat(elsewhere.err()).contains("output.table: table nightshift_c.scored exists at file:" + first
        + ", not at file:" + second + " (output.path); drop it or name another table");
    assertThat(second).doesNotExist();

    NightCommitJobTest.Result quarantine = NightCommitJobTest.run(job(rows, second, "nightshift_c.other", "2026-11-28",
        "output.rejected-table=nightshift_c.scored_rejected"));
    assertThat(quarantine.code()).isEqualTo(2);
    assertThat(quarantine.err()).contains("output.rejected-table: table nightshift_c.scored_rejected exists at file:"
        + first + "/_rejected, not at file:" + second + "/_rejected (output.rejected-path)");

    NightCommitJobTest.Result columns = NightCommitJobTest.run(job(rows, first, "nightshift_c.scored", "2026-11-28",
        "output.pass-through=[row_id, species, island, sex]"));
    assertThat(columns.code()).isEqualTo(2);
    assertThat(columns.err()).contains("output.table: the night's column 'sex' (string) is not in table"
        + " nightshift_c.scored (columns: ");
    assertThat(perNight("nightshift_c.scored")).containsExactly(Map.entry("2026-11-28", 342L));
  }

  /**
   * The embedded default of deploy/nightshift: Hive support with a Derby metastore in a folder. One
   * child JVM runs a night; a second one, a new process, queries the table by name.
   */
  @Test
  void aDerbyMetastoreKeepsTheTableForTheNextProcess() throws Exception {
    Path work = tmp.resolve("hive");
    Path out = work.resolve("out");
    List<String> hive = List.of("-Dspark.sql.catalogImplementation=hive",
        "-Dspark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=" + work.resolve("metastore")
            + ";create=true",
        "-Dspark.sql.warehouse.dir=" + work.resolve("warehouse"),
        "-Dderby.system.home=" + work, "-Dderby.stream.error.file=" + work.resolve("derby.log"));
    Child run = child(hive, job(rows, out, "nightshift.scored", "2026-11-28"));
    assertThat(run.code()).as(run.output()).isZero();
    Child query = child(hive, new String[] {"sql", "--config", CONFIG, "--query",
        "SELECT dt, count(*) AS n FROM nightshift.scored GROUP BY dt UNION ALL"
            + " SELECT concat('rejected ', dt), count(*) FROM nightshift.scored_rejected GROUP BY dt"});
    assertThat(query.code()).as(query.output()).isZero();
    assertThat(query.output()).contains("|2026-11-28         |342|", "|rejected 2026-11-28|2  |");
  }

  record Child(int code, String output) {}

  static Child child(List<String> props, String[] args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-XX:TieredStopAtLevel=1");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j")
          || a.startsWith("-Djava.io.tmpdir") || a.startsWith("-Dnightshift.root")) {
        cmd.add(a);
      }
    }
    cmd.add("-Dspark.master=local[2]");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-Dspark.sql.shuffle.partitions=4");
    cmd.addAll(props);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.nightshift.job.Nightshift");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        output.append(line).append('\n');
      }
    }
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return new Child(p.exitValue(), output.toString());
  }
}
