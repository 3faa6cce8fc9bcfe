package io.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.config.Enums.EmptyTextPolicy;
import io.nightshift.config.JobConfig.TextSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The text cost of each input split, summed in one stage on local[2]. */
class PartitionPlanCostsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("partition-plan-costs")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void eachSplitCostsItsCappedUtf8BytesPlusEightPerRow() {
    // Six rows in three splits of two (parallelize cuts by position).
    List<Row> rows = Arrays.asList(
        RowFactory.create("abc"), RowFactory.create((Object) null),
        RowFactory.create("é"), RowFactory.create("x".repeat(600)),
        RowFactory.create(""), RowFactory.create("  "));
    StructType schema = new StructType().add("body", DataTypes.StringType);
    Dataset<Row> input = spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), schema);
    TextSpec text = new TextSpec("body", "input_ids", "attention_mask", "token_type_ids", 128, true,
        "body_truncated", EmptyTextPolicy.REJECT, "body_reason", true, 8);

    long[] costs = PartitionPlan.textCosts(input, text, input.rdd().getNumPartitions());

    // Split 0: 3 + 8, null counts 0 + 8. Split 1: "é" is 2 bytes, + 8; 600 bytes capped at
    // 128 tokens x 4 bytes = 512, + 8. Split 2: 0 + 8 and 2 + 8.
    assertThat(costs).containsExactly(19, 530, 18);
  }

  @Test
  void costsComputedAheadOnTheirOwnThreadGiveThePlanTheSameDecision() {
    // Two splits, the second far costlier: an even spread saves about half the scoring time.
    List<Row> rows = Arrays.asList(
        RowFactory.create("a"), RowFactory.create("b"), RowFactory.create("c"),
        RowFactory.create("x".repeat(500)), RowFactory.create("y".repeat(500)), RowFactory.create("z".repeat(500)));
    Dataset<Row> input = spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2),
        new StructType().add("body", DataTypes.StringType));
    TextSpec text = new TextSpec("body", "input_ids", "attention_mask", "token_type_ids", 128, true,
        "body_truncated", EmptyTextPolicy.REJECT, "body_reason", true, 8);
    io.nightshift.config.JobConfig.InferenceSpec inference = new io.nightshift.config.JobConfig.InferenceSpec(
        8, 8, List.of(), List.of(), io.nightshift.config.Enums.NonFinitePolicy.REJECT, text);

    PartitionPlan plain = PartitionPlan.of(spark, input, inference);
    PartitionPlan ahead;
    try (PartitionPlan.CostsAhead costs = PartitionPlan.costsAhead(spark, input, inference)) {
      assertThat(costs).isNotNull();
      assertThat(costs.costs()).containsExactly(3 * 9, 3 * 508);
      ahead = PartitionPlan.of(spark, input, inference, costs);
    }

    assertThat(ahead.redistributed()).isTrue().isEqualTo(plain.redistributed());
    assertThat(ahead.partitions()).isEqualTo(plain.partitions()).isEqualTo(4);
    assertThat(ahead.reason()).isEqualTo(plain.reason())
        .isEqualTo("text: 2 split(s) for 2 slots, an even spread saves 49% of the estimated scoring time");
    // Not needed, not started: partitioning input keeps Spark's splits.
    assertThat(PartitionPlan.costsAhead(spark, input, new io.nightshift.config.JobConfig.InferenceSpec(8, 8,
        List.of(), List.of(), io.nightshift.config.Enums.NonFinitePolicy.REJECT, text, null,
        io.nightshift.config.Enums.Partitioning.INPUT))).isNull();
  }
}
