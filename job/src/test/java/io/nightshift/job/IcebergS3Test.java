package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg on {@code s3a://} against s3proxy (the real S3 API, authentication on), with Iceberg's
 * JDBC catalog over an embedded H2 database, as docs/deploy.md recommends for object stores: a
 * night, its rerun, a driver killed (SIGKILL) after staging and before its commit, and two driver
 * processes racing for one night. Runs in {@code mvn verify} with the cluster tests.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IcebergS3Test {
  static final String BUCKET = "nightshift";
  static final String CATALOG = "s3cat";
  static final String TABLE = CATALOG + ".nightshift.penguins";
  static final String WORK = "s3a://nightshift/work";
  static final String NIGHT = "2026-11-28";
  static final String CONFIG = StandaloneCluster.ROOT.resolve("conf/jobs/sample-tabular-iceberg.yaml").toString();

  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static SparkSession spark;
  /** The catalog and S3A settings, for this JVM's session and the child drivers'. */
  static Map<String, String> settings;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start(tmp.resolve("s3"), BUCKET);
    s3.awaitReady(Duration.ofMinutes(1));
    settings = new java.util.LinkedHashMap<>();
    settings.put("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    settings.put("spark.sql.catalog." + CATALOG + ".catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
    // AUTO_SERVER: the first process serves the database file to the others (the child drivers).
    settings.put("spark.sql.catalog." + CATALOG + ".uri",
        "jdbc:h2:file:" + tmp.resolve("catalog/iceberg") + ";AUTO_SERVER=TRUE");
    settings.put("spark.sql.catalog." + CATALOG + ".warehouse", "s3a://nightshift/warehouse");
    settings.put("spark.sql.catalog." + CATALOG + ".io-impl", "org.apache.iceberg.hadoop.HadoopFileIO");
    for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
      settings.put("spark.hadoop." + e.getKey(), e.getValue());
    }
    SparkSession.Builder b = SparkSession.builder()
        .master("local[2]")
        .appName("nightshift-iceberg-s3")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.hadoop.fs.s3a.access.key", s3.accessKey)
        .config("spark.hadoop.fs.s3a.secret.key", s3.secretKey);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      b = b.config(e.getKey(), e.getValue());
    }
    spark = b.getOrCreate();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  static int night(String runId) {
    return Nightshift.execute(new String[] {"run", "--config", CONFIG,
        "--set", "output.table=" + TABLE, "--set", "output.path=" + WORK, "--set", "run.id=" + runId});
  }

  static long rows(String predicted) {
    return spark.table(TABLE).where(col("dt").equalTo(NIGHT)).where(col("predicted_species").equalTo(predicted))
        .count();
  }

  /** Rows the killed driver labelled (its labels start with "killed-"). */
  static long killedRows() {
    return spark.table(TABLE).where(col("predicted_species").startsWith("killed-")).count();
  }

  static long nightRows() {
    return spark.table(TABLE).where(col("dt").equalTo(NIGHT)).count();
  }

  static Table table() throws Exception {
    Table t = Spark3Util.loadIcebergTable(spark, TABLE);
    t.refresh();
    return t;
  }

  static JsonNode manifest() throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(WORK + "/_nightshift/manifest-" + NIGHT + ".json");
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (var in = fs.open(p)) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  @Order(1)
  void aNightOnS3IsOneCommitOfTheJdbcCatalog() throws Exception {
    assertThat(night("s3-n1")).isEqualTo(0);
    assertThat(nightRows()).isEqualTo(342);
    assertThat(spark.table(TABLE + "_rejected").where(col("dt").equalTo(NIGHT)).count()).isEqualTo(2);
    JsonNode m = manifest();
    assertThat(m.at("/status").asText()).isEqualTo("ok");
    assertThat(m.at("/output/iceberg/data/metadata_location").asText()).startsWith("s3a://nightshift/warehouse/");
    assertThat(m.at("/output/iceberg/data/snapshot_id").asLong()).isEqualTo(table().currentSnapshot().snapshotId());
    assertThat(s3.isDirectory(BUCKET, "warehouse/nightshift/penguins/metadata")).isTrue();
  }

  @Test
  @Order(2)
  void aRerunReplacesTheNightInOneCommitOnTopOfTheLast() throws Exception {
    long before = table().currentSnapshot().snapshotId();
    assertThat(night("s3-n2")).isEqualTo(0);
    assertThat(nightRows()).isEqualTo(342);
    Snapshot now = table().currentSnapshot();
    assertThat(now.parentId()).isEqualTo(before);
    assertThat(now.summary()).containsEntry("nightshift.run-id", "s3-n2").containsEntry("deleted-records", "342");
    assertThat(manifest().at("/output/iceberg/data/rows_replaced").asLong()).isEqualTo(342);
  }

  @Test
  @Order(3)
  void aDriverKilledAfterStagingLeavesTheTableAsItWasAndTheNextRunCommits() throws Exception {
    long before = table().currentSnapshot().snapshotId();
    long rejectedBefore = Spark3Util.loadIcebergTable(spark, TABLE + "_rejected").currentSnapshot().snapshotId();
    // The real job in a driver JVM of its own, paused by the test hook once its night is staged and
    // checked, then killed with SIGKILL.
    List<String> cmd = childJvm();
    cmd.add("-Dnightshift.test.pause-at=staged");
    cmd.addAll(List.of(Nightshift.class.getName(), "run", "--config", CONFIG, "--set", "output.table=" + TABLE,
        "--set", "output.path=" + WORK, "--set", "run.id=s3-killed",
        "--set", "inference.outputs.output.labels=[killed-Chinstrap, killed-Adelie, killed-Gentoo]"));
    ProcessBuilder pb = env(new ProcessBuilder(cmd).directory(StandaloneCluster.ROOT.toFile())
        .redirectOutput(tmp.resolve("s3-killed.out").toFile()));
    Process p = pb.start();
    try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null && !line.contains("test hook paused at publish step 'staged'")) {
        // the driver's log, until the pause
      }
      assertThat(line).as("the driver paused after staging").isNotNull();
      assertThat(p.isAlive()).isTrue();
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }
    assertThat(p.exitValue()).isEqualTo(137);

    assertThat(table().currentSnapshot().snapshotId()).isEqualTo(before);
    assertThat(Spark3Util.loadIcebergTable(spark, TABLE + "_rejected").currentSnapshot().snapshotId())
        .isEqualTo(rejectedBefore);
    assertThat(nightRows()).isEqualTo(342);
    assertThat(killedRows()).isZero();

    assertThat(night("s3-n3")).isEqualTo(0);
    assertThat(table().currentSnapshot().parentId()).isEqualTo(before);
    assertThat(nightRows()).isEqualTo(342);
    assertThat(killedRows()).isZero();
  }

  @Test
  @Order(4)
  void twoDriversOfOneNightTheLaterCommitExits4AndTheNightHoldsTheFirstsRowsOnly() throws Exception {
    long before = table().currentSnapshot().snapshotId();
    Child a = Child.start("s3-race-a");
    Child b = Child.start("s3-race-b");
    try {
      assertThat(a.awaitStaged()).isEqualTo(342);
      assertThat(b.awaitStaged()).isEqualTo(342);
      // Both began at the same snapshot; b commits first.
      assertThat(b.commit()).isEqualTo(0);
      assertThat(a.commit()).isEqualTo(4);
    } finally {
      a.process.destroyForcibly();
      b.process.destroyForcibly();
    }
    assertThat(a.lastLine).startsWith("failed 4: output.table: another run committed to " + TABLE
        + " since snapshot " + before + ", so night " + NIGHT + " was not committed");
    assertThat(nightRows()).isEqualTo(342);
    assertThat(rows("s3-race-b")).isEqualTo(342);
    assertThat(rows("s3-race-a")).isZero();
    assertThat(table().currentSnapshot().parentId()).isEqualTo(before);
  }

  /** A driver JVM's command line up to its main class: this JVM's opens, the settings, the class path. */
  static List<String> childJvm() {
    List<String> cmd = new ArrayList<>(List.of(S3ProxyServer.javaBin(), "-Xmx768m"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:") || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j")) {
        cmd.add(a);
      }
    }
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-Dspark.master=local[1]");
    for (Map.Entry<String, String> e : settings.entrySet()) {
      cmd.add("-D" + e.getKey() + "=" + e.getValue());
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    return cmd;
  }

  /** S3 keys for a child: Spark copies them into fs.s3a.access.key/secret.key, off the command line. */
  static ProcessBuilder env(ProcessBuilder pb) {
    pb.environment().put("AWS_ACCESS_KEY_ID", s3.accessKey);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", s3.secretKey);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb;
  }

  /** A child driver ({@link IcebergNightChild}) in a JVM of its own. */
  static final class Child {
    final Process process;
    final BufferedReader out;
    String lastLine = "";

    private Child(Process process) {
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static Child start(String runId) throws IOException {
      List<String> cmd = childJvm();
      cmd.add(IcebergNightChild.class.getName());
      cmd.addAll(List.of(TABLE, WORK + "/_nightshift/staging/" + runId, NIGHT, runId));
      return new Child(env(new ProcessBuilder(cmd).redirectError(tmp.resolve(runId + ".log").toFile())).start());
    }

    /** Reads the child's output up to {@code staged N}; returns N. */
    long awaitStaged() throws IOException {
      String line;
      while ((line = out.readLine()) != null) {
        lastLine = line;
        if (line.startsWith("staged ")) {
          return Long.parseLong(line.substring("staged ".length()).trim());
        }
      }
      throw new IllegalStateException("the child ended before staging: " + lastLine);
    }

    /** Tells the child to commit; returns its exit code. */
    int commit() throws IOException, InterruptedException {
      OutputStream in = process.getOutputStream();
      in.write("commit\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      String line;
      while ((line = out.readLine()) != null) {
        lastLine = line;
      }
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
      return process.exitValue();
    }
  }
}
