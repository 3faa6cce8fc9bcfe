package io.nightshift.bench;

import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench/run.sh --memory}: a real job (Parquet in, Parquet out, small MLP) over 5M rows in a
 * child JVM whose heap is capped at 1 GB, once with the data read as 4 partitions and once as 64.
 * Reports each child's peak RSS (VmHWM), Arrow's peak off-heap allocation and NMT's committed
 * total, in {@code memory.md} beside the speed report.
 */
final class MemoryBench {
  private MemoryBench() {}

  static void run(Path root, Path results, boolean quick) throws Exception {
    long rows = quick ? 500_000 : 5_000_000;
    Path dataRoot = root.resolve("bench/target/data");
    Path data;
    SparkSession spark = Bench.session();
    try {
      data = BenchData.ensure(spark, dataRoot, 32, rows, BenchData.Layout.ARRAY, 64);
    } finally {
      spark.stop();
    }
    String loadBefore = Bench.load();
    List<String[]> rowsOut = new ArrayList<>();
    for (int partitions : new int[] {4, 64}) {
      Path out = root.resolve("bench/target/work/memory-out/p" + partitions);
      Path log = root.resolve("bench/target/work/logs/memory-p" + partitions + ".log");
      List<String> lines =
          ChildJvm.run(
              List.of("-Xmx1g", "-XX:NativeMemoryTracking=summary", "-Dnightshift.root=" + root),
              System.getProperty("java.class.path"),
              MemoryRun.class.getName(),
              List.of("--data", data.toString(), "--partitions", Integer.toString(partitions),
                  "--model", Samples.mlpSmall().toString(), "--out", out.toString()),
              log,
              15);
      for (String l : lines) {
        if (l.startsWith("MEMORY ")) {
          Bench.log("%s", l);
          rowsOut.add(l.substring(7).split(" "));
        }
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Nightshift memory check, ").append(results.getFileName()).append("\n\n");
    md.append(String.format(
        "Made by `bench/run.sh --memory%s`. A real job (Parquet in, Parquet out, small MLP, batch-size 1024) "
            + "over %,d rows of 32 floats, in a child JVM with `-Xmx1g` (local[2]: driver = executor), "
            + "read once as 4 and once as 64 partitions of the same files. Load average before: `%s`.%n%n",
        quick ? "-quick" : "", rows, loadBefore));
    md.append("| partitions | rows/partition | exit | wall s | peak RSS (VmHWM) MiB | Arrow peak off-heap KiB "
        + "| NMT committed at end MiB | of which Java heap MiB | heap used at end MiB |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String[] kv : rowsOut) {
      java.util.Map<String, String> m = new java.util.HashMap<>();
      for (String s : kv) {
        int eq = s.indexOf('=');
        m.put(s.substring(0, eq), s.substring(eq + 1));
      }
      md.append(String.format("| %s | %,d | %s | %s | %d | %d | %d | %d | %d |%n",
          m.get("partitions"), Long.parseLong(m.get("rows")) / Math.max(1, Long.parseLong(m.get("partitions"))),
          m.get("exit"), m.get("seconds"), Long.parseLong(m.get("vmhwm_kb")) / 1024,
          Long.parseLong(m.get("arrow_peak_bytes")) / 1024, Long.parseLong(m.get("nmt_committed_kb")) / 1024,
          Long.parseLong(m.get("nmt_heap_committed_kb")) / 1024,
          Long.parseLong(m.get("heap_used_bytes")) >> 20));
    }
    Files.createDirectories(results);
    Files.writeString(results.resolve("memory.md"), md.toString());
    System.out.println(md);
    Bench.log("memory report: %s", results.resolve("memory.md"));
  }
}
