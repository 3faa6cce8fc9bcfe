package io.nightshift.bench;

import io.nightshift.arrow.Allocators;
import io.nightshift.job.Nightshift;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.apache.spark.sql.SparkSession;

/**
 * The child JVM of {@link MemoryBench}: one real job over {@code --data} read as
 * {@code --partitions} partitions, then one line {@code MEMORY key=value ...} with the JVM's peak
 * RSS, Arrow's peak allocation and NMT's committed total.
 */
public final class MemoryRun {
  private MemoryRun() {}

  public static void main(String[] args) throws Exception {
    String data = null, model = null, out = null;
    int partitions = 4;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--data" -> data = args[i + 1];
        case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
        case "--model" -> model = args[i + 1];
        case "--out" -> out = args[i + 1];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    long bytes = BenchData.bytes(Path.of(data));
    // Spark packs the files into splits of at most this size: bytes / partitions gives ~partitions splits.
    long split = Math.max(1, bytes / partitions);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("nightshift-bench-memory")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.files.maxPartitionBytes", Long.toString(split + 1024))
            .config("spark.sql.files.openCostInBytes", "0")
            .config("spark.sql.files.minPartitionNum", Integer.toString(partitions))
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    long rows = spark.read().parquet(data).count();
    int actual = spark.read().parquet(data).rdd().getNumPartitions();
    Path job = Files.createTempFile("memory-job", ".yaml");
    Files.writeString(job, String.join("\n",
        "input:", "  path: " + data, "  format: parquet",
        "model:", "  uri: " + model, "  device: cpu",
        "inference:", "  batch-size: 1024", "  inputs:", "    features:", "      columns: [features]",
        "  outputs:", "    probabilities:", "      column: probabilities",
        "output:", "  path: " + out, "  format: parquet", "  pass-through: [id]", "  mode: overwrite",
        "run:", "  date: 2026-01-01", ""));
    long start = System.nanoTime();
    int code = Nightshift.execute(new String[] {"run", "--config", job.toString()});
    double seconds = (System.nanoTime() - start) / 1e9;
    System.gc();
    long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.printf(
        "MEMORY partitions=%d rows=%d exit=%d seconds=%.1f vmhwm_kb=%d arrow_peak_bytes=%d nmt_committed_kb=%d "
            + "nmt_heap_committed_kb=%d heap_used_bytes=%d%n",
        actual, rows, code, seconds, vmHwmKb(), Allocators.root().getPeakMemoryAllocation(),
        nmtCommittedKb("Total: reserved=\\d+KB, committed=(\\d+)KB"),
        nmtCommittedKb("Java Heap \\(reserved=\\d+KB, committed=(\\d+)KB"), heapUsed);
    spark.stop();
    System.exit(code);
  }

  private static long vmHwmKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** A committed figure of NMT's summary (through the DiagnosticCommand MBean); -1 when off. */
  private static long nmtCommittedKb(String pattern) {
    try {
      Object text =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                  new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
      Matcher m = Pattern.compile(pattern).matcher(text.toString());
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (Exception e) {
      return -1;
    }
  }
}
