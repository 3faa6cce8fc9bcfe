package io.nightshift.bench.peer;

import com.microsoft.azure.synapse.ml.onnx.ONNXModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times SynapseML's ONNXModel over a Parquet file on local[2] into Spark's noop sink. First one
 * untimed run per mini-batch size over the probe data, keeps the fastest size, then a warm-up and
 * {@code --runs} timed runs over the main data. Prints one machine-readable line per measurement:
 *
 * <pre>SYNAPSEML probe label=L batch=B rows=N ms=T
 * SYNAPSEML result label=L batch=B rows=N ms=T1,T2,T3 cpu_ms=C1,C2,C3</pre>
 *
 * (cpu_ms: CPU time of the whole JVM during each run.)
 *
 * Arguments: --label L --model FILE --data DIR --probe DIR --input NAME[,NAME...] --column COL[,COL...]
 * --output NAME [--runs 3] [--batches 10,512,4096]. Several inputs (MiniLM: input_ids, attention_mask,
 * token_type_ids) are fed from the columns at the same positions.
 */
public final class SynapseBench {
  private SynapseBench() {}

  public static void main(String[] args) {
    String label = null, model = null, data = null, probe = null, input = "features", column = "features";
    String output = "probabilities", batches = "10,512,4096";
    int runs = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--label" -> label = v;
        case "--model" -> model = v;
        case "--data" -> data = v;
        case "--probe" -> probe = v;
        case "--input" -> input = v;
        case "--column" -> column = v;
        case "--output" -> output = v;
        case "--runs" -> runs = Integer.parseInt(v);
        case "--batches" -> batches = v;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("synapseml-peer")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    int best = -1;
    long bestMs = Long.MAX_VALUE;
    for (String b : batches.split(",")) {
      int size = Integer.parseInt(b.trim());
      long rows = spark.read().parquet(probe).count();
      long ms = time(spark, model, probe, input, column, output, size);
      System.out.printf("SYNAPSEML probe label=%s batch=%d rows=%d ms=%d%n", label, size, rows, ms);
      if (ms < bestMs) {
        bestMs = ms;
        best = size;
      }
    }
    long rows = spark.read().parquet(data).count();
    time(spark, model, data, input, column, output, best); // warm-up
    List<String> times = new ArrayList<>();
    List<String> cpu = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      long c = cpuNanos();
      times.add(Long.toString(time(spark, model, data, input, column, output, best)));
      cpu.add(Long.toString((cpuNanos() - c) / 1_000_000));
    }
    System.out.printf("SYNAPSEML result label=%s batch=%d rows=%d ms=%s cpu_ms=%s%n",
        label, best, rows, String.join(",", times), String.join(",", cpu));
    spark.stop();
  }

  /** CPU time of this JVM, all threads (ONNX Runtime's native ones too). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** One job: Parquet in, ONNXModel, noop out; wall time in ms. The model is loaded inside, as a user's job would. */
  private static long time(
      SparkSession spark, String model, String data, String input, String column, String output, int batch) {
    long start = System.nanoTime();
    ONNXModel onnx = new ONNXModel();
    onnx.setModelLocation(model);
    String[] inputs = input.split(",");
    String[] columns = column.split(",");
    if (inputs.length != columns.length) {
      throw new IllegalArgumentException("--input " + input + " and --column " + column + " differ in length");
    }
    java.util.HashMap<String, String> feed = new java.util.HashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      feed.put(inputs[i], columns[i]);
    }
    onnx.setFeedDict(feed);
    onnx.setFetchDict(output, output);
    onnx.setMiniBatchSize(batch);
    Dataset<Row> in = spark.read().parquet(data);
    onnx.transform(in).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - start) / 1_000_000;
  }
}
