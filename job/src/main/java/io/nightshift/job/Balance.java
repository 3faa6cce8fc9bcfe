package io.nightshift.job;

import io.nightshift.spark.PartitionPlan;
import io.nightshift.spark.TaskReport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifest's {@code balance} section: how the night was planned ({@link PartitionPlan}) beside
 * what really happened. Rows per partition come from the task reports; busy seconds per task
 * (launch to finish, as Spark's scheduler saw them) from the scoring tasks. {@code idleShare}: the
 * share of slot time, between the first scoring task's launch and the last one's finish, that no
 * task used.
 */
record Balance(
    PartitionPlan plan,
    long rowsMin,
    double rowsMedian,
    long rowsMax,
    int tasks,
    double busySecondsMax,
    double busySecondsMedian,
    double idleShare) {

  static Balance of(PartitionPlan plan, List<TaskReport> reports, List<Progress.TaskTime> tasks) {
    Map<Integer, Long> rows = new TreeMap<>();
    reports.forEach(r -> rows.merge(r.partition(), r.rowsRead(), Long::sum));
    long[] perPartition = rows.values().stream().mapToLong(Long::longValue).sorted().toArray();
    double[] busy = tasks.stream().mapToDouble(Progress.TaskTime::seconds).sorted().toArray();
    double idle = 0;
    if (!tasks.isEmpty()) {
      long first = tasks.stream().mapToLong(Progress.TaskTime::launchMillis).min().getAsLong();
      long last = tasks.stream().mapToLong(Progress.TaskTime::finishMillis).max().getAsLong();
      double window = (last - first) / 1000.0 * plan.slots();
      idle = window <= 0 ? 0 : Math.max(0, 1 - Arrays.stream(busy).sum() / window);
    }
    return new Balance(plan,
        perPartition.length == 0 ? 0 : perPartition[0],
        median(Arrays.stream(perPartition).asDoubleStream().toArray()),
        perPartition.length == 0 ? 0 : perPartition[perPartition.length - 1],
        busy.length,
        busy.length == 0 ? 0 : busy[busy.length - 1],
        median(busy),
        idle);
  }

  /** The middle of sorted {@code values} (the mean of the two middle ones for an even count); 0 for none. */
  static double median(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return 0;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("partitioning", plan.partitioning().name().toLowerCase());
    m.put("redistributed", plan.redistributed());
    m.put("reason", plan.reason());
    m.put("input_partitions", plan.inputPartitions());
    m.put("partitions", plan.partitions());
    m.put("slots", plan.slots());
    m.put("rows_min", rowsMin);
    m.put("rows_median", rowsMedian);
    m.put("rows_max", rowsMax);
    m.put("tasks", tasks);
    m.put("busy_seconds_max", round(busySecondsMax));
    m.put("busy_seconds_median", round(busySecondsMedian));
    m.put("idle_share", round(idleShare));
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
