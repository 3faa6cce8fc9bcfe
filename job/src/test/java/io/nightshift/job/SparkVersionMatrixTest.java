package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same app jar ({@code job/target/nightshift-job.jar}) on each supported Spark line: the
 * tabular sample job, Parquet in and Parquet out, run in a child JVM the way {@code
 * deploy/nightshift} runs it (its {@code java_opens}, local[2]), with the class path of Spark
 * 4.0.x, 4.1.x and 4.2.x in turn: the jars the build fetched into {@code compat/spark-4.0},
 * {@code job/target/spark-jars} (the build's own line) and {@code compat/spark-4.2}. Each run must
 * exit 0 on the Spark it was given, balance its books, read every Parquet batch in place with the
 * good rows copied in bulk (the columnar fast path), and write the same rows and the same
 * quarantine as the others, row for row. Runs in {@code mvn verify} (it needs the packaged jar).
 */
@Tag("cluster")
class SparkVersionMatrixTest {
  static final Path ROOT = StandaloneCluster.ROOT;
  static final String DATE = "2026-11-28";
  /** The penguins with their measurements as FLOAT, so the model's float input is filled in bulk. */
  static final String SCHEMA = "species STRING, island STRING, bill_length_mm FLOAT, bill_depth_mm FLOAT, "
      + "flipper_length_mm FLOAT, body_mass_g FLOAT, sex STRING";
  static final String PASS_THROUGH =
      "[species, island, sex, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]";
  /** Input files (Spark packs these small ones into 2 tasks on local[2]). */
  static final int FILES = 3;

  /** Line -> the folder of its jars (a cluster's SPARK_HOME/jars). */
  static Map<String, Path> lines() {
    Map<String, Path> lines = new LinkedHashMap<>();
    lines.put("4.0", ROOT.resolve("compat/spark-4.0/target/spark-jars"));
    lines.put("4.1", ROOT.resolve("job/target/spark-jars"));
    lines.put("4.2", ROOT.resolve("compat/spark-4.2/target/spark-jars"));
    return lines;
  }

  /** The Spark release whose jars are in {@code jars}, from spark-core's file name. */
  static String sparkVersion(Path jars) throws IOException {
    String prefix = "spark-core_2.13-";
    try (Stream<Path> files = Files.list(jars)) {
      List<String> cores = files.map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith(prefix) && n.endsWith(".jar")).toList();
      assertThat(cores).as("spark-core in %s", jars).hasSize(1);
      return cores.get(0).substring(prefix.length(), cores.get(0).length() - ".jar".length());
    }
  }

  /** {@code deploy/java-opens.sh}'s flags, as the launch scripts use them. */
  static List<String> javaOpens() throws Exception {
    Process p = new ProcessBuilder("bash", "-c", "source deploy/java-opens.sh && printf '%s\\n' \"${java_opens[@]}\"")
        .directory(ROOT.toFile())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> opens = out.lines().filter(l -> !l.isBlank()).toList();
    assertThat(opens).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    return opens;
  }

  record Run(int exitCode, String log, double seconds) {}

  /**
   * {@code nightshift run} on the given jars, in a JVM of its own, as deploy/nightshift starts it
   * (app jar first, then the Spark jars).
   */
  static Run run(Path jars, List<String> opens, Path tmp, List<String> args) throws Exception {
    Path log = tmp.resolve("child.log");
    Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    // C1 only: a JVM that lives a minute spends less on compiling (about 40% less wall time for
    // the sample on the shared 2-core machine). Not a change of what runs.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(opens);
    cmd.add("-Djava.io.tmpdir=" + javaTmp);
    cmd.add("-Dlog4j.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
    cmd.add("-Dspark.master=local[2]");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-cp");
    cmd.add(ROOT.resolve("job/target/nightshift-job.jar") + ":" + jars + "/*");
    cmd.add("io.nightshift.job.Nightshift");
    cmd.addAll(args);
    long t = System.nanoTime();
    Process p = new ProcessBuilder(cmd)
        .directory(ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("nightshift run did not end in 5 minutes; log " + log);
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    return new Run(p.exitValue(), Files.readString(log), (System.nanoTime() - t) / 1e9);
  }

  static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** The rows of a Parquet folder, each as its values in column order, sorted. */
  static List<String> rows(SparkSession spark, String path, String... columns) {
    List<String> out = new ArrayList<>();
    for (Row r : spark.read().parquet(path).selectExpr(columns).collectAsList()) {
      out.add(r.toString());
    }
    out.sort(null);
    return out;
  }

  @Test
  void theSameJarScoresParquetAlikeOnSpark40And41And42WithTheColumnarPath(@TempDir Path tmp) throws Exception {
    long started = System.nanoTime();
    List<String> opens = javaOpens();
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("nightshift-spark-matrix")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    try {
      // The input: the penguins as Parquet (written by this build's Spark, read by each line's).
      String input = tmp.resolve("penguins-parquet").toString();
      spark.read().option("header", "true").schema(SCHEMA).csv(Samples.penguinsCsv().toString())
          .repartition(FILES).write().parquet(input);

      Map<String, List<String>> scored = new LinkedHashMap<>();
      Map<String, List<String>> quarantined = new LinkedHashMap<>();
      for (Map.Entry<String, Path> line : lines().entrySet()) {
        String version = sparkVersion(line.getValue());
        assertThat(version).as("the jars of Spark line %s", line.getKey()).startsWith(line.getKey() + ".");
        Path out = tmp.resolve("out-" + line.getKey());
        Run r = run(line.getValue(), opens, Files.createDirectories(tmp.resolve("run-" + line.getKey())), List.of(
            "run", "--config", "conf/jobs/sample-tabular.yaml",
            "--set", "input.path=" + input,
            "--set", "input.format=parquet",
            "--set", "input.schema=" + SCHEMA,
            "--set", "output.path=" + out,
            "--set", "output.pass-through=" + PASS_THROUGH,
            "--set", "run.date=" + DATE));
        System.out.printf("spark matrix: Spark %s ran the sample in %.1f s (exit %d)%n", version, r.seconds(), r.exitCode());
        assertThat(r.exitCode()).as("Spark %s:%n%s", version, tail(r.log())).isZero();

        JsonNode m = new ObjectMapper().readTree(out.resolve("_nightshift/manifest-" + DATE + ".json").toFile());
        String what = "Spark " + version + " manifest " + m;
        assertThat(m.at("/spark_version").asText()).as(what).isEqualTo(version);
        assertThat(m.at("/status").asText()).as(what).isEqualTo("ok");
        assertThat(m.at("/rows/read").asLong()).as(what).isEqualTo(344);
        assertThat(m.at("/rows/written").asLong()).as(what).isEqualTo(342);
        assertThat(m.at("/rows/rejected").asLong()).as(what).isEqualTo(2);
        assertThat(m.at("/rows/balanced").asBoolean()).as(what).isTrue();
        // The columnar fast path: every task read the scan's batches in place, and every good
        // row (the 2 rejected ones have no measurements) was copied in bulk.
        int tasks = 0;
        int columnarTasks = 0;
        long bulk = 0;
        for (JsonNode e : m.at("/executors")) {
          tasks += e.at("/tasks").asInt();
          columnarTasks += e.at("/columnarTasks").asInt();
          bulk += e.at("/rowsCopiedInBulk").asLong();
        }
        assertThat(tasks).as(what).isPositive();
        assertThat(columnarTasks).as(what).isEqualTo(tasks);
        assertThat(bulk).as(what).isEqualTo(342);

        scored.put(version, rows(spark, out.toString(),
            "species", "island", "sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
            "predicted_species", "CAST(dt AS STRING)"));
        quarantined.put(version, rows(spark, out.resolve("_rejected/dt=" + DATE).toString(),
            "reason_code", "reason", "input_json"));
        assertThat(scored.get(version)).as("Spark %s", version).hasSize(342);
        assertThat(quarantined.get(version)).as("Spark %s", version).hasSize(2);
      }
      List<String> versions = List.copyOf(scored.keySet());
      for (String v : versions.subList(1, versions.size())) {
        assertThat(scored.get(v)).as("rows on Spark %s against Spark %s", v, versions.get(0))
            .containsExactlyElementsOf(scored.get(versions.get(0)));
        assertThat(quarantined.get(v)).as("quarantine on Spark %s against Spark %s", v, versions.get(0))
            .containsExactlyElementsOf(quarantined.get(versions.get(0)));
      }
    } finally {
      spark.stop();
      System.out.printf("spark matrix: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
    }
  }
}
