package io.nightshift.spark;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.config.JobProperties;
import io.nightshift.model.ExternalDataGuard;
import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSource;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a {@code Dataset<Row>} with an ONNX model: the public entry point of the library, and
 * what the job uses. Built on the driver from the typed config: it reads the model once, checks
 * its checksum, reads its signature, and ships it to executors as one compressed broadcast. Each
 * executor JVM then keeps one session per (model, device), shared by its tasks.
 *
 * <pre>{@code
 * Predictor p = Predictor.create(spark, config.model(), config.inference());
 * Dataset<Row> scored = p.transform(df);                 // strict: a bad row fails its task
 * Scored s = p.score(df, ScoreOptions.of(passThrough).rejectingTo(dir)); // bad rows staged in dir
 * }</pre>
 *
 * Not thread-safe; use one per job. Holds no native resources on the driver once created.
 */
public final class Predictor {
  private static final Logger LOG = LoggerFactory.getLogger(Predictor.class);

  private final SparkSession spark;
  private final ModelSpec model;
  private final InferenceSpec inference;
  private final ModelSignature signature;
  private final ModelPayload payload;
  private Broadcast<ModelPayload> broadcast;
  private Broadcast<HadoopConf> hadoopConf;

  private Predictor(SparkSession spark, ModelSpec model, InferenceSpec inference,
      ModelSignature signature, ModelPayload payload) {
    this.spark = spark;
    this.model = model;
    this.inference = inference;
    this.signature = signature;
    this.payload = payload;
  }

