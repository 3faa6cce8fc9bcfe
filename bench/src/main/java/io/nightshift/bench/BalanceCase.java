package io.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The planned-partition goal of issue 14 §1: the sample embeddings job ({@code
 * conf/jobs/sample-embeddings.yaml}, 6,046 mails in one JSON file, MiniLM fp32, Parquet out) run
 * with {@code inference.partitioning: input} and {@code auto}, alternately, on local[2]. Reports
 * both wall times, the {@code balance.idle_share} of the {@code auto} runs' manifests and whether
 * the two outputs hold the same rows. When the build has no {@code inference.partitioning} key
 * (looked up among {@code JobProperties}' constants), the case does not run and says so.
 */
final class BalanceCase {
  static final String MODEL = "embeddings-sample";
  static final String INPUT = "nightshift partitioning input";
  static final String AUTO = "nightshift partitioning auto";
  static final String IDLE_SHARE = "idle_share (median of the auto runs)";
  static final String IDENTICAL = "outputs identical";
  static final String KEY = "inference.partitioning";
  private static final String DATE = "2026-11-28";

  private BalanceCase() {}

  /** Whether {@code io.nightshift.config.JobProperties} declares the key {@value #KEY}. */
  static boolean available() {
    try {
      for (Field f : Class.forName("io.nightshift.config.JobProperties").getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && KEY.equals(f.get(null))) {
          return true;
        }
      }
      return false;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** Timed runs per setting: 3 in --full, 1 in --quick, none in --tiny (about 60-85 s a run). */
  static int runs(Bench.Options o) {
    return switch (o.mode()) {
      case "full" -> 3;
      case "quick" -> 1;
      default -> 0;
    };
  }

  static List<Result> run(SparkSession spark, Bench.Options o, List<Figure> figures) throws Exception {
    int runs = runs(o);
    if (runs == 0) {
      return List.of(Result.notRun(MODEL, INPUT, "not run in --" + o.mode() + " (the whole 6,046-mail sample: "
          + "about 3 minutes a pair of runs)"));
    }
    if (!available()) {
      return List.of(Result.notRun(MODEL, INPUT, "not available: this build has no " + KEY + " key"));
    }
    Path sample = o.root().resolve("conf/jobs/sample-embeddings.yaml");
    String yaml = Files.readString(sample);
    Path inputJob = job(o, yaml, "input");
    Path autoJob = job(o, yaml, "auto");
    long rows = -1;
    long[][] ns = new long[2][runs];
    long[][] cpu = new long[2][runs];
    List<Double> idle = new ArrayList<>();
    // Alternate the two settings, so that other load on the machine falls on both alike.
    for (int i = 0; i < runs; i++) {
      for (int s = 0; s < 2; s++) {
        Path job = s == 0 ? inputJob : autoJob;
        long c = Bench.cpuNanos();
        long t = System.nanoTime();
        Bench.runJob(job);
        ns[s][i] = System.nanoTime() - t;
        cpu[s][i] = Bench.cpuNanos() - c;
        JsonNode manifest = manifest(o, s == 0 ? "input" : "auto");
        rows = manifest.path("rows").path("read").asLong();
        if (s == 1) {
          JsonNode share = manifest.path("balance").path("idle_share");
          idle.add(share.isNumber() ? share.asDouble() : Double.NaN);
        }
        Bench.log("%s %s run %d: %.1f s", MODEL, s == 0 ? "input" : "auto", i, ns[s][i] / 1e9);
      }
    }
    String note = String.format("conf/jobs/sample-embeddings.yaml (%,d mails, one JSON file, MiniLM fp32, "
        + "Parquet out) with %s: ", rows, KEY);
    List<Result> out = List.of(
        new Result(MODEL, INPUT, rows, ns[0], cpu[0], note + "input (Spark's splits)"),
        new Result(MODEL, AUTO, rows, ns[1], cpu[1], note + "auto (planned by cost)"));
    double[] sorted = idle.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = sorted[sorted.length / 2];
    figures.add(new Figure(MODEL, IDLE_SHARE, median,
        Double.isNaN(median) ? "the manifest has no balance.idle_share" : "balance.idle_share of the auto runs: "
            + Arrays.toString(idle.stream().map(d -> String.format("%.3f", d)).toArray())));
    figures.add(identical(spark, o));
    return out;
  }

  /** Whether the last input and auto runs wrote the same rows (every column but dt, bit for bit). */
  private static Figure identical(SparkSession spark, Bench.Options o) {
    Dataset<Row> a = spark.read().parquet(out(o, "input").toString()).drop("dt");
    Dataset<Row> b = spark.read().parquet(out(o, "auto").toString()).drop("dt").select(
        Arrays.stream(a.columns()).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
    long ca = a.count();
    long cb = b.count();
    long onlyA = a.exceptAll(b).count();
    long onlyB = b.exceptAll(a).count();
    boolean same = ca == cb && onlyA == 0 && onlyB == 0;
    return new Figure(MODEL, IDENTICAL, same ? 1 : 0, String.format(
        "%,d and %,d rows; %,d only in input's output, %,d only in auto's", ca, cb, onlyA, onlyB));
  }

  private static Path out(Bench.Options o, String setting) {
    return o.work().resolve("out").resolve("embeddings-sample-" + setting);
  }

  private static JsonNode manifest(Bench.Options o, String setting) throws IOException {
    return new ObjectMapper().readTree(out(o, setting).resolve("_nightshift/manifest-" + DATE + ".json").toFile());
  }

  /** The sample job with absolute paths, its output in the bench's work folder, and the setting. */
  static Path job(Bench.Options o, String sample, String setting) throws IOException {
    String samples = o.root().resolve("data-samples/target/samples").toAbsolutePath() + "/";
    String key = KEY.substring("inference.".length());
    String yaml = sample.replace("data-samples/target/samples/", samples)
        .replace("path: target/nightshift-out/mail-embeddings", "path: " + out(o, setting).toAbsolutePath())
        .replaceAll("(?m)^  date: .*$", "  date: " + DATE);
    // The sample may set the key itself one day: then its value is replaced, else the key is added.
    yaml = yaml.matches("(?s).*\n  " + key + ":.*")
        ? yaml.replaceAll("(?m)^  " + key + ":.*$", "  " + key + ": " + setting)
        : yaml.replace("\ninference:\n", "\ninference:\n  " + key + ": " + setting + "\n");
    if (!yaml.contains(out(o, setting).toAbsolutePath().toString()) || !yaml.contains("partitioning: " + setting)) {
      throw new IllegalStateException("conf/jobs/sample-embeddings.yaml changed shape: cannot make the " + setting + " job");
    }
    Files.createDirectories(o.work().resolve("jobs"));
    Path file = o.work().resolve("jobs").resolve("embeddings-sample-" + setting + ".yaml");
    Files.writeString(file, "# Generated by the benchmark harness from conf/jobs/sample-embeddings.yaml\n" + yaml);
    return file;
  }
}
