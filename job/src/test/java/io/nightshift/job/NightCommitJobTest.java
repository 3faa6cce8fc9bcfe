package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a Parquet night reaches its table (issue 12, section 2), on real Spark local[2], the real
 * sample model and real files, every count read back with an independent Parquet read: the
 * partition value comes from run.date only, a rerun replaces the whole night (sub-partitions and
 * quarantine, also with zero rows), the quarantine is published only with a night that passed its
 * checks, one writer per table, run.id is checked, and every exit after launch leaves a manifest.
 */
class NightCommitJobTest {
  static final Path CSV = Samples.dir().resolve("penguins/penguins.csv");
  static final String CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml").toString();
  static final String SCHEMA = "species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
      + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static SparkSession spark;
  /** The 344 sample rows with a row_id, as Parquet. */
  static Path rows;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    rows = tmp.resolve("penguins");
    spark.read().option("header", "true").schema(SCHEMA).csv(CSV.toString())
        .withColumn("row_id", monotonically_increasing_id())
        .coalesce(2).write().parquet(rows.toString());
  }

  /** The arguments of a run of the sample job on {@code input} into {@code out}, plus {@code sets}. */
  static String[] job(Path input, Path out, String... sets) {
    List<String> args = new ArrayList<>(List.of("run", "--config", CONFIG,
        "--set", "input.path=" + input, "--set", "input.format=parquet", "--set", "input.schema=",
        "--set", "output.path=" + out, "--set", "output.pass-through=[row_id, species, island]"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args.toArray(String[]::new);
  }

  record Result(int code, String err) {}

  static Result run(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      return new Result(Nightshift.execute(args), err.toString());
    } finally {
      System.setErr(old);
    }
  }

  /** Rows per night of the Parquet table at {@code dir}, read independently; empty when none. */
  static Map<String, Long> perNight(Path dir) {
    if (!Files.isDirectory(dir) || !hasParquet(dir)) {
      return Map.of();
    }
    return spark.read().parquet(dir.toString()).groupBy("dt").count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.get(0).toString(), r -> r.getLong(1)));
  }

  static boolean hasParquet(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")
          && dir.relativize(p).toString().chars().noneMatch(c -> c == '_'));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static JsonNode manifest(Path out, String date) throws Exception {
    return JSON.readTree(out.resolve("_nightshift/manifest-" + date + ".json").toFile());
  }

  @Test
  void aLateDatedRowCannotReachAnotherNight() throws Exception {
    Path out = tmp.resolve("late");
    assertThat(run(job(rows, out, "run.date=2026-11-27")).code()).isZero();
    assertThat(perNight(out)).containsOnly(Map.entry("2026-11-27", 342L));
    assertThat(perNight(out.resolve("_rejected"))).containsOnly(Map.entry("2026-11-27", 2L));

    // Night 28's input carries a dt column, one row of it dated the 27th.
    Path late = tmp.resolve("late-input");
    spark.read().parquet(rows.toString())
        .withColumn("dt", when(col("row_id").equalTo(lit(0L)), lit("2026-11-27")).otherwise(lit("2026-11-28")))
        .write().parquet(late.toString());
    Result refused = run(job(late, out, "run.date=2026-11-28", "output.pass-through=[row_id, species, dt]"));
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("'output.pass-through' names column 'dt'")
        .contains("partition column filled from run.date");

    // Without passing dt through, the input's dt is just an input column: the night is run.date's.
    assertThat(run(job(late, out, "run.date=2026-11-28")).code()).isZero();
    assertThat(perNight(out)).containsOnly(Map.entry("2026-11-27", 342L), Map.entry("2026-11-28", 342L));
    assertThat(perNight(out.resolve("_rejected")))
        .containsOnly(Map.entry("2026-11-27", 2L), Map.entry("2026-11-28", 2L));
    assertThat(spark.read().parquet(out.resolve("dt=2026-11-28").toString()).filter("row_id = 0").count())
        .isEqualTo(1);
  }

  @Test
  void aRerunReplacesTheWholeNightAndAnEmptyRerunEmptiesIt() throws Exception {
    Path out = tmp.resolve("islands");
    String byIsland = "output.partition-by=[dt, island]";
    assertThat(run(job(rows, out, byIsland)).code()).isZero();
    assertThat(Files.list(out.resolve("dt=2026-11-28")).map(p -> p.getFileName().toString()).sorted().toList())
        .containsExactly("island=Biscoe", "island=Dream", "island=Torgersen");
    assertThat(perNight(out)).containsOnly(Map.entry("2026-11-28", 342L));

    // The same night on one island only: no stale sub-partition stays.
    Path biscoe = tmp.resolve("biscoe");
    spark.read().parquet(rows.toString()).filter("island = 'Biscoe'").write().parquet(biscoe.toString());
    long biscoeRows = spark.read().parquet(biscoe.toString()).count();
    assertThat(run(job(biscoe, out, byIsland)).code()).isZero();
    assertThat(Files.list(out.resolve("dt=2026-11-28")).map(p -> p.getFileName().toString()).toList())
        .containsExactly("island=Biscoe");
    JsonNode m = manifest(out, "2026-11-28");
    assertThat(perNight(out)).containsOnly(Map.entry("2026-11-28", m.at("/rows/written").asLong()));
    assertThat(m.at("/rows/written").asLong() + m.at("/rows/rejected").asLong()).isEqualTo(biscoeRows);
    assertThat(m.at("/rows/balanced").asBoolean()).isTrue();
    assertThat(m.at("/output/partitions_written").toString()).isEqualTo("[\"dt=2026-11-28/island=Biscoe\"]");
    assertThat(perNight(out.resolve("_rejected")).getOrDefault("2026-11-28", 0L))
        .isEqualTo(m.at("/rows/rejected").asLong());

    // A header-only CSV: the night becomes empty, and so does its quarantine.
    Path empty = tmp.resolve("empty.csv");
    Files.writeString(empty, Files.readAllLines(CSV).get(0) + "\n");
    Result r = run("run", "--config", CONFIG, "--set", "input.path=" + empty, "--set", "output.path=" + out,
        "--set", byIsland);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(perNight(out)).isEmpty();
    assertThat(perNight(out.resolve("_rejected"))).isEmpty();
    assertThat(out.resolve("dt=2026-11-28")).doesNotExist();
    m = manifest(out, "2026-11-28");
    assertThat(m.at("/status").asText()).isEqualTo("ok");
    assertThat(m.at("/rows/read").asLong()).isZero();
    assertThat(m.at("/rows/written").asLong()).isZero();
  }

  @Test
  void failedAppendRunsPublishNoQuarantineAndTheirStagingIsBounded() throws Exception {
    Path out = tmp.resolve("append");
    // 2 of 344 rows are rejected (0.58%): over a 0.1% budget.
    String[] common = {"output.mode=append", "output.max-rejected-ratio=0.001", "output.cleanup.keep=1",
        "output.lock-timeout=1s"};
    List<String> tries = List.of("try-1", "try-2", "try-3");
    for (int i = 0; i < tries.size(); i++) {
      String id = tries.get(i);
      List<String> sets = new ArrayList<>(List.of(common));
      sets.add("run.id=" + id);
      Result r = run(job(rows, out, sets.toArray(String[]::new)));
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.err()).contains("2 of 344 rows rejected").contains("unpublished");
      // Age the staging as if the tries were minutes apart (try-1 oldest), so that what the next
      // run cleans does not depend on how fast this machine ran them.
      java.nio.file.Files.setLastModifiedTime(out.resolve("_nightshift/staging/" + id),
          java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60L * (10 - i))));
    }
    assertThat(perNight(out)).isEmpty();
    assertThat(perNight(out.resolve("_rejected"))).as("no quarantine published by failed runs").isEmpty();
    // Failed runs keep their staging for diagnosis, bounded: beyond the newest one (keep=1), older
    // than the lock timeout, it goes when the next run starts.
    assertThat(Files.list(out.resolve("_nightshift/staging")).map(p -> p.getFileName().toString()).sorted()
        .toList()).containsExactly("try-2", "try-3");
    assertThat(spark.read().parquet(out.resolve("_nightshift/staging/try-3/data").toString()).count())
        .isEqualTo(342);
    assertThat(manifest(out, "2026-11-28").at("/status").asText()).isEqualTo("error-budget-exceeded");

    // A run within budget publishes the night once; the failed staging of that night is dropped.
    assertThat(run(job(rows, out, "output.mode=append", "run.id=try-4")).code()).isZero();
    assertThat(perNight(out)).containsOnly(Map.entry("2026-11-28", 342L));
    Dataset<Row> q = spark.read().parquet(out.resolve("_rejected").toString());
    assertThat(q.count()).isEqualTo(2);
    assertThat(q.select("row_id").distinct().count()).isEqualTo(2);
    assertThat(out.resolve("_nightshift/staging/try-2")).doesNotExist();
    assertThat(out.resolve("_nightshift/staging/try-3")).doesNotExist();
    assertThat(out.resolve("_rejected/_nightshift/staging/try-3")).doesNotExist();
  }

  @Test
  void aLockedTableRefusesASecondRunAndAStaleLockIsTakenOver() throws Exception {
    Path out = tmp.resolve("locked");
    Path lock = out.resolve("_nightshift/lock");
    Files.createDirectories(lock.getParent());
    ProcessHandle self = ProcessHandle.current();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    // A live holder: this very JVM, as another run would be.
    Files.writeString(lock, JSON.writeValueAsString(Map.of("run_id", "holder-1", "host", host, "pid", self.pid(),
        "pid_started_at", self.info().startInstant().orElseThrow().toString(),
        "started_at", Instant.now().toString(), "expires_at", Instant.now().plusSeconds(3600).toString(),
        "token", "t")));
    Result r = run(job(rows, out, "run.id=second"));
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err()).contains("output is locked by run holder-1 on host " + host + " (pid " + self.pid() + ")")
        .contains("output.lock-timeout");
    assertThat(perNight(out)).isEmpty();
    assertThat(lock).as("the holder's lock stays").content().contains("holder-1");

    // Expired: taken over, the night is written, the lock released.
    Files.writeString(lock, JSON.writeValueAsString(Map.of("run_id", "holder-2", "host", "elsewhere", "pid", 1,
        "started_at", "2026-11-01T00:00:00Z", "expires_at", "2026-11-01T06:00:00Z", "token", "t")));
    assertThat(run(job(rows, out, "run.id=third")).code()).isZero();
    assertThat(perNight(out)).containsOnly(Map.entry("2026-11-28", 342L));
    assertThat(lock).doesNotExist();

    // error-if-exists: refused before launch when the table holds data.
    r = run(job(rows, out, "run.id=fourth", "output.mode=error-if-exists"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("output.mode is error-if-exists and").contains("already holds data");
  }

  @Test
  void runIdMustNameOneFolder() {
    for (String bad : List.of("..", ".", "a/b", ".hidden", "x".repeat(65))) {
      Path out = tmp.resolve("run-id");
      Result r = run(job(rows, out, "run.id=" + bad));
      assertThat(r.code()).as(bad).isEqualTo(2);
      assertThat(r.err()).as(bad).contains("key 'run.id' has bad value '" + bad + "'");
      assertThat(out).doesNotExist();
    }
  }

  @Test
  void aFailureAfterLaunchLeavesAFailedManifestAndRecoverFinishesThePublish() throws Exception {
    Path out = tmp.resolve("fails");
    System.setProperty("nightshift.test.fail-at", "staged");
    Result r;
    try {
      r = run(job(rows, out, "run.id=doomed"));
    } finally {
      System.clearProperty("nightshift.test.fail-at");
    }
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("test hook nightshift.test.fail-at: failing at publish step 'staged'");
    JsonNode m = JSON.readTree(out.resolve("_nightshift/runs/doomed.json").toFile());
    assertThat(m.at("/status").asText()).isEqualTo("failed");
    assertThat(m.at("/message").asText()).contains("failing at publish step 'staged'");
    assertThat(m.at("/rows/read").asLong()).isEqualTo(344);
    assertThat(m.at("/rows/written").asLong()).isEqualTo(342);
    assertThat(m.at("/rows/quarantined").asLong()).isEqualTo(2);
    assertThat(perNight(out)).as("nothing published yet").isEmpty();
    assertThat(out.resolve("_nightshift/lock")).as("the lock is released").doesNotExist();

    // The journal was written: the decision to publish was made, so recover rolls it forward.
    PrintStream old = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true));
    int code;
    try {
      code = Nightshift.execute(new String[] {"recover", "--config", CONFIG, "--set", "output.path=" + out});
    } finally {
      System.setOut(old);
    }
    assertThat(code).isZero();
    assertThat(printed.toString()).contains("recover: rolled forward the interrupted publish of run doomed");
    assertThat(perNight(out)).containsOnly(Map.entry("2026-11-28", 342L));
    assertThat(perNight(out.resolve("_rejected"))).containsOnly(Map.entry("2026-11-28", 2L));
    assertThat(out.resolve("_nightshift/journal")).doesNotExist();
    assertThat(out.resolve("_nightshift/staging/doomed")).doesNotExist();
  }
}
