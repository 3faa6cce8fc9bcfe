package io.nightshift.ml;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfig.InputMapping;
import io.nightshift.config.JobProperties;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML pipeline stage that scores a Dataset with an ONNX model through {@link Predictor}:
 * the same batching, per-executor sessions and row checks as the nightly job. Its params mirror
 * the job file's keys: typed ones for the common keys ({@link #modelUri()} is {@code model.uri},
 * {@link #batchSize()} is {@code inference.batch-size}, ...) and {@link #settings()} for any other
 * {@code model.*}/{@code inference.*} key, written {@code key=value} exactly as {@code --set}
 * takes it. They are parsed by the job's parser when the stage is used, so a bad key or value
 * fails {@link #transformSchema} naming it.
 *
 * <pre>{@code
 * OnnxScorer scorer = new OnnxScorer()
 *     .setModelUri("penguins-classifier.onnx")
 *     .addSetting("inference.inputs.input.columns", "[features]")   // a VectorAssembler's output
 *     .addSetting("inference.outputs.output.column", "predicted_species")
 *     .addSetting("inference.outputs.output.post", "argmax");
 * new Pipeline().setStages(new PipelineStage[] {assembler, scorer}).fit(df).transform(df);
 * }</pre>
 *
 * <p>{@link #transform} appends the result columns (lazy: nothing runs until an action); every
 * input column is kept. A mapped column may be a Spark ML {@code Vector} (dense or sparse). A row
 * that cannot be scored (a null or non-finite feature, a wrong-length vector) is, by {@link
 * #rejectedRows()}: {@code keep} (the default) kept with null results and two more columns,
 * {@code reason_code} and {@code reason}; {@code drop} left out; {@code fail} fails the task.
 *
 * <p>{@link #save} writes the params, a copy of the model file and its sha256; {@link #load}
 * restores a stage that reads that copy and checks it against the sha256. Only the single model
 * file is copied: a model with external data, or a tokenizer ({@code model.tokenizer}), is still
 * read from where its setting points.
 *
 * <p>Not thread-safe (like any Spark ML stage): the driver-side {@link Predictor} is built on first
 * use and kept until a param changes. Holds no native resources on the driver.
 */
public final class OnnxScorer extends Transformer implements MLWritable {
  private static final long serialVersionUID = 1L;

  /** {@link #rejectedRows()} values. */
  static final List<String> REJECTED_ROWS = List.of("keep", "drop", "fail");

  private final String uid;
  private final Param<String> modelUri;
  private final Param<String> modelSha256;
  private final Param<String> device;
  private final IntParam threads;
  private final IntParam batchSize;
  private final IntParam gpuBatchSize;
  private final Param<String> nonFinite;
  private final StringArrayParam settings;
  private final Param<String> rejectedRows;

  private transient Predictor predictor;
  private transient List<String> predictorSettings;

  public OnnxScorer() {
    this(Identifiable$.MODULE$.randomUID("onnxScorer"));
  }

  public OnnxScorer(String uid) {
    this.uid = uid;
    this.modelUri = new Param<>(this, "modelUri", JobProperties.MODEL_URI + ": the .onnx file (local, hdfs://, s3a://)");
    this.modelSha256 = new Param<>(this, "modelSha256", JobProperties.MODEL_SHA256 + ": the model file's pinned sha256");
    this.device = new Param<>(this, "device", JobProperties.MODEL_DEVICE + ": auto, cpu or cuda");
    this.threads = new IntParam(this, "threads", JobProperties.MODEL_THREADS + ": intra-op threads (0: spark.task.cpus)");
    this.batchSize = new IntParam(this, "batchSize", JobProperties.INFERENCE_BATCH_SIZE + ": rows per model call on CPU");
    this.gpuBatchSize = new IntParam(this, "gpuBatchSize", JobProperties.INFERENCE_GPU_BATCH_SIZE + ": rows per call on a GPU");
    this.nonFinite = new Param<>(this, "nonFinite", JobProperties.INFERENCE_NON_FINITE + ": reject or pass");
    this.settings = new StringArrayParam(this, "settings",
        "any other model.* or inference.* key, as key=value (exactly as --set takes it)");
    this.rejectedRows = new Param<>(this, "rejectedRows",
        "rows that cannot be scored: keep (null results, reason_code and reason columns), drop, or fail");
    setDefault(settings, new String[0]);
    setDefault(rejectedRows, "keep");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> modelUri() {
    return modelUri;
  }

  public Param<String> modelSha256() {
    return modelSha256;
  }

  public Param<String> device() {
    return device;
  }

  public IntParam threads() {
    return threads;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam gpuBatchSize() {
    return gpuBatchSize;
  }

  public Param<String> nonFinite() {
    return nonFinite;
  }

  public StringArrayParam settings() {
    return settings;
  }

  public Param<String> rejectedRows() {
    return rejectedRows;
  }

  public OnnxScorer setModelUri(String value) {
    return (OnnxScorer) set(modelUri, value);
  }

  public OnnxScorer setModelSha256(String value) {
    return (OnnxScorer) set(modelSha256, value);
  }

  public OnnxScorer setDevice(String value) {
    return (OnnxScorer) set(device, value);
  }

  public OnnxScorer setThreads(int value) {
    return (OnnxScorer) set(threads, value);
  }

  public OnnxScorer setBatchSize(int value) {
    return (OnnxScorer) set(batchSize, value);
  }

  public OnnxScorer setGpuBatchSize(int value) {
    return (OnnxScorer) set(gpuBatchSize, value);
  }

  public OnnxScorer setNonFinite(String value) {
    return (OnnxScorer) set(nonFinite, value);
  }

  /** Replaces {@link #settings()}: {@code key=value} strings. */
  public OnnxScorer setSettings(String... values) {
    return (OnnxScorer) set(settings, values.clone());
  }

  /** Adds {@code key=value} to {@link #settings()}; a later setting of the same key wins. */
  public OnnxScorer addSetting(String key, String value) {
    List<String> all = new ArrayList<>(Arrays.asList(getOrDefault(settings)));
    all.add(key + "=" + value);
    return (OnnxScorer) set(settings, all.toArray(String[]::new));
  }

  public OnnxScorer setRejectedRows(String value) {
    return (OnnxScorer) set(rejectedRows, value);
  }

  /**
   * Every param as a {@code key=value} setting for the job parser: the typed ones that are set,
   * then {@link #settings()} in order.
   */
  List<String> jobSettings() {
    List<String> out = new ArrayList<>();
    addIfSet(out, modelUri, JobProperties.MODEL_URI);
    addIfSet(out, modelSha256, JobProperties.MODEL_SHA256);
    addIfSet(out, device, JobProperties.MODEL_DEVICE);
    addIfSet(out, threads, JobProperties.MODEL_THREADS);
    addIfSet(out, batchSize, JobProperties.INFERENCE_BATCH_SIZE);
    addIfSet(out, gpuBatchSize, JobProperties.INFERENCE_GPU_BATCH_SIZE);
    addIfSet(out, nonFinite, JobProperties.INFERENCE_NON_FINITE);
    out.addAll(Arrays.asList(getOrDefault(settings)));
    return out;
  }

  private void addIfSet(List<String> out, Param<?> p, String key) {
    if (isSet(p)) {
      out.add(key + "=" + getOrDefault(p));
    }
  }

  /** The typed config of the params; fails (exit code 2) naming a bad key or value. */
  JobConfig config() {
    return ScorerSettings.parse(jobSettings(), "OnnxScorer " + uid);
  }

  /** The driver-side predictor for the current params, made once per distinct settings. */
  private Predictor predictor(SparkSession spark, List<String> current, JobConfig config) {
    if (predictor == null || !current.equals(predictorSettings)) {
      predictor = Predictor.create(spark, config.model(), config.inference());
      predictorSettings = current;
    }
    return predictor;
  }

  private ScoreOptions options(List<String> passThrough) {
    String mode = getOrDefault(rejectedRows);
    ScoreOptions o = ScoreOptions.of(passThrough);
    return switch (mode) {
      case "keep" -> o.keepingRejected();
      case "drop" -> o.droppingRejected();
      case "fail" -> o;
      default -> throw NightshiftException.invalid(
          "OnnxScorer %s: param rejectedRows is '%s'; expected one of %s", uid, mode, REJECTED_ROWS);
    };
  }

  private static Set<String> mappedColumns(JobConfig config) {
    Set<String> mapped = new LinkedHashSet<>();
    for (InputMapping m : config.inference().inputs()) {
      mapped.addAll(m.columns());
    }
    return mapped;
  }

  /**
   * The input's schema with the result columns appended. Parses the params and reads the model's
   * signature (on the driver); runs no Spark job and no inference.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    List<String> current = jobSettings();
    JobConfig config = ScorerSettings.parse(current, "OnnxScorer " + uid);
    VectorColumns vectors = VectorColumns.of(schema, mappedColumns(config));
    ScoreOptions options = options(vectors.passThrough());
    Predictor p = predictor(SparkSession.active(), current, config);
    return vectors.restore(p.resultSchema(vectors.arraySchema(), options));
  }

  /** Appends the result columns; lazy. */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    List<String> current = jobSettings();
    JobConfig config = ScorerSettings.parse(current, "OnnxScorer " + uid);
    VectorColumns vectors = VectorColumns.of(dataset.schema(), mappedColumns(config));
    ScoreOptions options = options(vectors.passThrough());
    Predictor p = predictor(dataset.sparkSession(), current, config);
    return vectors.restore(p.score(vectors.arrays(dataset.toDF()), options).rows());
  }

  @Override
  public OnnxScorer copy(ParamMap extra) {
    return (OnnxScorer) defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return new OnnxScorerWriter(this);
  }

  /** The reader {@code PipelineModel.load} finds by reflection. */
  public static MLReader<OnnxScorer> read() {
    return new OnnxScorerReader();
  }

  /** Loads a stage saved by {@link #save}, checking its model copy against the saved sha256. */
  public static OnnxScorer load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "OnnxScorer " + uid;
  }
}
