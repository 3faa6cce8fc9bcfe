package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import io.nightshift.config.Enums.Distribution;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfig.AccuracySpec;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.InputMapping;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.model.ModelCache;
import io.nightshift.onnx.SessionCache;
import io.nightshift.samples.Samples;
import io.nightshift.accuracy.AccuracyCheck;
import io.nightshift.accuracy.AccuracyReport;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import io.nightshift.spark.TaskReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shipping models to executors on real Spark local[2]: broadcast and files, external data from a
 * local folder and from a second folder standing in for shared storage, one fetch per executor JVM,
 * checksums, precision on the driver and its accuracy against fp32.
 */
class ModelShippingTest {
  static final AccuracySpec ACCURACY = new AccuracySpec(1000, 0.99, 0.97, 0.99, 0.1);

  @TempDir static Path tmp;
  static SparkSession spark;
  static Dataset<Row> features32;
  static Dataset<Row> features64;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    features32 = features(32, 2000, 8);
    features64 = features(64, 1000, 4);
  }

  /** Rows of id and a float array of {@code width} standard normal values, in {@code partitions}. */
  static Dataset<Row> features(int width, int rows, int partitions) {
    Random random = new Random(width);
    List<Row> out = new ArrayList<>();
    for (long i = 0; i < rows; i++) {
      List<Float> f = new ArrayList<>();
      for (int j = 0; j < width; j++) {
        f.add((float) random.nextGaussian());
      }
      out.add(RowFactory.create(i, f));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return spark.createDataFrame(out, schema).repartition(partitions);
  }

  static ModelSpec spec(Path model, ModelPrecision precision, Distribution distribution, String cacheDir) {
    return spec(model.toUri().toString(), precision, distribution, cacheDir, 1024);
  }

  static ModelSpec spec(String uri, ModelPrecision precision, Distribution distribution, String cacheDir,
      int int8MinElements) {
    return new ModelSpec(uri, "", Enums.Device.CPU, 1, "gpu", false, 4, Enums.MultipleGpus.FAIL,
        JobConfig.CudaOptions.DEFAULTS, "", false, precision, int8MinElements,
        distribution, 512L << 20, cacheDir, ACCURACY, "");
  }

  static final InferenceSpec MLP = new InferenceSpec(64, 64,
      List.of(new InputMapping("features", List.of("features"))),
      List.of(new OutputMapping("probabilities", "probs", PostStep.NONE, 3, List.of(), Normalize.NONE)),
      NonFinitePolicy.REJECT, null);

  static Map<Long, List<Float>> scores(Predictor p, Dataset<Row> rows) {
    Map<Long, List<Float>> out = new HashMap<>();
    for (Row r : p.score(rows, ScoreOptions.of(List.of("id"))).rows().collectAsList()) {
      out.put(r.getLong(0), r.getList(1));
    }
    return out;
  }

  @Test
  void inLocalModeTheBroadcastIsUncompressedAndAutoReadsALocalModelInPlace() throws Exception {
    Predictor p = Predictor.create(spark, spec(Samples.mlpSmall(), ModelPrecision.FP32, Distribution.BROADCAST, ""), MLP);
    assertThat(spark.sparkContext().isLocal()).isTrue();
    assertThat(p.distribution()).isEqualTo(Distribution.BROADCAST);
    assertThat(p.shippedSize()).as("nothing leaves the JVM: no zstd").isEqualTo(Files.size(Samples.mlpSmall()));
    SessionCache.shared().clear(); // the executor side loads from the payload, not from an earlier session
    Map<Long, List<Float>> viaFiles = scores(Predictor.create(spark,
        spec(Samples.mlpSmall(), ModelPrecision.FP32, Distribution.FILES, tmp.resolve("cache-l").toString()), MLP),
        features32);
    SessionCache.shared().clear();
    assertThat(scores(p, features32)).isEqualTo(viaFiles).hasSize((int) features32.count());

    // auto, fp32, a local file, local mode: read in place (streamed digest, session from the path), no broadcast.
    Predictor auto = Predictor.create(spark,
        spec(Samples.mlpSmall(), ModelPrecision.FP32, Distribution.AUTO, tmp.resolve("cache-m").toString()), MLP);
    assertThat(auto.distribution()).isEqualTo(Distribution.FILES);
    assertThat(auto.shippedSize()).isEqualTo(Files.size(Samples.mlpSmall()));
    SessionCache.shared().clear();
    assertThat(scores(auto, features32)).isEqualTo(viaFiles);
  }

  @Test
  void externalDataTravelsAsFilesFromALocalFolderAndFromSharedStorage() throws Exception {
    Map<Long, List<Float>> expected =
        scores(Predictor.create(spark, spec(Samples.mlpSmall(), ModelPrecision.FP32, Distribution.AUTO, ""), MLP),
            features32);

    Predictor local = Predictor.create(spark,
        spec(Samples.mlpExternal(), ModelPrecision.FP32, Distribution.AUTO, tmp.resolve("cache-a").toString()), MLP);
    assertThat(local.distribution()).as("external data goes as files").isEqualTo(Distribution.FILES);
    assertThat(local.shippedSize()).isEqualTo(
        Files.size(Samples.mlpExternal()) + Files.size(Samples.mlpExternalData()));
    assertThat(scores(local, features32)).isEqualTo(expected);

    Path shared = tmp.resolve("shared/models/mlp");
    Files.createDirectories(shared);
    Files.copy(Samples.mlpExternal(), shared.resolve("mlp-external.onnx"));
    Files.copy(Samples.mlpExternalData(), shared.resolve(Samples.mlpExternalData().getFileName()));
    Path cache = tmp.resolve("cache-b");
    SessionCache.shared().clear(); // same files, same sha256: else the JVM's session is reused
    Predictor remote = Predictor.create(spark,
        spec(shared.resolve("mlp-external.onnx"), ModelPrecision.FP32, Distribution.FILES, cache.toString()), MLP);
    assertThat(scores(remote, features32)).isEqualTo(expected);
    // The executor's copy keeps the relative layout, under the model's sha256.
    Path cached = cache.resolve(remote.modelSha256());
    assertThat(cached.resolve("mlp-external.onnx")).exists();
    assertThat(cached.resolve(Samples.mlpExternalData().getFileName())).exists();
  }

  @Test
  void filesAreFetchedOncePerExecutorJvmNotPerTask() {
    Predictor p = Predictor.create(spark,
        spec(Samples.mlpExternal(), ModelPrecision.FP32, Distribution.FILES, tmp.resolve("cache-count").toString()), MLP);
    SessionCache.shared().clear();
    long before = ModelCache.fetches();
    Predictor.Scored scored = p.score(features32, ScoreOptions.of(List.of("id")));
    assertThat(scored.rows().count()).isEqualTo(2000);
    List<TaskReport> reports = scored.reports().value();
    assertThat(reports).hasSizeGreaterThanOrEqualTo(8);
    assertThat(ModelCache.fetches() - before).as("fetches in this JVM for %d tasks", reports.size()).isEqualTo(1);
    assertThat(reports).extracting(TaskReport::modelFetchesInJvm).containsOnly(before + 1);
  }

  @Test
  void aFileChangedAfterTheDriverReadItFailsTheChecksumOnTheExecutor() throws Exception {
    Path folder = tmp.resolve("changing");
    Files.createDirectories(folder);
    Path model = folder.resolve("mlp-external.onnx");
    Path data = folder.resolve(Samples.mlpExternalData().getFileName());
    Files.copy(Samples.mlpExternal(), model);
    Files.copy(Samples.mlpExternalData(), data);
    Predictor p = Predictor.create(spark,
        spec(model, ModelPrecision.FP32, Distribution.FILES, tmp.resolve("cache-changing").toString()), MLP);
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(data, bytes);
    SessionCache.shared().clear();
    assertThatThrownBy(() -> p.score(features32, ScoreOptions.of(List.of("id"))).rows().count())
        .hasStackTraceContaining("checksum mismatch: expected sha256")
        .hasStackTraceContaining(data.getFileName().toString());
  }

  /** The path route (a model the driver does not read whole), taken here through a 1 KiB broadcast limit. */
  static ModelSpec overLimit(Path model, String sha256, String cacheDir) {
    return new ModelSpec(model.toUri().toString(), sha256, Enums.Device.CPU, 1, "gpu", false, 4,
        Enums.MultipleGpus.FAIL, JobConfig.CudaOptions.DEFAULTS, "", false, ModelPrecision.FP32, 1024,
        Distribution.AUTO, 1024, cacheDir, ACCURACY, "");
  }

  @Test
  void aModelNotReadWholeOnTheDriverScoresTheSameAndIsPinnedTheSame() throws Exception {
    Map<Long, List<Float>> expected =
        scores(Predictor.create(spark, spec(Samples.mlpSmall(), ModelPrecision.FP32, Distribution.BROADCAST, ""), MLP),
            features32);
    String sha = io.nightshift.model.ModelPayload.sha256(Files.readAllBytes(Samples.mlpSmall()));
    SessionCache.shared().clear();
    Predictor single = Predictor.create(spark, overLimit(Samples.mlpSmall(), sha, tmp.resolve("cache-path").toString()), MLP);
    assertThat(single.distribution()).isEqualTo(Distribution.FILES);
    assertThat(single.modelSha256()).isEqualTo(sha);
    assertThat(scores(single, features32)).isEqualTo(expected);

    SessionCache.shared().clear();
    Predictor external = Predictor.create(spark, overLimit(Samples.mlpExternal(), "", tmp.resolve("cache-path").toString()), MLP);
    assertThat(external.shippedSize()).isEqualTo(
        Files.size(Samples.mlpExternal()) + Files.size(Samples.mlpExternalData()));
    assertThat(scores(external, features32)).isEqualTo(expected);

    String wrong = "0".repeat(64);
    assertThatThrownBy(() -> Predictor.create(spark, overLimit(Samples.mlpSmall(), wrong, ""), MLP))
        .isInstanceOfSatisfying(NightshiftException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID))
        .hasMessage("model.sha256: model file %s has sha256 %s, the job pins %s",
            Samples.mlpSmall().toUri(), sha, wrong);
  }

  @Test
  void missingExternalDataFailsBeforeLaunchNamingTheFile() throws Exception {
    Path folder = tmp.resolve("no-data");
    Files.createDirectories(folder);
    Files.copy(Samples.mlpExternal(), folder.resolve("mlp-external.onnx"));
    assertThatThrownBy(() -> Predictor.create(spark,
            spec(folder.resolve("mlp-external.onnx"), ModelPrecision.FP32, Distribution.AUTO, ""), MLP))
        .isInstanceOfSatisfying(NightshiftException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID))
        .hasMessageContaining("external data file '" + Samples.mlpExternalData().getFileName() + "'")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Predictor.create(spark,
            spec(Samples.mlpExternal(), ModelPrecision.FP32, Distribution.BROADCAST, ""), MLP))
        .hasMessageContaining("model.distribution is broadcast")
        .hasMessageContaining("external data");
  }

  @Test
  void int8AndFp16MlpsStayCloseToFp32() {
    for (Path model : List.of(Samples.mlpSmall(), Samples.mlpMedium())) {
      Dataset<Row> rows = model.equals(Samples.mlpSmall()) ? features32 : features64;
      for (ModelPrecision precision : List.of(ModelPrecision.INT8, ModelPrecision.FP16)) {
        Predictor p = Predictor.create(spark, spec(model, precision, Distribution.AUTO, ""), MLP);
        assertThat(p.optimized()).isTrue();
        assertThat(p.modelSize()).isLessThan(
            (long) ((precision == ModelPrecision.INT8 ? 0.35 : 0.55) * model.toFile().length()));
        AccuracyReport report = AccuracyCheck.againstFp32(p, rows.limit(1000), false);
        assertThat(report.rowsCompared()).isEqualTo(1000);
        assertThat(report.outputs()).singleElement().satisfies(o -> {
          assertThat(o.kind()).isEqualTo(AccuracyReport.Kind.CLASSIFIER);
          assertThat(o.top1Agreement()).as("%s %s top-1", model.getFileName(), precision).isGreaterThanOrEqualTo(0.99);
        });
        assertThat(report.failures(ACCURACY)).as(report.describe()).isEmpty();
      }
    }
  }

  @Test
  void int8ModelGoesAsFilesToo() {
    Predictor p = Predictor.create(spark,
        spec(Samples.mlpExternal(), ModelPrecision.INT8, Distribution.FILES, tmp.resolve("cache-int8").toString()), MLP);
    assertThat(p.optimized()).isTrue();
    Map<Long, List<Float>> got = scores(p, features32);
    assertThat(got).hasSize(2000);
  }

  @Test
  void precisionOnAQuantizedModelKeepsItAsItIs() {
    Predictor p = Predictor.create(spark,
        spec(Samples.minilmInt8Model(), ModelPrecision.INT8, Distribution.AUTO, ""), MLP);
    assertThat(p.optimized()).isFalse();
    assertThat(p.optimizeReport()).hasValueSatisfying(r -> assertThat(r.alreadyQuantized()).isTrue());
  }
}
