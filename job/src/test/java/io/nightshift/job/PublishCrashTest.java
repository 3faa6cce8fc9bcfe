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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver killed (SIGKILL) at each step of a Parquet publish, in a child JVM running the job's
 * main class: after staging, after the old night is moved aside, in the middle of moving the new
 * one in (results in, quarantine not yet), before cleanup. After the next run's recovery, or after
 * {@code nightshift recover}, the night holds exactly the old rows or exactly the new ones, compared
 * row id by row id, never neither, never both; and while the killed run held the table, a second
 * run of the night exited 4 naming it.
 */
class PublishCrashTest {
  static final String CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml").toString();
  static final String NIGHT = "2026-11-28";

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path all;
  static Path biscoe;
  /** Row ids of the old night (all scored rows) and of the new one (Biscoe's scored rows). */
  static Set<Long> oldIds;
  static Set<Long> newIds;
  static Set<Long> oldRejected;
  static Set<Long> newRejected;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    all = tmp.resolve("all");
    spark.read().option("header", "true").schema(NightCommitJobTest.SCHEMA).csv(NightCommitJobTest.CSV.toString())
        .withColumn("row_id", monotonically_increasing_id()).coalesce(2).write().parquet(all.toString());
    biscoe = tmp.resolve("biscoe");
    spark.read().parquet(all.toString()).filter("island = 'Biscoe'").write().parquet(biscoe.toString());
    String scored = "bill_length_mm IS NOT NULL AND bill_depth_mm IS NOT NULL AND flipper_length_mm IS NOT NULL"
        + " AND body_mass_g IS NOT NULL";
    oldIds = ids(spark.read().parquet(all.toString()).filter(scored).select("row_id").collectAsList());
    newIds = ids(spark.read().parquet(biscoe.toString()).filter(scored).select("row_id").collectAsList());
    oldRejected = ids(spark.read().parquet(all.toString()).filter("NOT (" + scored + ")").select("row_id").collectAsList());
    newRejected = ids(spark.read().parquet(biscoe.toString()).filter("NOT (" + scored + ")").select("row_id").collectAsList());
    assertThat(oldIds).hasSize(342);
    assertThat(newIds).isNotEmpty().isNotEqualTo(oldIds);
  }

  static Set<Long> ids(List<Row> rows) {
    Set<Long> out = new HashSet<>();
    rows.forEach(r -> out.add(r.getLong(0)));
    return out;
  }

  static List<String> args(Path input, Path out, String runId, String date) {
    return List.of("run", "--config", CONFIG, "--set", "input.path=" + input, "--set", "input.format=parquet",
        "--set", "input.schema=", "--set", "output.path=" + out,
        "--set", "output.pass-through=[row_id, species, island]", "--set", "run.id=" + runId,
        "--set", "run.date=" + date);
  }

  /** The row ids of night {@code NIGHT} in the Parquet table {@code dir}, as a list (duplicates kept). */
  static List<Long> night(Path dir) {
    Path d = dir.resolve("dt=" + NIGHT);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    List<Long> out = new ArrayList<>();
    spark.read().parquet(d.toString()).select("row_id").collectAsList().forEach(r -> out.add(r.getLong(0)));
    return out;
  }

  /** Starts the job's main class in a child JVM paused at {@code step}; returns once it is paused there. */
  static Process pausedChild(Path out, String runId, String step) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-XX:TieredStopAtLevel=1"); // a short-lived driver: start fast rather than peak
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Spark's --add-opens flags (deploy/java-opens.sh, surefire's argLine) and the log config.
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j")
          || a.startsWith("-Djava.io.tmpdir") || a.startsWith("-Dnightshift.root")) {
        cmd.add(a);
      }
    }
    cmd.add("-Dnightshift.test.pause-at=" + step);
    Files.deleteIfExists(tmp.resolve(runId + ".paused"));
    cmd.add("-Dnightshift.test.pause-marker=" + tmp.resolve(runId + ".paused"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.nightshift.job.Nightshift");
    cmd.addAll(args(biscoe, out, runId, NIGHT));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String want = "nightshift: test hook paused at publish step '" + step + "'";
    StringBuilder seen = new StringBuilder();
    CompletableFuture<Boolean> paused = new CompletableFuture<>();
    // One thread of its own reads the child's output to the end, so the child never blocks on a
    // full pipe; the future completes at the pause line (or false at the end of the output).
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (!paused.isDone()) {
            synchronized (seen) {
              seen.append(line).append('\n');
            }
            if (line.contains(want)) {
              paused.complete(true);
            }
          }
        }
      } catch (java.io.IOException e) {
        // the child was killed: its pipe closed
      } finally {
        paused.complete(false);
      }
    }, "child-output-" + step);
    reader.setDaemon(true);
    reader.start();
    boolean ok;
    try {
      ok = paused.get(3, TimeUnit.MINUTES);
    } catch (java.util.concurrent.TimeoutException e) {
      ok = false;
    }
    if (!ok || !Files.readString(tmp.resolve(runId + ".paused")).equals(step)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      synchronized (seen) {
        throw new AssertionError("the child never paused at " + step + " (" + ok + "):\n" + seen);
      }
    }
    return p;
  }

  static void kill(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(137);
  }

  static String recover(Path out) {
    PrintStream old = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true));
    try {
      assertThat(Nightshift.execute(new String[] {"recover", "--config", CONFIG, "--set", "output.path=" + out}))
          .isZero();
    } finally {
      System.setOut(old);
    }
    return printed.toString();
  }

  static void assertSettled(Path out) {
    assertThat(out.resolve("_nightshift/journal")).doesNotExist();
    assertThat(out.resolve("_nightshift/lock")).doesNotExist();
  }

  /** In the "staged" case, two runs of one night: the second finds the table locked by the first, alive. */
  static void secondRunWhileHeld(String step, Path out) {
    if (!step.equals("staged")) {
      return;
    }
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    int code;
    try {
      code = Nightshift.execute(args(all, out, "second", NIGHT).toArray(String[]::new));
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(4);
    assertThat(err.toString()).contains("output is locked by run killed on host");
  }

  @ParameterizedTest(name = "killed at {0}")
  @ValueSource(strings = {"staged", "aside", "moving-in", "cleanup"})
  void killedAtAPublishStepTheNightIsExactlyOldOrNew(String step) throws Exception {
    Path out = tmp.resolve("crash-" + step);
    assertThat(Nightshift.execute(args(all, out, "old", NIGHT).toArray(String[]::new))).isZero();
    assertThat(new HashSet<>(night(out))).isEqualTo(oldIds);

    Process child = pausedChild(out, "killed", step);
    try {
      secondRunWhileHeld(step, out);
    } finally {
      kill(child);
    }

    boolean viaRecover = step.equals("staged") || step.equals("moving-in");
    if (viaRecover) {
      assertThat(recover(out)).contains("rolled forward the interrupted publish of run killed");
    } else {
      // The next run (of another night) settles the interrupted one first.
      assertThat(Nightshift.execute(args(all, out, "next", "2026-11-29").toArray(String[]::new))).isZero();
      assertThat(spark.read().parquet(out.resolve("dt=2026-11-29").toString()).count()).isEqualTo(342);
    }
    List<Long> rows = night(out);
    assertThat(rows).as("no row twice").doesNotHaveDuplicates();
    assertThat(new HashSet<>(rows)).as("exactly the new night").isEqualTo(newIds);
    List<Long> rejected = night(out.resolve("_rejected"));
    assertThat(new HashSet<>(rejected)).as("the new night's quarantine").isEqualTo(newRejected);
    assertThat(rejected).doesNotHaveDuplicates();
    assertSettled(out);
    assertThat(out.resolve("_nightshift/staging/killed")).doesNotExist();
  }

  @Test
  void anIncompleteStagingIsRolledBackToTheOldNight() throws Exception {
    Path out = tmp.resolve("crash-rollback");
    assertThat(Nightshift.execute(args(all, out, "old", NIGHT).toArray(String[]::new))).isZero();
    kill(pausedChild(out, "killed", "aside"));
    assertThat(out.resolve("dt=" + NIGHT)).as("the old night is aside").doesNotExist();
    // A staged file lost (say, by hand): rolling forward would publish half a night.
    Path staged = out.resolve("_nightshift/staging/killed/data/dt=" + NIGHT);
    Path victim;
    try (Stream<Path> files = Files.walk(staged)) {
      victim = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Files.delete(victim);
    assertThat(recover(out)).contains("rolled back the interrupted publish of run killed");
    List<Long> rows = night(out);
    assertThat(rows).doesNotHaveDuplicates();
    assertThat(new HashSet<>(rows)).as("exactly the old night").isEqualTo(oldIds);
    assertThat(new HashSet<>(night(out.resolve("_rejected")))).isEqualTo(oldRejected);
    assertSettled(out);
  }
}
