package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.config.Enums.Partitioning;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.spark.PartitionPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tabular input whose splits leave the last wave short of slots (3 splits on local[2]) is read
 * again, without a shuffle, in a multiple of the slots, the same rows each once; an input already
 * in a multiple is scored as read, and so is an input whose split size the session sets. The
 * session's conf stays as it was.
 */
class PartitionWavesTest {
  static final String MAX = "spark.sql.files.maxPartitionBytes";
  static final String OPEN_KEY = "spark.sql.files.openCostInBytes";
  static final long OPEN = 70L << 20;

  @TempDir static Path tmp;
  SparkSession spark;

  @BeforeEach
  void twoFilesPerSplit() {
    spark = SparkTestSession.get();
    // Each small file counted as 70 MiB of open cost: two per split of Spark's default 128 MiB.
    spark.conf().set(OPEN_KEY, OPEN);
  }

  @AfterEach
  void restore() {
    spark.conf().unset(OPEN_KEY);
    spark.conf().unset(MAX);
  }

  static InferenceSpec tabular(Partitioning partitioning) {
    return new InferenceSpec(8, 8, List.of(), List.of(), NonFinitePolicy.REJECT, null, null, partitioning);
  }

  static long[] rowsPerPartition(Dataset<Row> rows) {
    // The Dataset's own planned query, as scoring runs it (Dataset.rdd() would plan it again).
    List<Long> counts = ((org.apache.spark.sql.classic.Dataset<Row>) rows).queryExecution().toRdd().toJavaRDD()
        .mapPartitions(it -> {
          long n = 0;
          for (; it.hasNext(); it.next()) {
            n++;
          }
          return List.of(n).iterator();
        }).collect();
    return counts.stream().mapToLong(Long::longValue).toArray();
  }

  static List<Long> ids(Dataset<Row> rows) {
    return ((org.apache.spark.sql.classic.Dataset<Row>) rows).queryExecution().toRdd().toJavaRDD()
        .map(r -> r.getLong(0)).collect().stream().sorted().toList();
  }

  static long parquetBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void threeSplitsOnTwoSlotsAreReadAgainInTwoWithTheSameRows() throws IOException {
    Path six = tmp.resolve("six");
    spark.range(0, 6000, 1, 6).write().parquet(six.toString());
    Dataset<Row> input = spark.read().parquet(six.toString());
    assertThat(PartitionPlan.splits(input)).isEqualTo(3);

    PartitionPlan asRead = PartitionPlan.of(spark, input, tabular(Partitioning.INPUT));
    assertThat(asRead.rows()).isSameAs(input);
    assertThat(asRead.partitions()).isEqualTo(3);

    PartitionPlan plan = PartitionPlan.of(spark, input, tabular(Partitioning.AUTO));
    // Half the input's bytes and open costs per split: 3 files each, one wave instead of two.
    long bytes = (parquetBytes(six) + 6 * OPEN + 1) / 2;
    assertThat(plan.reason()).isEqualTo("tabular: 3 split(s) for 2 slots, read again in 2 split(s) of at most "
        + bytes + " bytes: 25% less estimated scoring time");
    assertThat(plan.redistributed()).isFalse();
    assertThat(plan.inputPartitions()).isEqualTo(3);
    assertThat(plan.partitions()).isEqualTo(2).isEqualTo(PartitionPlan.splits(plan.rows()));
    assertThat(rowsPerPartition(plan.rows())).containsExactly(3000, 3000);
    assertThat(ids(plan.rows())).isEqualTo(ids(input)).isEqualTo(LongStream.range(0, 6000).boxed().toList());
    // No shuffle: the scan, cut in other splits.
    String physical = ((org.apache.spark.sql.classic.Dataset<Row>) plan.rows()).queryExecution().executedPlan()
        .toString();
    assertThat(physical).contains("FileScan parquet").doesNotContain("Exchange");
    // The session's split size is as it was: not set.
    assertThat(spark.conf().contains(MAX)).isFalse();
    assertThat(PartitionPlan.splits(spark.read().parquet(six.toString()))).isEqualTo(3);
  }

  @Test
  void aSplitSizeTheSessionSetsIsKept() {
    Path six = tmp.resolve("six-user");
    spark.range(0, 6000, 1, 6).write().parquet(six.toString());
    spark.conf().unset(OPEN_KEY);
    spark.conf().set(MAX, "8m"); // two small files (4 MiB of open cost each) per split
    Dataset<Row> input = spark.read().parquet(six.toString());
    assertThat(PartitionPlan.splits(input)).isEqualTo(3);

    PartitionPlan plan = PartitionPlan.of(spark, input, tabular(Partitioning.AUTO));

    assertThat(plan.rows()).isSameAs(input);
    assertThat(plan.partitions()).isEqualTo(3);
    assertThat(plan.reason()).isEqualTo("tabular: 3 split(s) for 2 slots; rows cost alike");
    assertThat(spark.conf().get(MAX)).isEqualTo("8m");
  }

  @Test
  void splitsAlreadyAMultipleOfTheSlotsAreScoredAsRead() {
    Path four = tmp.resolve("four");
    spark.range(0, 4000, 1, 4).write().parquet(four.toString());
    Dataset<Row> input = spark.read().parquet(four.toString());

    PartitionPlan plan = PartitionPlan.of(spark, input, tabular(Partitioning.AUTO));

    // Nothing planned again, nothing run: the input's own query, its two splits.
    assertThat(plan.rows()).isSameAs(input);
    assertThat(plan.redistributed()).isFalse();
    assertThat(plan.partitions()).isEqualTo(plan.inputPartitions()).isEqualTo(2);
    assertThat(plan.reason()).isEqualTo("tabular: 2 split(s) for 2 slots; rows cost alike");
    assertThat(rowsPerPartition(plan.rows())).containsExactly(2000, 2000);
  }
}
