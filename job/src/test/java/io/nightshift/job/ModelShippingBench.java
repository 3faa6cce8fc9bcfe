package io.nightshift.job;

import io.nightshift.config.Enums;
import io.nightshift.config.Enums.Distribution;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.InputMapping;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.onnx.SessionCache;
import io.nightshift.samples.Samples;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import io.nightshift.spark.TaskReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Shipping benchmark, off by default: {@code mvn -o -B -pl job -am test -Dtest=ModelShippingBench
 * -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}. For fp32, fp16 and int8 MiniLM and the
 * penguins classifier it prints the bytes shipped to executors, the executor-side session load
 * time (TaskReport.modelLoadMillis, the time to first inference less the first batch), and
 * throughput on local[2], min and median of 3 runs. MiniLM is fed pre-tokenized synthetic ids of a
 * fixed length (the text pipeline is not on this branch), so its figures are the model's cost, not
 * tokenization's.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ModelShippingBench {
  static final int RUNS = 3;

  @Test
  void shippingFiguresPerPrecision() {
    SparkSession spark = SparkTestSession.get();
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-9s %-5s %-9s %14s %14s %12s %14s %14s",
        "model", "prec", "ship", "model bytes", "bytes shipped", "load ms", "rows/s min", "rows/s median"));

    Dataset<Row> penguins = penguins(spark, 400_000);
    InferenceSpec tabular = new InferenceSpec(1024, 1024,
        List.of(new InputMapping("input",
            List.of("bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm"))),
        List.of(new OutputMapping("output", "probs", PostStep.NONE, 3, List.of(), Normalize.NONE)),
        NonFinitePolicy.REJECT, null);
    for (ModelPrecision p : ModelPrecision.values()) {
      lines.add(measure(spark, "penguins", Samples.penguinsClassifier(), p, 4, tabular, penguins));
    }

    int seq = 32;
    Dataset<Row> tokens = tokens(spark, 2_000, seq);
    InferenceSpec minilm = new InferenceSpec(64, 64,
        List.of(new InputMapping("input_ids", List.of("input_ids")),
            new InputMapping("attention_mask", List.of("attention_mask")),
            new InputMapping("token_type_ids", List.of("token_type_ids"))),
        List.of(new OutputMapping("last_hidden_state", "hidden", PostStep.NONE, 3, List.of(), Normalize.NONE)),
        NonFinitePolicy.REJECT, null);
    for (ModelPrecision p : ModelPrecision.values()) {
      lines.add(measure(spark, "minilm", Samples.minilmFp32Model(), p, 1024, minilm, tokens));
    }
    System.out.println("\n==== model shipping benchmark (local[2], " + RUNS + " runs each) ====");
    lines.forEach(System.out::println);
  }

  static String measure(SparkSession spark, String name, Path model, ModelPrecision precision, int int8Min,
      InferenceSpec inference, Dataset<Row> rows) {
    ModelSpec spec = new ModelSpec(model.toUri().toString(), "", Enums.Device.CPU, 0, "gpu", false, 4,
        Enums.MultipleGpus.FAIL, JobConfig.CudaOptions.DEFAULTS, "", false, precision, int8Min, Distribution.AUTO,
        512L << 20, "", new JobConfig.AccuracySpec(0, 0.99, 0.97, 0.99, 0.1), "");
    Predictor p = Predictor.create(spark, spec, inference);
    long count = rows.count();
    double[] rates = new double[RUNS];
    long loadMillis = 0;
    for (int run = 0; run < RUNS; run++) {
      if (run == 0) {
        SessionCache.shared().clear();
      }
      Predictor.Scored scored = p.score(rows, ScoreOptions.of(List.of()));
      long start = System.nanoTime();
      scored.rows().write().format("noop").mode("overwrite").save();
      rates[run] = count / ((System.nanoTime() - start) / 1e9);
      if (run == 0) {
        loadMillis = scored.reports().value().stream().mapToLong(TaskReport::modelLoadMillis).max().orElse(-1);
      }
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "%-9s %-5s %-9s %,14d %,14d %12d %,14.0f %,14.0f",
        name, precision.name().toLowerCase(Locale.ROOT), p.distribution().name().toLowerCase(Locale.ROOT),
        p.modelSize(), p.shippedSize(), loadMillis, sorted[0], sorted[RUNS / 2]);
  }

  static Dataset<Row> penguins(SparkSession spark, int rows) {
    List<Row> real = spark.read().option("header", "true")
        .schema("species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
            + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
        .csv(Samples.penguinsCsv().toString()).na().drop()
        .select("bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm")
        .collectAsList();
    List<Row> many = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      many.add(real.get(i % real.size()));
    }
    StructType schema = new StructType()
        .add("bill_depth_mm", DataTypes.DoubleType)
        .add("bill_length_mm", DataTypes.DoubleType)
        .add("body_mass_g", DataTypes.DoubleType)
        .add("flipper_length_mm", DataTypes.DoubleType);
    Dataset<Row> df = spark.createDataFrame(many, schema).repartition(8).cache();
    df.count();
    return df;
  }

  static Dataset<Row> tokens(SparkSession spark, int rows, int seq) {
    Random random = new Random(7);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      List<Long> ids = new ArrayList<>();
      List<Long> mask = new ArrayList<>();
      List<Long> types = new ArrayList<>();
      for (int j = 0; j < seq; j++) {
        ids.add(j == 0 ? 101L : j == seq - 1 ? 102L : 1000L + random.nextInt(28000));
        mask.add(1L);
        types.add(0L);
      }
      out.add(RowFactory.create(ids, mask, types));
    }
    StructType schema = new StructType()
        .add("input_ids", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("attention_mask", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("token_type_ids", DataTypes.createArrayType(DataTypes.LongType, false), false);
    Dataset<Row> df = spark.createDataFrame(out, schema).repartition(8).cache();
    df.count();
    return df;
  }
}
