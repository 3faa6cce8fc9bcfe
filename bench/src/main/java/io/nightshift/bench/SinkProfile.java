package io.nightshift.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;

import io.nightshift.samples.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;

/**
 * Where the Parquet sink's time goes ({@code bench/run.sh --sink-profile}): the medium MLP over
 * 1M and 10M rows ({@code --sink-profile-quick}: 100k and 1M), a whole Nightshift job with the
 * noop sink and with the Parquet sink ({@code id} passed through), and Spark alone reading the same
 * rows and writing {@code id} plus a 2-float array to noop and to Parquet, and {@code id} plus two
 * float columns to Parquet (no model). A listener
 * times each Spark job of a run (its call site, wall time, task time), so a run splits into the
 * jobs (input listing, sampled checks, score + write, recount from disk, ...) and the driver's
 * work after each (model reading and broadcast, the write's job commit, publish, manifest). Two
 * sizes tell a fixed cost per run from a cost per row. Writes {@code sink-profile.md}.
 */
final class SinkProfile {
  /** One Spark job of a run: its call site, start and end (epoch ms), summed task run time (ms). */
  record Job(String site, long start, long end, long taskMs) {}

  /** One timed run: wall start and end (epoch ms) and its Spark jobs in start order. */
  record Run(long start, long end, List<Job> jobs) {
    double wallSeconds() {
      return (end - start) / 1e3;
    }
  }

  /** Records the jobs of the current run. Thread-safe (Spark's listener bus calls it). */
  static final class Jobs extends SparkListener {
    private final Map<Integer, long[]> started = new ConcurrentHashMap<>();
    private final Map<Integer, String> sites = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
    private final Map<Integer, Long> taskMs = new ConcurrentHashMap<>();
    private final List<Job> done = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(SparkListenerJobStart s) {
      started.put(s.jobId(), new long[] {s.time()});
      List<StageInfo> stages = scala.jdk.javaapi.CollectionConverters.asJava(s.stageInfos());
      StageInfo last = null;
      for (StageInfo st : stages) {
        jobOfStage.put(st.stageId(), s.jobId());
        if (last == null || st.stageId() > last.stageId()) {
          last = st;
        }
      }
      // The final stage's name is the job's call site, e.g. "parquet at NightlyRun.java:263".
      sites.put(s.jobId(), last == null ? "?" : last.name());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd t) {
      Integer job = jobOfStage.get(t.stageId());
      if (job != null && t.taskMetrics() != null) {
        taskMs.merge(job, t.taskMetrics().executorRunTime(), Long::sum);
      }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
      long[] s = started.remove(e.jobId());
      if (s != null) {
        done.add(new Job(sites.getOrDefault(e.jobId(), "?"), s[0], e.time(), taskMs.getOrDefault(e.jobId(), 0L)));
      }
    }

    void clear() {
      done.clear();
    }

    List<Job> jobs() {
      synchronized (done) {
        List<Job> j = new ArrayList<>(done);
        j.sort((a, b) -> Long.compare(a.start(), b.start()));
        return j;
      }
    }
  }

  private SinkProfile() {}

  static void run(Path root, Path results, boolean quick) throws Exception {
    long[] sizes = quick ? new long[] {100_000, 1_000_000} : new long[] {1_000_000, 10_000_000};
    int warmups = 1;
    int runs = 3;
    Bench.Options o = new Bench.Options(quick ? "sink-profile-quick" : "sink-profile", sizes[0], sizes[0], warmups,
        runs, 1024, root, results, null, null, false);
    Bench.Model m = new Bench.Model("medium", Samples.mlpMedium(), 64, "features", "probabilities");
    SparkSession spark = Bench.session();
    Jobs listener = new Jobs();
    spark.sparkContext().addSparkListener(listener);
    String loadBefore = Bench.load();
    long begin = System.nanoTime();
    Map<String, List<Run>> all = new LinkedHashMap<>();
    try {
      for (long rows : sizes) {
        Path data = BenchData.ensure(spark, o.dataRoot(), m.width(), rows, BenchData.Layout.ARRAY, 8);
        Bench.Options sized = new Bench.Options(o.mode(), rows, rows, warmups, runs, 1024, root, results, null, null,
            false);
        Path out = o.work().resolve("out/sink-profile-spark");
        for (String sink : List.of("noop", "parquet")) {
          Path job = NightshiftJob.write(sized, m, data, BenchData.Layout.ARRAY, sink.equals("parquet"));
          all.put(key(rows, "nightshift " + sink), timed(listener, warmups, runs, () -> Bench.runJob(job)));
          Bench.log("sink profile %,d rows, nightshift %s: median %.2f s", rows, sink,
              median(all.get(key(rows, "nightshift " + sink))).wallSeconds());
        }
        // Spark alone, no model: id and two floats of each row, as the job writes them (a 2-float array)
        // and as two float columns, into noop and into Parquet.
        for (String sink : List.of("noop", "parquet", "parquet (2 float columns)")) {
          all.put(key(rows, "spark alone " + sink), timed(listener, warmups, runs, () -> {
            var rowsIn = spark.read().parquet(data.toString());
            var two = sink.contains("columns")
                ? rowsIn.select(col("id"), col("features").getItem(0).as("p0"), col("features").getItem(1).as("p1"))
                : rowsIn.select(col("id"),
                    array(col("features").getItem(0), col("features").getItem(1)).as("probabilities"));
            var w = two.write().mode("overwrite");
            if (sink.equals("noop")) {
              w.format("noop").save();
            } else {
              w.parquet(out.toString());
            }
          }));
        }
      }
    } finally {
      spark.stop();
    }
    String md = report(all, sizes, warmups, runs, loadBefore, Bench.load(),
        Math.round((System.nanoTime() - begin) / 1e9), quick);
    Files.createDirectories(results);
    Files.writeString(results.resolve("sink-profile.md"), md);
    System.out.println(md);
    Bench.log("report: %s", results.resolve("sink-profile.md"));
  }

