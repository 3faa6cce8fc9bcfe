package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.config.Enums.InputFormat;
import io.nightshift.config.JobConfig.InputSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet input whose files all hold one schema is read with that schema, taken from the footers
 * the job reads anyway: Spark runs no job to infer it, and the night reads the same columns, types
 * and partition columns as Spark's own inference gives.
 */
class InputSchemaTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static Path partitioned;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    partitioned = tmp.resolve("partitioned");
    spark.range(0, 600, 1, 3)
        .selectExpr("id", "CAST(id % 100 AS TINYINT) AS b", "CAST(id AS SMALLINT) AS s",
            "TIMESTAMP '2026-01-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id) AS ts",
            "array(CAST(id AS FLOAT), 1.5F) AS features", "CAST(id AS DECIMAL(12, 2)) AS amount",
            "CAST(id AS STRING) AS name", "CAST(id % 2 AS INT) AS day")
        .write().partitionBy("day").parquet(partitioned.toString());
  }

  private static InputSpec parquet(Path path) {
    return new InputSpec(path.toString(), InputFormat.PARQUET, Map.of(), List.of(), "");
  }

  @Test
  void oneSchemaInEveryFileIsReadWithoutAnInferenceJob() throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener count = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.incrementAndGet();
      }
    };
    Dataset<Row> inferred = spark.read().parquet(partitioned.toString());
    spark.sparkContext().addSparkListener(count);
    Dataset<Row> read;
    try {
      read = InputReader.read(spark, parquet(partitioned));
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(count);
    }

    assertThat(jobs.get()).as("Spark jobs started while reading the input").isZero();
    assertThat(read.schema()).isEqualTo(inferred.schema());
    assertThat(read.schema().fieldNames())
        .containsExactly("id", "b", "s", "ts", "features", "amount", "name", "day");
    assertThat(read.orderBy("id").collectAsList()).isEqualTo(inferred.orderBy("id").collectAsList());
  }

  @Test
  void filesThatDisagreeLeaveTheSchemaToSpark() {
    Path mixed = tmp.resolve("mixed");
    spark.range(0, 10, 1, 1).selectExpr("id", "CAST(id AS DOUBLE) AS x").write().parquet(mixed.toString());
    spark.range(10, 20, 1, 1).selectExpr("id", "CAST(id AS DOUBLE) AS x", "'extra' AS note").write()
        .mode("append").parquet(mixed.toString());

    InputFooters.Footers footers = InputFooters.read(spark, mixed.toString());

    assertThat(footers.schemas()).hasSize(2);
    assertThat(footers.common()).isNull();
    Dataset<Row> read = InputReader.read(spark, parquet(mixed));
    assertThat(read.count()).isEqualTo(20);
  }
}
