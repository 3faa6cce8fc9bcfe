package io.nightshift.bench;

import io.nightshift.samples.Samples;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One Nightshift case, repeated, for profiling (run it under JFR; see docs/bench.md):
 * {@code ProfileRun small|medium ROWS array|columns noop|parquet RUNS}.
 */
public final class ProfileRun {
  private ProfileRun() {}

  public static void main(String[] args) throws Exception {
    boolean small = args[0].equals("small");
    long rows = Long.parseLong(args[1]);
    BenchData.Layout layout = args[2].startsWith("arr") ? BenchData.Layout.ARRAY : BenchData.Layout.COLUMNS;
    boolean parquet = args[3].equals("parquet");
    int runs = Integer.parseInt(args[4]);
    Path root = Samples.root();
    Bench.Options o = new Bench.Options("profile", rows, rows, 0, runs, 1024, root,
        root.resolve("bench/target/work/profile"), null, null, true);
    Bench.Model m = small
        ? new Bench.Model("small", Samples.mlpSmall(), 32, "features", "probabilities")
        : new Bench.Model("medium", Samples.mlpMedium(), 64, "features", "probabilities");
    SparkSession spark = Bench.session();
    Path data = BenchData.ensure(spark, o.dataRoot(), m.width(), rows, layout, 8);
    Path job = NightshiftJob.write(o, m, data, layout, parquet);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      long cpu = os.getProcessCpuTime();
      if (io.nightshift.job.Nightshift.execute(new String[] {"run", "--config", job.toString()}) != 0) {
        throw new IllegalStateException("run failed");
      }
      double s = (System.nanoTime() - t) / 1e9;
      double c = (os.getProcessCpuTime() - cpu) / 1e9;
      Bench.log("run %d: %.2f s, %,.0f rows/s, %.2f CPU-s, %,.0f rows per CPU-s", i, s, rows / s, c, rows / c);
    }
    spark.stop();
  }
}
