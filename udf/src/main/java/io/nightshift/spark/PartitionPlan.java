package io.nightshift.spark;

import io.nightshift.config.Enums.Partitioning;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.config.JobProperties;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a night's rows are cut into tasks, planned once on the driver before scoring
 * ({@code inference.partitioning}). The slowest task sets a night's wall time, so with {@code
 * auto} the plan compares the input's splits with the task slots Spark has (executors × cores ÷
 * {@code spark.task.cpus}, or the local master's threads) and, when they leave slots idle, spreads
 * the rows over {@value #PARTITIONS_PER_SLOT} × slots partitions before scoring.
 *
 * <ul>
 *   <li><b>Text models</b>: a row costs its text's UTF-8 bytes, capped at {@code max-length} tokens
 *       of {@value #BYTES_PER_TOKEN} bytes (the model never sees more), plus {@value #ROW_BYTES}. One
 *       small Spark job sums the cost of each input split; the rows are redistributed when an even
 *       spread would shorten the estimated scoring time (splits handed in order to the first free
 *       slot, as Spark does) by at least {@value #TEXT_MIN_GAIN}.
 *   <li><b>Tabular models</b>: rows cost alike, so a split costs its bytes, and {@code n} splits on
 *       {@code s} slots take ceil(n/s) waves. When the splits of a file input are not a multiple
 *       of the slots, the input is planned again with other split sizes (no Spark job, no shuffle:
 *       {@link #waves}) and read in the cut that saves the most estimated scoring time, if at least
 *       {@value #WAVE_MIN_GAIN} of it. Otherwise the rows are redistributed only when at most half
 *       the slots would get a split: for a cheap model the shuffle costs about as much per row as
 *       scoring it. Either way the scan's columnar fast path is kept unless rows are dealt.
 * </ul>
 *
 * <p>The redistribution deals each split's rows round robin over the partitions (Spark's {@code
 * repartition(n)}), so partitions differ by at most one row per split. Spark sorts each split by
 * its rows' bytes before dealing, so a retried task deals the same rows to the same partitions;
 * {@code auto} and {@code input} write the same rows, and a row's result does not depend on its
 * partition.
 *
 * <p>An immutable value of the driver; not serializable (it holds the {@link Dataset} to score).
 */
public record PartitionPlan(
    Dataset<Row> rows,
    Partitioning partitioning,
    int slots,
    int inputPartitions,
    int partitions,
    boolean redistributed,
    String reason) {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionPlan.class);

  /** Partitions per slot when rows are redistributed: a late task then holds at most half a slot's share. */
  static final int PARTITIONS_PER_SLOT = 2;
  /** Text: the least share of estimated scoring time an even spread must save to be worth a shuffle. */
  static final double TEXT_MIN_GAIN = 0.10;
  /** Tabular: the least share of slot time left idle by the splits for a shuffle to pay off. */
  static final double TABULAR_MIN_GAIN = 0.5;
  /** Bytes of text per token assumed when capping a row's cost at max-length tokens. */
  static final int BYTES_PER_TOKEN = 4;
  /** The cost of a row beyond its text: [CLS] and [SEP], in bytes of text. */
  static final int ROW_BYTES = 2 * BYTES_PER_TOKEN;

  /** Plans the partitions of {@code input} for {@code inference}; may run one small Spark job (text models). */
  public static PartitionPlan of(SparkSession spark, Dataset<Row> input, InferenceSpec inference) {
    return of(spark, input, inference, null);
  }

  /**
   * The same, with the split costs of a text model taken from {@code ahead} (started by {@link
   * #costsAhead} on the same {@code input}) when given.
   */
  public static PartitionPlan of(SparkSession spark, Dataset<Row> input, InferenceSpec inference, CostsAhead ahead) {
    int slots = slots(spark.sparkContext());
    // Counted on the input's own query execution, which scoring plans and runs next: the input is
    // planned once per run (Dataset.rdd() would plan a second query, a deserializing one, for this count).
    int splits = splits(input);
    Partitioning mode = inference.partitioning();
    PartitionPlan plan;
    if (mode == Partitioning.INPUT) {
      plan = keep(input, mode, slots, splits, JobProperties.INFERENCE_PARTITIONING + " is input");
    } else if (slots < 2) {
      plan = keep(input, mode, slots, splits, "one task slot");
    } else if (inference.text() == null) {
      double idle = 1 - Math.min(1.0, (double) splits / slots);
      PartitionPlan recut = waves(spark, input, mode, slots, splits);
      plan = recut != null ? recut : idle >= TABULAR_MIN_GAIN
          ? spread(input, mode, slots, splits, String.format(Locale.ROOT,
              "tabular: %d split(s) for %d slots leave %.0f%% of them idle", splits, slots, idle * 100))
          : keep(input, mode, slots, splits, String.format(Locale.ROOT,
              "tabular: %d split(s) for %d slots; rows cost alike", splits, slots));
    } else {
      long[] costs = ahead != null ? ahead.costs() : textCosts(input, inference.text(), splits);
      double gain = gain(costs, slots);
      String why = String.format(Locale.ROOT, "text: %d split(s) for %d slots, an even spread saves %.0f%% of the"
          + " estimated scoring time", splits, slots, gain * 100);
      plan = gain >= TEXT_MIN_GAIN ? spread(input, mode, slots, splits, why) : keep(input, mode, slots, splits, why);
    }
    LOG.info("Partitions: {} {} ({}; {} slot(s))", plan.partitions(),
        plan.redistributed() ? "dealt round robin" : plan.rows() == input ? "as read" : "read in new splits",
        plan.reason(), slots);
    return plan;
  }

  /**
   * Starts the cost pass of a text model's plan on a thread of its own, so its Spark job runs while
   * the driver finishes its other pre-launch work (the model's checksum and graph, the tokenizer,
   * the output checks); null when the plan will not need it ({@code inference.partitioning: input},
   * no text input, or one task slot now). The caller closes it, which cancels the job if it is
   * still running (a run that fails before launch).
   */
  public static CostsAhead costsAhead(SparkSession spark, Dataset<Row> input, InferenceSpec inference) {
    if (inference.partitioning() == Partitioning.INPUT || inference.text() == null || slots(spark.sparkContext()) < 2) {
      return null;
    }
    return new CostsAhead(spark.sparkContext(), input, inference.text());
  }

  /**
   * A text cost pass running ahead of the plan: one thread, one Spark job in a job group of its
   * own. Not thread-safe beyond its own thread; {@link #costs} and {@link #close} are called by the
   * thread that started it.
   */
  public static final class CostsAhead implements AutoCloseable {
    private final SparkContext sc;
    private final String group = "nightshift-partition-costs-" + java.util.UUID.randomUUID();
    private final java.util.concurrent.CompletableFuture<long[]> costs = new java.util.concurrent.CompletableFuture<>();
    private final Thread thread;

    private CostsAhead(SparkContext sc, Dataset<Row> input, TextSpec text) {
      this.sc = sc;
      this.thread = new Thread(() -> {
        sc.setJobGroup(group, "Nightshift: text costs of the input's splits", true);
        try {
          costs.complete(textCosts(input, text, splits(input)));
        } catch (Throwable t) {
          costs.completeExceptionally(t);
        } finally {
          sc.clearJobGroup();
        }
      }, "nightshift-partition-costs");
      thread.setDaemon(true);
      thread.start();
    }

    /** The summed cost of each split, waiting for the job; its failure as thrown by Spark. */
    long[] costs() {
      return io.nightshift.NightshiftException.await(costs, "the text cost pass");
    }

    /** Cancels the job if it still runs and waits for the thread to end. */
    @Override
    public void close() {
      if (!costs.isDone()) {
        sc.cancelJobGroup(group);
      }
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The number of splits {@code input} is read in: the partitions of its own query's RDD (a file
   * source's file splits), as {@code input.rdd()} has them, without planning a second query.
   */
  public static int splits(Dataset<Row> input) {
    return ((org.apache.spark.sql.classic.Dataset<Row>) input).queryExecution().toRdd().getNumPartitions();
  }

  /** The session conf key the file sources cut their splits by. */
  static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";
  /** Tabular: the least share of estimated scoring time a new cut of the input must save. */
  static final double WAVE_MIN_GAIN = 0.10;

  /**
   * A tabular file input whose splits are not a multiple of the slots ends in a wave that leaves
   * slots idle. Unless the session sets {@value #MAX_PARTITION_BYTES} itself, plans the input again with other split sizes ({@value #MAX_PARTITION_BYTES} set for
   * that planning only, then restored), never cutting a file finer than Spark cut it, and keeps the
   * cut that shortens the estimated scoring time most (rows cost alike, so a split costs its bytes
   * plus Spark's open cost per file), if by {@value #WAVE_MIN_GAIN} at least. The new Dataset's
   * scan is planned then, so scoring runs it as cut. Null when the input is not a file scan or no
   * cut gains enough. Runs no Spark job.
   */
  static PartitionPlan waves(SparkSession spark, Dataset<Row> input, Partitioning mode, int slots, int splits) {
    if (splits == 0 || splits % slots == 0) {
      return null;
    }
    // A split size set for the session (by the job's submitter or the cluster's defaults) is the
    // user's choice, often to get more tasks than files: the input is read as they cut it.
    if (spark.conf().contains(MAX_PARTITION_BYTES)) {
      return null;
    }
    long open = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().conf().filesOpenCostInBytes();
    long[] now = fileSplitCosts(input, open);
    if (now == null) {
      return null;
    }
    long total = 0;
    long floor = 0;
    for (org.apache.spark.Partition p : toRdd(input).partitions()) {
      for (var f : ((org.apache.spark.sql.execution.datasources.FilePartition) p).files()) {
        total += f.length() + open;
        floor = Math.max(floor, f.length());
      }
    }
    long before = makespan(now, slots);
    List<Cut> cuts = new java.util.ArrayList<>();
    long least = before;
    for (int m = slots; m <= 4 * slots; m += slots) {
      long bytes = Math.max(floor, (total + m - 1) / m);
      Dataset<Row> cut = input.toDF(input.columns()); // a query of its own, planned below
      long[] costs;
      spark.conf().set(MAX_PARTITION_BYTES, bytes);
      try {
        costs = fileSplitCosts(cut, open);
      } finally {
        spark.conf().unset(MAX_PARTITION_BYTES); // not set before (checked above)
      }
      if (costs != null) {
        cuts.add(new Cut(cut, costs.length, bytes, makespan(costs, slots)));
        least = Math.min(least, makespan(costs, slots));
      }
    }
    // Of the cuts within 1% of the shortest, the fewest splits: fewer tasks to start, as many waves.
    Cut best = null;
    for (Cut c : cuts) {
      if (c.end() <= least * 1.01 && (best == null || c.splits() < best.splits())) {
        best = c;
      }
    }
    double gain = before == 0 || best == null ? 0 : 1 - (double) best.end() / before;
    if (gain < WAVE_MIN_GAIN) {
      return null;
    }
    String why = String.format(Locale.ROOT, "tabular: %d split(s) for %d slots, read again in %d split(s) of at most"
        + " %d bytes: %.0f%% less estimated scoring time", splits, slots, best.splits(), best.bytes(), gain * 100);
    return new PartitionPlan(best.rows(), mode, slots, splits, best.splits(), false, why);
  }

  /** A new cut of the input: its planned rows, splits, split size and estimated end. */
  private record Cut(Dataset<Row> rows, int splits, long bytes, long end) {}

  /** Each split's file bytes plus the open cost of each file piece, or null when the input is not a file scan. */
  private static long[] fileSplitCosts(Dataset<Row> input, long open) {
    org.apache.spark.Partition[] parts = toRdd(input).partitions();
    long[] costs = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      if (!(parts[i] instanceof org.apache.spark.sql.execution.datasources.FilePartition fp)) {
        return null;
      }
      for (var f : fp.files()) {
        costs[i] += f.length() + open;
      }
    }
    return costs;
  }

  private static org.apache.spark.rdd.RDD<?> toRdd(Dataset<Row> input) {
    return ((org.apache.spark.sql.classic.Dataset<Row>) input).queryExecution().toRdd();
  }

  private static PartitionPlan keep(Dataset<Row> input, Partitioning mode, int slots, int splits, String why) {
    return new PartitionPlan(input, mode, slots, splits, splits, false, why);
  }

  private static PartitionPlan spread(Dataset<Row> input, Partitioning mode, int slots, int splits, String why) {
    int n = PARTITIONS_PER_SLOT * slots;
    // Round robin deals each split's rows over all n partitions, so every partition gets an equal
    // number of rows from every split, long and short texts alike. Spark sorts each split before
    // dealing (spark.sql.execution.sortBeforeRepartition), so a retried task deals the same rows.
    Dataset<Row> rows = input.repartition(n);
    return new PartitionPlan(rows, mode, slots, splits, n, true, why);
  }

  /** The summed cost of each input split's rows (index = split), from one Spark job over the text column. */
  static long[] textCosts(Dataset<Row> input, TextSpec text, int splits) {
    long cap = (long) text.maxLength() * BYTES_PER_TOKEN;
    Column bytes = functions.coalesce(functions.octet_length(functions.col("`" + text.column() + "`")),
        functions.lit(0));
    Column cost = functions.least(bytes, functions.lit(cap)).plus(ROW_BYTES);
    long[] costs = new long[splits];
    // One stage, one sum per split: a groupBy on the partition id would add a shuffle and a second
    // stage to every text run, about as long as this scan itself on a small night.
    Dataset<Row> perRow = input.select(cost.cast("bigint").as("c"));
    List<long[]> sums = ((org.apache.spark.sql.classic.Dataset<Row>) perRow).queryExecution().toRdd().toJavaRDD()
        .mapPartitionsWithIndex((split, rows) -> {
          long sum = 0;
          while (rows.hasNext()) {
            sum += rows.next().getLong(0);
          }
          return List.of(new long[] {split, sum}).iterator();
        }, false)
        .collect();
    for (long[] s : sums) {
      costs[(int) s[0]] = s[1];
    }
    return costs;
  }

  /**
   * The share of scoring time an even spread over {@code slots} saves against {@code costs} as
   * split: each split handed, in order, to the slot that frees first (as Spark's scheduler does).
   */
  static double gain(long[] costs, int slots) {
    long total = 0;
    for (long c : costs) {
      total += c;
    }
    long end = makespan(costs, slots);
    return end == 0 ? 0 : 1 - ((double) total / slots) / end;
  }

  /** When the last of {@code costs} ends, each handed in order to the slot that frees first. */
  static long makespan(long[] costs, int slots) {
    PriorityQueue<Long> free = new PriorityQueue<>();
    for (int i = 0; i < slots; i++) {
      free.add(0L);
    }
    long end = 0;
    for (long c : costs) {
      long done = free.poll() + c;
      free.add(done);
      end = Math.max(end, done);
    }
    return end;
  }

  /**
   * Task slots: the local master's threads, or the registered executors × {@code
   * spark.executor.cores} (Spark's default parallelism, the cores registered, when that is unset),
   * each divided by {@code spark.task.cpus}.
   */
  static int slots(SparkContext sc) {
    int cpus = Math.max(1, sc.conf().getInt("spark.task.cpus", 1));
    int cores;
    if (sc.isLocal()) {
      cores = localThreads(sc.master());
    } else {
      int executors = sc.statusTracker().getExecutorInfos().length - 1; // the driver is listed too
      int perExecutor = sc.conf().getInt("spark.executor.cores", 0);
      cores = executors > 0 && perExecutor > 0 ? executors * perExecutor : sc.defaultParallelism();
    }
    return Math.max(1, cores / cpus);
  }

  /** Threads of a local master: local (1), local[N], local[N,F], local[*]. */
  static int localThreads(String master) {
    int open = master.indexOf('[');
    if (open < 0) {
      return 1;
    }
    String n = master.substring(open + 1, master.indexOf(']')).split(",")[0].trim();
    return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
  }
}
