package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.spark.PartitionPlan;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PartitionPlan#splits} counts the input's splits on the input's own query (planned once
 * per run, then scored), and gives what {@code Dataset.rdd()} gives: file splits of a columnar
 * Parquet scan, of a row source, and the partitions of a repartitioned input.
 */
class PartitionSplitsTest {
  @TempDir static Path tmp;

  @Test
  void splitsAreTheInputQuerysPartitions() {
    SparkSession spark = SparkTestSession.get();
    Path parquet = tmp.resolve("ids");
    spark.range(0, 3000, 1, 3).write().parquet(parquet.toString());
    Path json = tmp.resolve("ids-json");
    spark.range(0, 300, 1, 5).write().json(json.toString());
    String key = "spark.sql.files.maxPartitionBytes";
    try {
      // Splits of at most 2 kB: the 3 Parquet files of a few kB each are cut by bytes into 9 ranges,
      // each of the 5 small JSON files is one split at least.
      spark.conf().set(key, "2k");
      spark.conf().set("spark.sql.files.openCostInBytes", "2k");
      Dataset<Row> p = spark.read().parquet(parquet.toString());
      Dataset<Row> j = spark.read().json(json.toString());
      assertThat(PartitionPlan.splits(p)).isEqualTo(p.rdd().getNumPartitions()).isEqualTo(9);
      assertThat(PartitionPlan.splits(j)).isEqualTo(j.rdd().getNumPartitions()).isGreaterThanOrEqualTo(5);
      Dataset<Row> seven = p.repartition(7);
      assertThat(PartitionPlan.splits(seven)).isEqualTo(7);
    } finally {
      spark.conf().unset(key);
      spark.conf().unset("spark.sql.files.openCostInBytes");
    }
  }
}