  /** Reads, verifies and inspects the model. Fails (exit code 2) naming the model file. */
  public static Predictor create(SparkSession spark, ModelSpec model, InferenceSpec inference) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    byte[] bytes = ModelSource.read(model.uri(), conf);
    String sha = ModelPayload.sha256(bytes);
    if (!model.sha256().isEmpty() && !model.sha256().equals(sha)) {
      throw NightshiftException.invalid(
          "model.sha256: model file %s has sha256 %s, the job pins %s", model.uri(), sha, model.sha256());
    }
    String library = customOpsLibrary(model);
    ModelSignature signature = inspect(bytes, model.uri(), library);
    ModelPayload payload = ModelPayload.of(bytes);
    LOG.info("Model {}: sha256 {}, {} bytes, {} bytes compressed", model.uri(), sha, bytes.length,
        payload.compressedSize());
    return new Predictor(spark, model, inference, signature, payload);
  }

  /**
   * The custom-op library the job registers, or "" for none. Native code is loaded only when the
   * job allows it; the library must be a readable local file (every executor needs the same path).
   */
  private static String customOpsLibrary(ModelSpec model) {
    String library = model.customOpsLibrary();
    if (library.isEmpty()) {
      return "";
    }
    if (!model.allowCustomOps()) {
      throw NightshiftException.invalid(
          "%s: %s is native code, loaded only when %s is true",
          JobProperties.MODEL_CUSTOM_OPS_LIBRARY, library, JobProperties.MODEL_ALLOW_CUSTOM_OPS);
    }
    java.nio.file.Path file = java.nio.file.Path.of(library.startsWith("file:") ? library.substring(5) : library);
    if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
      throw NightshiftException.invalid(
          "%s: %s is not a readable local file (executors load it from the same path)",
          JobProperties.MODEL_CUSTOM_OPS_LIBRARY, library);
    }
    return file.toAbsolutePath().toString();
  }

  /**
   * The signature of a model file's bytes, read through a short-lived CPU session, once {@link
   * ExternalDataGuard} has checked that the model reads no external data outside its folder.
   */
  public static ModelSignature inspect(byte[] bytes, String name) {
    return inspect(bytes, name, "");
  }

  private static ModelSignature inspect(byte[] bytes, String name, String customOpsLibrary) {
    ExternalDataGuard.check(bytes, name);
    ScoringSession session;
    try {
      session = SessionFactory.create(
          bytes, name, Device.CPU, Enums.Device.CPU, 1, io.nightshift.config.JobConfig.CudaOptions.DEFAULTS,
          customOpsLibrary);
    } catch (NightshiftException e) {
      if (e.exitCode() == io.nightshift.ExitCode.INVALID) {
        throw e;
      }
      throw NightshiftException.invalid(
          e, "model file %s is not a loadable ONNX model: %s", name, rootMessage(e));
    }
    try (session) {
      return ModelSignature.of(session.session(), name);
    } catch (ai.onnxruntime.OrtException e) {
      throw new NightshiftException(e, "cannot close the inspection session of %s", name);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  public ModelSignature signature() {
    return signature;
  }

  public String modelSha256() {
    return payload.sha256();
  }

  public long modelSize() {
    return payload.size();
  }

  public long shippedSize() {
    return payload.compressedSize();
  }

  /**
   * The schema scoring {@code input} would produce, checking every mapping against the schema
   * and the model. Runs nothing.
   */
  public StructType resultSchema(StructType input, ScoreOptions options) {
    return bind(input, options).outputSchema();
  }

  /**
   * Looks at the first {@code rows} non-null values of every array column that feeds a model input
   * of fixed length, which a schema cannot show, and fails (exit code 2) when none of them has the
   * length the model needs: then the column is the wrong one, not a few rows bad. Runs one small
   * Spark job per such column, reading only the start of the input; runs no inference.
   */
  public void checkSampledArrays(Dataset<Row> input, ScoreOptions options, int rows) {
    Binding b = bind(input.schema(), options);
    for (FeatureInput in : b.inputs()) {
      if (!in.arrayColumn() || in.width() < 0) {
        continue;
      }
      String c = in.columns().get(0).name();
      List<Row> sample =
          input.select(functions.size(functions.col("`" + c + "`")))
              .where(functions.col("`" + c + "`").isNotNull())
              .limit(rows)
              .collectAsList();
      java.util.SortedSet<Integer> lengths = new java.util.TreeSet<>();
      sample.forEach(r -> lengths.add(r.getInt(0)));
      if (!sample.isEmpty() && !lengths.contains(in.width())) {
        throw NightshiftException.invalid(
            "%s: column '%s' holds arrays of %s values in its first %d rows, model input '%s' needs %d",
            JobProperties.forName(JobProperties.INFERENCE_INPUT_COLUMNS, in.modelInput()),
            c, lengths.size() == 1 ? lengths.first() : lengths.toString(), sample.size(), in.modelInput(),
            in.width());
      }
    }
  }

  /** Scores every row, keeping every input column; a row that cannot be scored fails its task. */
  public Dataset<Row> transform(Dataset<Row> input) {
    return score(input, ScoreOptions.of(List.of(input.columns()))).rows();
  }

  /**
   * Opens (or finds) the model's session on the executors through {@code tasks} small tasks and
   * reports the device each really got. Run before scoring when the job needs a GPU, so a missing
   * CUDA library fails the run before anything is written; the sessions stay cached for scoring.
   */
  public List<DeviceReport> probeDevices(int tasks) {
    ScoringPlan plan = plan(List.of(), List.of(), new StructType(), new int[0], new StructType(), null, null);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      slots.add(i);
    }
    return jsc.parallelize(slots, tasks)
        .mapPartitions(it -> {
          try (io.nightshift.onnx.SessionCache.Lease lease = PartitionScorer.lease(plan)) {
            io.nightshift.onnx.ScoringSession s = lease.session();
            String executor = org.apache.spark.SparkEnv.get() == null ? "driver" : org.apache.spark.SparkEnv.get().executorId();
            return List.of(new DeviceReport(executor, s.device().id(), s.provider(), s.fallbackReason(),
                io.nightshift.onnx.SessionCache.shared().sessionsCreated())).iterator();
          }
        })
        .collect();
  }

  /** Scores {@code input} as {@code options} say. Lazy: nothing runs until the rows are used. */
  public Scored score(Dataset<Row> input, ScoreOptions options) {
    Binding b = bind(input.schema(), options);
    CollectionAccumulator<TaskReport> reports = spark.sparkContext().collectionAccumulator("nightshift.tasks");
    ScoringPlan plan = plan(b.inputs(), b.outputs(), input.schema(), b.passThrough(), b.outputSchema(),
        options.rejectDir(), reports);
    RDD<InternalRow> rows = ((org.apache.spark.sql.classic.Dataset<Row>) input).queryExecution().toRdd();
    RDD<InternalRow> scored = rows.toJavaRDD().mapPartitions(new PartitionScorer(plan)).rdd();
    Dataset<Row> out =
        ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(scored, b.outputSchema(), false);
    return new Scored(out, reports, b.outputSchema());
  }

  private ScoringPlan plan(List<FeatureInput> inputs, List<ResultOutput> outputs, StructType inputSchema,
      int[] passThrough, StructType outputSchema, String rejectDir, CollectionAccumulator<TaskReport> reports) {
    if (broadcast == null) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      broadcast = jsc.broadcast(payload);
      hadoopConf = jsc.broadcast(new HadoopConf(new Configuration(spark.sparkContext().hadoopConfiguration())));
    }
    return new ScoringPlan(
        model.uri(),
        payload.sha256(),
        broadcast,
        model,
        threads(),
        inference.batchSize(),
        inference.gpuBatchSize(),
        inference.nonFinite(),
        inputs,
        outputs,
        inputSchema,
        passThrough,
        outputSchema,
        rejectDir,
        hadoopConf,
        reports);
  }

  private int threads() {
    if (model.threads() > 0) {
      return model.threads();
    }
    return Math.max(1, spark.sparkContext().conf().getInt("spark.task.cpus", 1));
  }

  private Binding bind(StructType schema, ScoreOptions options) {
    SignatureBinder binder = new SignatureBinder(signature, model.uri());
    List<FeatureInput> inputs = binder.inputs(schema, inference, options.textNumbers());
    List<ResultOutput> outputs = binder.outputs(inference);
    int[] pass = new int[options.passThrough().size()];
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < pass.length; i++) {
      String c = options.passThrough().get(i);
      try {
        pass[i] = schema.fieldIndex(c);
      } catch (IllegalArgumentException e) {
        throw NightshiftException.invalid(
            "output.pass-through: column '%s' is not in the input (its columns: %s)",
            c, String.join(", ", schema.fieldNames()));
      }
      fields.add(schema.fields()[pass[i]]);
    }
    for (ResultOutput o : outputs) {
      fields.addAll(List.of(o.fields()));
    }
    return new Binding(inputs, outputs, pass, new StructType(fields.toArray(StructField[]::new)));
  }

  private record Binding(
      List<FeatureInput> inputs, List<ResultOutput> outputs, int[] passThrough, StructType outputSchema) {}

  /** Scored rows, and the per-task reports that fill in once an action has run over them. */
  public record Scored(Dataset<Row> rows, CollectionAccumulator<TaskReport> reports, StructType schema) {}
}
