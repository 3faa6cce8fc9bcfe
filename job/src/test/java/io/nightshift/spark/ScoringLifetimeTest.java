package io.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.arrow.Allocators;
import io.nightshift.batch.SignatureBinder;
import io.nightshift.cache.LeaseCache;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.model.BroadcastModel;
import io.nightshift.model.ModelPayload;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionCache;
import io.nightshift.result.ResultOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task holds and returns (Spark local[2], ONNX Runtime): sessions are cached per session
 * option, not only per model and device, and a task whose setup fails part-way returns its session
 * lease and its Arrow memory.
 */
class ScoringLifetimeTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static Path model;

  @BeforeAll
  static void setUp() throws Exception {
    // The test JVM's one local[2] session (the same settings as the job tests' SparkTestSession).
    spark = SparkSession.builder().master("local[2]").appName("nightshift-tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    // y = 2x over [N, 5]: a model of its own, so no other test's session can be the one found.
    model = io.nightshift.job.SmallModels.doubling(tmp.resolve("doubling5.onnx"), "N", 5L);
  }

  static JobConfig config(int threads) {
    return JobConfigParser.parse("""
        input: {path: unused}
        model: {uri: "%s", device: cpu, threads: %d}
        inference:
          inputs: {x: {columns: [x]}}
          outputs: {y: {column: y}}
        output: {path: unused}
        """.formatted(model, threads), "test", List.of());
  }

  static Dataset<Row> rows() {
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      list.add(RowFactory.create(List.of(1f * i, 2f, 3f, 4f, 5f)));
    }
    return spark.createDataFrame(list,
        new StructType().add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false));
  }

  @Test
  void twoPredictorsDifferingOnlyInThreadsGetTwoSessions() {
    long before = SessionCache.shared().sessionsCreated();
    for (int threads : new int[] {1, 2, 1, 2}) {
      JobConfig c = config(threads);
      List<Row> out = Predictor.create(spark, c.model(), c.inference()).transform(rows()).collectAsList();
      assertThat(out).hasSize(10);
      assertThat(out.get(3).<Float>getList(1)).containsExactly(6f, 4f, 6f, 8f, 10f);
    }
    // One session for threads=1 and one for threads=2; the second round finds both in the cache.
    assertThat(SessionCache.shared().sessionsCreated() - before).isEqualTo(2);
  }

  @Test
  void aTaskWhoseSetupFailsReturnsItsLeaseAndItsMemory() throws Exception {
    JobConfig c = config(1);
    byte[] bytes = Files.readAllBytes(model);
    ModelPayload payload = ModelPayload.of(bytes);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    StructType schema = rows().schema();
    SignatureBinder binder = new SignatureBinder(Predictor.inspect(bytes, "doubling5"), "doubling5");
    // An output column of a type no result vector is made for: the writer fails after the task
    // has leased its session and allocated its input buffers.
    ResultOutput broken = new ResultOutput(c.inference().outputs().get(0), OnnxJavaType.FLOAT, 2,
        new StructField[] {new StructField("y", DataTypes.DateType, false, Metadata.empty())});
    ScoringPlan plan = new ScoringPlan("doubling5", payload.sha256(),
        new BroadcastModel(payload.sha256(), jsc.broadcast(payload)), c.model(), 1, 64, 64,
        c.inference().nonFinite(), binder.inputs(schema, c.inference(), false), List.of(broken), schema,
        new int[0], new StructType(), null, jsc.broadcast(new HadoopConf(new Configuration())), null, null, null,
        null, null, 0, "UTC", ScoreOptions.RejectedRows.STAGED);
    long memory = Allocators.root().getAllocatedMemory();
    int children = Allocators.root().getChildAllocators().size();

    assertThatThrownBy(() -> new PartitionScorer(plan).call(List.<InternalRow>of().iterator()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported result type DateType");

    assertThat(Allocators.root().getAllocatedMemory()).isEqualTo(memory);
    assertThat(Allocators.root().getChildAllocators()).hasSize(children);
    // The session is idle again: a lease taken now is the only one, and invalidating closes it.
    try (LeaseCache.Lease<ScoringSession> lease = PartitionScorer.lease(plan)) {
      assertThat(SessionCache.shared().leases()).isEqualTo(1);
    }
    assertThat(SessionCache.shared().leases()).isZero();
  }
}