  private static String key(long rows, String what) {
    return rows + " " + what;
  }

  private static List<Run> timed(Jobs listener, int warmups, int runs, Bench.Body body) throws Exception {
    for (int i = 0; i < warmups; i++) {
      body.run();
    }
    List<Run> out = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      listener.clear();
      long start = System.currentTimeMillis();
      body.run();
      long end = System.currentTimeMillis();
      out.add(new Run(start, end, listener.jobs()));
    }
    return out;
  }

  static Run median(List<Run> runs) {
    List<Run> s = new ArrayList<>(runs);
    s.sort((a, b) -> Long.compare(a.end() - a.start(), b.end() - b.start()));
    return s.get(s.size() / 2);
  }

  /**
   * The run's phases in order, seconds: the driver's time before the first job, each job, and the
   * driver's time after each job (until the next one starts, or the run ends), named by that job.
   */
  static Map<String, Double> phases(Run r) {
    Map<String, Double> p = new LinkedHashMap<>();
    long at = r.start();
    String last = null;
    for (Job j : r.jobs()) {
      if (j.start() > at) {
        p.merge(last == null ? "driver first" : "driver after " + last, (j.start() - at) / 1e3, Double::sum);
      }
      p.merge("job " + j.site(), (j.end() - Math.max(j.start(), at)) / 1e3, Double::sum);
      at = Math.max(at, j.end());
      last = j.site();
    }
    p.merge(last == null ? "driver only" : "driver after " + last + " (to the end)", Math.max(0, r.end() - at) / 1e3,
        Double::sum);
    return p;
  }

  private static String report(Map<String, List<Run>> all, long[] sizes, int warmups, int runs, String loadBefore,
      String loadAfter, long seconds, boolean quick) {
    StringBuilder md = new StringBuilder("# The Parquet sink's cost (medium MLP)\n\n");
    md.append("Made by `bench/run.sh --sink-profile").append(quick ? "-quick" : "").append("` at ")
        .append(Instant.now()).append(" in ").append(seconds).append(" s. Load average before: `").append(loadBefore)
        .append("`, after: `").append(loadAfter).append("`. ").append(warmups).append(" warm-up, ").append(runs)
        .append(" timed runs per case; the phases are those of the median run. Spark jobs are named by their "
            + "call site; overlapping jobs are counted once.\n\n");
    md.append("| rows | case | wall s min | wall s median | rows/s median | phases of the median run (s) |\n");
    md.append("|---:|---|---:|---:|---:|---|\n");
    for (var e : all.entrySet()) {
      long rows = Long.parseLong(e.getKey().substring(0, e.getKey().indexOf(' ')));
      double[] walls = e.getValue().stream().mapToDouble(Run::wallSeconds).sorted().toArray();
      Run med = median(e.getValue());
      List<String> ph = new ArrayList<>();
      phases(med).forEach((k, v) -> ph.add(String.format("%s %.2f", k, v)));
      md.append(String.format("| %,d | %s | %.2f | %.2f | %,.0f | %s |%n", rows, e.getKey().substring(e.getKey()
          .indexOf(' ') + 1), walls[walls.length - 1], med.wallSeconds(), rows / med.wallSeconds(),
          String.join("; ", ph)));
    }
    md.append("\n## Fixed cost per run against cost per row\n\n");
    md.append("The Parquet sink's extra wall time over noop, at both sizes; a straight line through the two "
        + "points splits it into a fixed part per run and a part per row.\n\n");
    for (String[] pair : new String[][] {{"nightshift parquet", "nightshift noop"},
        {"spark alone parquet", "spark alone noop"}, {"spark alone parquet (2 float columns)", "spark alone noop"}}) {
      String who = pair[0];
      double[] extra = new double[2];
      for (int i = 0; i < 2; i++) {
        extra[i] = median(all.get(key(sizes[i], pair[0]))).wallSeconds()
            - median(all.get(key(sizes[i], pair[1]))).wallSeconds();
      }
      double perRow = (extra[1] - extra[0]) / (sizes[1] - sizes[0]);
      double fixed = extra[0] - perRow * sizes[0];
      md.append(String.format("- %s − noop: %.2f s at %,d rows, %.2f s at %,d rows → **fixed %.2f s per run, "
          + "%.3f µs per row**%n", who, extra[0], sizes[0], extra[1], sizes[1], fixed, perRow * 1e6));
    }
    md.append("\nPer run, jobs of the median run (task time is summed over both cores):\n\n");
    for (var e : all.entrySet()) {
      if (!e.getKey().contains("nightshift")) {
        continue;
      }
      Run med = median(e.getValue());
      List<String> jobs = new ArrayList<>();
      for (Job j : med.jobs()) {
        jobs.add(String.format("%s %.2f s (tasks %.2f s)", j.site(), (j.end() - j.start()) / 1e3, j.taskMs() / 1e3));
      }
      md.append("- ").append(e.getKey()).append(": ").append(jobs.isEmpty() ? "none" : String.join("; ", jobs))
          .append('\n');
    }
    return md.toString();
  }
}
