package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nightshift.spark.TaskReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifest's per-executor tally of the columnar path, from the task reports. */
class RunSummaryTest {
  static TaskReport task(String executor, int partition, long rows, boolean columnar, long bulk) {
    return new TaskReport(executor, partition, rows, rows - 1, Map.of("null_feature", 1L), 1, 0, 1000,
        "cpu", "CPUExecutionProvider", "", 1, 5, null, 1, columnar, bulk);
  }

  @Test
  void executorsCountTheirColumnarTasksAndTheRowsTheyCopiedInBulk() {
    RunSummary s = RunSummary.of(List.of(
        task("1", 0, 100, true, 99),
        task("2", 1, 50, false, 0),
        task("1", 2, 30, true, 20),
        task("2", 3, 10, true, 9)));
    assertThat(s.rowsRead()).isEqualTo(190);
    assertThat(s.rowsWritten()).isEqualTo(186);
    assertThat(s.executors()).extracting(
            RunSummary.ExecutorSummary::executorId,
            RunSummary.ExecutorSummary::tasks,
            RunSummary.ExecutorSummary::columnarTasks,
            RunSummary.ExecutorSummary::rowsCopiedInBulk)
        .containsExactly(
            tuple("1", 2, 2, 119L),
            tuple("2", 2, 1, 9L));
  }
}
