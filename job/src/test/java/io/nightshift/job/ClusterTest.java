package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
 * Nightshift where its users run it: {@code deploy/submit.sh} on a real standalone cluster
 * ({@code deploy/cluster/start.sh}, 2 workers of 1 core, each executor a JVM of its own), input,
 * model and table on {@code s3a://} served by s3proxy with authentication on, launched with the
 * arguments the Airflow DAG passes ({@code deploy/airflow/nightly_args.json}). Runs in
 * {@code mvn verify} (it needs the packaged jar); every process it starts is stopped in
 * {@link #stop()}.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  static final Path ROOT = StandaloneCluster.ROOT;
  static final String BUCKET = "nightshift";
  /** Where conf/jobs/nightly-s3.yaml reads and writes. */
  static final String INPUT = "s3a://nightshift/input/penguins";
  static final String MODEL = "s3a://nightshift/models/penguins-classifier.onnx";
  static final String TABLE = "s3a://nightshift/tables/penguins_scored";
  static final String BIG_INPUT = "s3a://nightshift/input/penguins-big";
  /** The big input: the penguins this many times, in this many files (tasks). */
  static final int BIG_COPIES = 250;
  static final int BIG_PARTITIONS = 24;

  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static StandaloneCluster cluster;
  static SparkSession spark;
  static long started = System.nanoTime();

  @BeforeAll
  static void start() throws Exception {
    started = System.nanoTime();
    s3 = S3ProxyServer.start(tmp.resolve("s3"), BUCKET);
    StandaloneCluster.Starting starting = null;
    try {
      // The cluster starts while this JVM puts the model and the input on S3.
      starting = StandaloneCluster.launch(tmp.resolve("cluster"), 2);
      s3.awaitReady(Duration.ofMinutes(1));
      SparkSession.Builder b = SparkSession.builder()
          .master("local[2]")
          .appName("nightshift-cluster-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.hadoop.fs.s3a.access.key", s3.accessKey)
          .config("spark.hadoop.fs.s3a.secret.key", s3.secretKey);
      for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
        b = b.config("spark.hadoop." + e.getKey(), e.getValue());
      }
      spark = b.getOrCreate();
      // The model and the night's rows (with an id) go to S3 through S3A.
      org.apache.hadoop.fs.Path model = new org.apache.hadoop.fs.Path(MODEL);
      FileSystem fs = model.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Samples.penguinsClassifier().toUri()), model);
      Dataset<Row> penguins = spark.read().option("header", "true")
          .schema("species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
              + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
          .csv(Samples.penguinsCsv().toString())
          .coalesce(1)
          .withColumn("row_id", monotonically_increasing_id())
          .cache();
      penguins.repartition(8).write().parquet(INPUT);
      spark.range(BIG_COPIES).crossJoin(penguins)
          .withColumn("row_id", col("id").multiply(1000).plus(col("row_id")))
          .drop("id")
          .repartition(BIG_PARTITIONS)
          .write().parquet(BIG_INPUT);
      penguins.unpersist();
      cluster = starting.await();
    } catch (Throwable e) {
      if (cluster == null && starting != null) {
        starting.abort();
      }
      stop();
      throw e;
    }
    System.out.printf("cluster tests: setup took %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      try {
        if (cluster != null) {
          cluster.close();
        }
      } finally {
        if (s3 != null) {
          s3.close();
        }
        System.out.printf("cluster tests: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
      }
    }
  }

  /** S3 endpoint (not secret) and scheduling for the cluster; credentials travel in the environment. */
  static String submitOptions() {
    StringBuilder sb = new StringBuilder();
    s3.s3aSettings().forEach((k, v) -> sb.append(" --conf spark.hadoop.").append(k).append('=').append(v));
    // Both executors registered before the first task, so both get work.
    sb.append(" --conf spark.scheduler.minRegisteredResourcesRatio=1.0")
        .append(" --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s")
        .append(" --conf spark.executor.memory=640m")
        .append(" --conf spark.sql.shuffle.partitions=4");
    return sb.toString().trim();
  }

  static Map<String, String> credentials(String secret) {
    return Map.of("AWS_ACCESS_KEY_ID", s3.accessKey, "AWS_SECRET_ACCESS_KEY", secret);
  }

  static StandaloneCluster.Submitted submit(String name, List<String> args) throws Exception {
    long t = System.nanoTime();
    StandaloneCluster.Submitted r = cluster.submit(tmp.resolve("submit-" + name), null,
        credentials(s3.secretKey), submitOptions(), args);
    System.out.printf("cluster tests: submit %s exited %d in %.1f s%n", name, r.exitCode(), (System.nanoTime() - t) / 1e9);
    return r;
  }

  static List<String> with(List<String> args, String... sets) {
    List<String> out = new ArrayList<>(args);
    for (String s : sets) {
      out.add("--set");
      out.add(s);
    }
    return out;
  }

  static JsonNode manifest(String tableKey, String date) throws IOException {
    try (var in = s3.open(BUCKET, tableKey + "/_nightshift/manifest-" + date + ".json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static void assertNoSecret(String what, String text) {
    assertThat(text).as(what + " holds no secret").doesNotContain(s3.secretKey);
  }

  @Test
  @Order(1)
  void aNightOnTheClusterFromS3EqualsALocalRunWithOneSessionPerExecutor() throws Exception {
    List<String> args = NightlyArgs.forDate(ROOT, "2026-11-27");
    StandaloneCluster.Submitted r = submit("2026-11-27", args);
    assertThat(r.exitCode()).as(r.tail()).isEqualTo(0);

    // The same arguments on local[2] in this JVM, into another table.
    String local = "s3a://nightshift/tables/local_run";
    assertThat(Nightshift.execute(with(args, "output.path=" + local).toArray(String[]::new))).isEqualTo(0);

    String[] cols = {"row_id", "species", "island", "sex", "predicted_species", "dt"};
    Dataset<Row> onCluster = spark.read().parquet(TABLE).selectExpr(cols);
    Dataset<Row> onLocal = spark.read().parquet(local).selectExpr(cols);
    assertThat(onCluster.count()).isEqualTo(342);
    assertThat(onLocal.count()).isEqualTo(342);
    assertThat(onCluster.exceptAll(onLocal).count()).isZero();
    assertThat(onLocal.exceptAll(onCluster).count()).isZero();
    // (Spark skips a path named _rejected itself: read its partition.)
    assertThat(spark.read().parquet(TABLE + "/_rejected/dt=2026-11-27").count()).isEqualTo(2);

    JsonNode m = manifest("tables/penguins_scored", "2026-11-27");
    assertThat(m.at("/status").asText()).isEqualTo("ok");
    assertThat(m.at("/rows/read").asLong()).isEqualTo(344);
    // On a cluster the broadcast travels zstd-compressed (local mode ships the bytes as they are).
    assertThat(m.at("/model/distribution").asText()).isEqualTo("broadcast");
    assertThat(m.at("/model/shipped_bytes").asLong()).isLessThan(m.at("/model/size_bytes").asLong());
    JsonNode executors = m.at("/executors");
    assertThat(executors.size()).as("executors that scored: %s", executors).isEqualTo(2);
    for (JsonNode e : executors) {
      assertThat(e.at("/executorId").asText()).isNotEqualTo("driver");
      assertThat(e.at("/sessionsCreated").asLong()).as("ONNX sessions in executor %s", e).isEqualTo(1);
      assertThat(e.at("/rows").asLong()).as("rows scored by executor %s", e).isPositive();
    }
    assertNoSecret("stdout", r.stdout());
    assertNoSecret("stderr", r.stderr());
    assertNoSecret("manifest", m.toString());
  }

  @Test
  @Order(2)
  void rerunningANightOnS3ReplacesOnlyThatNightAndReadsAsATable() throws Exception {
    // Night 2026-11-27 is in the table from the cluster run; 2026-11-28 twice, with the DAG's
    // arguments, here on local[2] (a cluster submit costs a minute or more on 2 shared cores).
    List<String> args = NightlyArgs.forDate(ROOT, "2026-11-28");
    assertThat(Nightshift.execute(args.toArray(String[]::new))).isEqualTo(0);
    assertThat(Nightshift.execute(args.toArray(String[]::new))).isEqualTo(0);
    assertThat(s3.list(BUCKET, "tables/penguins_scored").stream().filter(n -> !n.startsWith("_")))
        .containsExactly("dt=2026-11-27", "dt=2026-11-28");
    assertThat(s3.exists(BUCKET, "tables/penguins_scored/_nightshift/manifest-2026-11-28.json")).isTrue();

    // The table as users query it (docs/deploy.md, "Results as tables").
    spark.sql("CREATE TABLE penguins_scored USING parquet LOCATION '" + TABLE + "'");
    try {
      spark.sql("MSCK REPAIR TABLE penguins_scored");
      Map<String, Long> perNight = spark.sql("SELECT dt, count(*) FROM penguins_scored GROUP BY dt")
          .collectAsList().stream().collect(Collectors.toMap(r -> r.get(0).toString(), r -> r.getLong(1)));
      assertThat(perNight).containsOnly(Map.entry("2026-11-27", 342L), Map.entry("2026-11-28", 342L));
      long gentoo = spark.sql("SELECT count(*) FROM penguins_scored "
          + "WHERE dt = '2026-11-28' AND predicted_species = 'Gentoo'").first().getLong(0);
      long gentooTrue = spark.read().parquet(TABLE).filter("dt = '2026-11-28' AND species = 'Gentoo'").count();
      assertThat(gentoo).isBetween((long) (gentooTrue * 0.9), (long) (gentooTrue * 1.1));
    } finally {
      spark.sql("DROP TABLE IF EXISTS penguins_scored");
    }
    assertNoSecret("executor logs", cluster.executorLogs());
    for (JsonNode m : List.of(manifest("tables/penguins_scored", "2026-11-27"), manifest("tables/penguins_scored", "2026-11-28"))) {
      assertNoSecret("manifest", m.toString());
    }
  }

  @Test
  @Order(3)
  void losingAnExecutorMidRunLosesNoRowAndDuplicatesNone() throws Exception {
    String out = "s3a://nightshift/tables/lost_executor";
    List<String> args = with(NightlyArgs.forDate(ROOT, "2026-11-29"),
        "input.path=" + BIG_INPUT, "output.path=" + out, "inference.batch-size=4");
    long t = System.nanoTime();
    StandaloneCluster.Running running = cluster.submitAsync(tmp.resolve("submit-lost"), null,
        credentials(s3.secretKey), submitOptions(), args);
    String staging = "tables/lost_executor/_nightshift/staging";
    ProcessHandle victim = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (victim == null && System.nanoTime() < deadline && running.process().isAlive()) {
      // Once a task has written its file, the others are mid-flight: kill an executor then.
      if (s3.countFiles(BUCKET, staging, "part-") > 0) {
        List<ProcessHandle> executors = cluster.executors();
        if (!executors.isEmpty()) {
          victim = executors.get(0);
          assertThat(victim.destroyForcibly()).isTrue();
        }
      }
      Thread.onSpinWait();
      running.process().waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    assertThat(victim).as("an executor was killed while the job ran").isNotNull();
    long killedAt = System.nanoTime();
    StandaloneCluster.Submitted r = running.await(Duration.ofMinutes(4));
    System.out.printf("cluster tests: lost-executor run %.1f s (executor %d killed after %.1f s)%n",
        (System.nanoTime() - t) / 1e9, victim.pid(), (killedAt - t) / 1e9);
    assertThat(r.exitCode()).as(r.tail()).isEqualTo(0);
    assertThat(victim.isAlive()).isFalse();

    Dataset<Row> input = spark.read().parquet(BIG_INPUT).select("row_id");
    Dataset<Row> ids = spark.read().parquet(out).select("row_id")
        .union(spark.read().parquet(out + "/_rejected/dt=2026-11-29").select("row_id"));
    long inputRows = (long) BIG_COPIES * 344;
    assertThat(input.count()).isEqualTo(inputRows);
    assertThat(ids.count()).as("rows written + rejected").isEqualTo(inputRows);
    assertThat(ids.distinct().count()).as("distinct ids").isEqualTo(inputRows);
    assertThat(input.exceptAll(ids).count()).as("input ids missing from the output").isZero();

    JsonNode m = manifest("tables/lost_executor", "2026-11-29");
    assertThat(m.at("/status").asText()).isEqualTo("ok");
    assertThat(m.at("/rows/read").asLong()).isEqualTo(inputRows);
    assertThat(m.at("/failed_task_attempts").asLong()).as("task attempts lost with the executor").isGreaterThan(0);
    assertNoSecret("stderr", r.stderr());
  }

  @Test
  @Order(4)
  void wrongCredentialsFailFastWithAClearMessageAndNoSecret() throws Exception {
    String wrong = "wrong-secret-" + UUID.randomUUID();
    List<String> args = with(NightlyArgs.forDate(ROOT, "2026-11-30"),
        "output.path=s3a://nightshift/tables/wrong_credentials");
    long t = System.nanoTime();
    // The driver alone (local[1]) finds out before anything runs on the cluster.
    StandaloneCluster.Submitted r = cluster.submit(tmp.resolve("submit-wrong"), "local[1]",
        credentials(wrong), submitOptions(), args);
    double secs = (System.nanoTime() - t) / 1e9;
    System.out.printf("cluster tests: wrong credentials failed in %.1f s%n", secs);
    assertThat(r.exitCode()).as(r.tail()).isEqualTo(2);
    assertThat(r.stderr()).contains("nightshift: input.path: cannot reach " + INPUT).contains("403");
    assertThat(secs).as("seconds to fail").isLessThan(90);
    for (String text : List.of(r.stdout(), r.stderr())) {
      assertThat(text).doesNotContain(wrong).doesNotContain(s3.secretKey);
    }
    assertThat(s3.exists(BUCKET, "tables/wrong_credentials")).isFalse();
  }
}
