package io.nightshift.spark;

import io.nightshift.batch.FeatureInput;
import io.nightshift.batch.SignatureBinder;
import io.nightshift.result.ResultOutput;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.config.JobProperties;
import io.nightshift.model.ExternalDataGuard;
import io.nightshift.model.BroadcastModel;
import io.nightshift.model.FileModel;
import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSource;
import io.nightshift.model.ShippedModel;
import io.nightshift.model.optimize.EmbeddingTable;
import io.nightshift.model.optimize.OptimizeReport;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionFactory;
import io.nightshift.quality.ColumnNames;
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
 * its checksum, applies {@code model.precision}, reads its signature, and ships it to executors as
 * one compressed broadcast or as files fetched once per executor ({@code model.distribution}).
 * Each executor JVM then keeps one session per (model, device), shared by its tasks. A text model's
 * tokenizer travels as a second broadcast, checked by sha256, and is built once per executor JVM;
 * see {@code docs/text.md}.
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
  private final ModelPreparer.Prepared prepared;
  private final ModelPayload tokenizer;
  private ModelPayload payload;
  private ShippedModel shipped;
  private Broadcast<ModelPayload> tokenizerBroadcast;
  private Broadcast<HadoopConf> hadoopConf;
  /** A pages job's recognizer, classifier and dictionary, read and checked on the driver; else null. */
  private PageModels pageModels;
  private PagePlan pagePlan;

  /** A pages job's other models as read on the driver. */
  private record PageModels(ModelPayload recognition, ModelPayload classifier, io.nightshift.result.CtcDecoder ctc) {}

  private Predictor(SparkSession spark, ModelSpec model, InferenceSpec inference,
      ModelPreparer.Prepared prepared, ModelPayload tokenizer) {
    this.spark = spark;
    this.model = model;
    this.inference = inference;
    this.prepared = prepared;
    this.tokenizer = tokenizer;
  }

  /**
   * Reads, verifies and inspects the model, applies {@code model.precision} and chooses how it is
   * shipped. Fails (exit code 2) naming the model file.
   */
  public static Predictor create(SparkSession spark, ModelSpec model, InferenceSpec inference) {
    ModelPreparer.Prepared prepared = ModelPreparer.prepare(spark.sparkContext(), model);
    ModelPayload tokenizer = null;
    if (model.hasTokenizer()) {
      tokenizer = readTokenizer(model.tokenizer(), inference, spark.sparkContext().hadoopConfiguration(), prepared,
          model.uri());
    } else if (inference.text() != null) {
      throw NightshiftException.invalid("inference.text.column is set but model.tokenizer is not");
    }
    int fixedBatch = new SignatureBinder(prepared.signature(), model.uri()).fixedBatch();
    if (fixedBatch > 0) {
      LOG.info("Model {} fixes its batch at {} rows: runs of exactly {} rows whatever {} says,"
              + " the last one padded (its padding discarded)",
          model.uri(), fixedBatch, fixedBatch, JobProperties.INFERENCE_BATCH_SIZE);
    }
    if (prepared.batchDependent() != null && fixedBatch == 0) {
      LOG.info("Model {} quantizes activations per call ({}): scored one row per call whatever {} says, so a"
              + " row's result does not depend on its neighbours", model.uri(), prepared.batchDependent(),
          JobProperties.INFERENCE_BATCH_SIZE);
    }
    Predictor p = new Predictor(spark, model, inference, prepared, tokenizer);
    if (inference.image() != null && inference.image().pages() != null) {
      p.pageModels = readPages(inference.image().pages(), spark.sparkContext().hadoopConfiguration(),
          prepared.signature(), model.uri());
    }
    return p;
  }

  /**
   * Reads and checks a pages job's models and dictionary (exit code 2 naming the key): the
   * detection model ({@code model.uri}) maps [N, 3, H, W] to a [N, 1, H, W] probability map, the
   * recognizer [N, 3, 48, W] to [N, T, classes] with as many classes as the dictionary gives, the
   * classifier [N, 3, 48, 192] to [N, 2].
   */
  private static PageModels readPages(io.nightshift.config.JobConfig.PagesSpec pages, Configuration conf,
      ModelSignature detection, String detectionUri) {
    checkPageModel(detection, detectionUri, JobProperties.MODEL_URI, 4, 1, "a [N, 1, H, W] probability map");
    io.nightshift.result.CtcDecoder ctc;
    try {
      String d = pages.dictionary();
      ctc = io.nightshift.result.CtcDecoder.paddle(java.nio.file.Path.of(d.startsWith("file:") ? d.substring(5) : d));
    } catch (NightshiftException e) {
      throw NightshiftException.invalid(e, "%s: %s", JobProperties.INFERENCE_PAGES_DICTIONARY, e.getMessage());
    }
    byte[] rec = ModelSource.read(pages.recognitionModel(), conf, "recognition model", "an ONNX file");
    ModelSignature recognition = inspect(rec, pages.recognitionModel());
    ModelSignature.TensorSpec out = checkPageModel(recognition, pages.recognitionModel(),
        JobProperties.INFERENCE_PAGES_RECOGNITION_MODEL, 3, 0, "[N, T, classes] per-step probabilities");
    long classes = out.shape()[2];
    if (classes > 0 && classes != ctc.classes()) {
      throw NightshiftException.invalid(
          "%s: dictionary %s gives %d classes (blank + %d entries + space), but %s (%s) outputs %d per step:"
              + " they belong to different models",
          JobProperties.INFERENCE_PAGES_DICTIONARY, pages.dictionary(), ctc.classes(), ctc.classes() - 2,
          pages.recognitionModel(), JobProperties.INFERENCE_PAGES_RECOGNITION_MODEL, classes);
    }
    ModelPayload classifier = null;
    if (!pages.classifierModel().isEmpty()) {
      byte[] cls = ModelSource.read(pages.classifierModel(), conf, "classifier model", "an ONNX file");
      checkPageModel(inspect(cls, pages.classifierModel()), pages.classifierModel(),
          JobProperties.INFERENCE_PAGES_CLASSIFIER_MODEL, 2, 2, "[N, 2] (0 and 180 degrees)");
      classifier = ModelPayload.of(cls);
    }
    LOG.info("Pages job: detection {}, recognition {} ({} classes){}", detectionUri, pages.recognitionModel(),
        ctc.classes(), classifier == null ? ", no orientation step" : ", orientation " + pages.classifierModel());
    return new PageModels(ModelPayload.of(rec), classifier, ctc);
  }

  /**
   * Fails (exit code 2) naming {@code key} unless the model's first input is a float [N, 3, H, W]
   * and its first output a float tensor of {@code rank} whose dimension 1 is {@code dim1} (0: any).
   */
  private static ModelSignature.TensorSpec checkPageModel(ModelSignature signature, String uri, String key,
      int rank, long dim1, String wanted) {
    ModelSignature.TensorSpec in = signature.inputs().values().iterator().next();
    if (in.type() != ai.onnxruntime.OnnxJavaType.FLOAT || in.shape().length != 4
        || (in.shape()[1] > 0 && in.shape()[1] != 3)) {
      throw NightshiftException.invalid("%s: model %s's first input '%s' is %s %s; a pages job feeds it a float"
          + " [N, 3, H, W] image", key, uri, in.name(), in.type(), java.util.Arrays.toString(in.shape()));
    }
    ModelSignature.TensorSpec out = signature.outputs().values().iterator().next();
    if (out.kind() != ModelSignature.Kind.TENSOR || out.type() != ai.onnxruntime.OnnxJavaType.FLOAT
        || out.shape().length != rank || (dim1 > 0 && out.shape()[1] > 0 && out.shape()[1] != dim1)) {
      throw NightshiftException.invalid("%s: model %s's first output '%s' is %s %s; a pages job needs %s", key,
          uri, out.name(), out.typeName(), java.util.Arrays.toString(out.shape()), wanted);
    }
    return out;
  }

  /**
   * Reads the tokenizer file and checks, by building it once, that it is one, and that its
   * vocabulary is the model's: as many ids as rows in the embedding table its ids input indexes.
   */
  private static ModelPayload readTokenizer(String uri, InferenceSpec inference, Configuration conf,
      ModelPreparer.Prepared prepared, String modelUri) {
    byte[] json = ModelSource.read(uri, conf, "tokenizer file", "a tokenizer.json");
    if (inference.text() == null) {
      throw NightshiftException.invalid("model.tokenizer is set but inference.text.column is not");
    }
    try (io.nightshift.text.TextTokenizer t = TextSetup.load(json, uri, inference.text())) {
      t.encode("Nightshift checks its tokenizer.");
    }
    checkVocabulary(json, uri, prepared.embeddings().get(inference.text().idsInput()), modelUri,
        inference.text().idsInput());
    ModelPayload payload = ModelPayload.of(json);
    LOG.info("Tokenizer {}: sha256 {}, {} bytes", uri, payload.sha256(), json.length);
    return payload;
  }

  /**
   * Fails (exit code 2) naming both files when the tokenizer can give ids the table lacks (ONNX
   * Runtime would fail the batch) or the table holds ids the tokenizer never gives (the ids mean
   * other tokens: garbage, exit 0). A table at most 127 rows larger and a multiple of 8 is padding,
   * as some exports round it: logged, accepted.
   */
  private static void checkVocabulary(byte[] json, String tokenizerUri, EmbeddingTable.Table table, String modelUri,
      String idsInput) {
    if (table == null) {
      LOG.info("Model {}: no embedding table found behind input '{}'; the tokenizer's vocabulary is not checked",
          modelUri, idsInput);
      return;
    }
    long vocabulary = io.nightshift.text.Vocabulary.size(json, tokenizerUri);
    long rows = table.rows();
    if (vocabulary == rows) {
      return;
    }
    if (rows > vocabulary && rows - vocabulary < 128 && rows % 8 == 0) {
      LOG.info("Model {}: embedding table of {} rows for a vocabulary of {} (padding)", modelUri, rows, vocabulary);
      return;
    }
    throw NightshiftException.invalid(
        "tokenizer %s (%s) has a vocabulary of %d ids, but model %s embeds input '%s' with a table of %d rows"
            + " (Gather '%s'): they belong to different models",
        tokenizerUri, JobProperties.MODEL_TOKENIZER, vocabulary, modelUri, idsInput, rows, table.gather());
  }

  /**
   * A predictor for the same prepared model with other mappings (e.g. raw outputs for an accuracy
   * check). Ships the model now, if not yet, and shares that shipment: one broadcast for both.
   */
  public Predictor withInference(InferenceSpec other) {
    ship();
    Predictor p = new Predictor(spark, model, other, prepared, tokenizer);
    p.payload = payload;
    p.shipped = shipped;
    p.tokenizerBroadcast = tokenizerBroadcast;
    p.hadoopConf = hadoopConf;
    p.pageModels = pageModels;
    p.pagePlan = pagePlan;
    return p;
  }

  /** The model spec this predictor was made from. */
  public ModelSpec model() {
    return model;
  }

  /** The inference spec this predictor was made from. */
  public InferenceSpec inference() {
    return inference;
  }

  /** True when the shipped model is an optimized rewrite of the model file (model.precision). */
  public boolean optimized() {
    return prepared.optimized();
  }

  /** What the optimizer did, or empty when model.precision is fp32. */
  public java.util.Optional<OptimizeReport> optimizeReport() {
    return java.util.Optional.ofNullable(prepared.report());
  }

  /** How the model travels to executors: broadcast or files. */
  public Enums.Distribution distribution() {
    return prepared.distribution();
  }

  /**
   * The custom-op library the job registers, or "" for none. Native code is loaded only when the
   * job allows it; the library must be a readable local file (every executor needs the same path).
   */
  static String customOpsLibrary(ModelSpec model) {
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

  static ModelSignature inspect(byte[] bytes, String name, String customOpsLibrary) {
    ExternalDataGuard.check(bytes, name);
    return inspect(() -> SessionFactory.create(
        bytes, name, Device.CPU, Enums.Device.CPU, 1, io.nightshift.config.JobConfig.CudaOptions.DEFAULTS,
        customOpsLibrary), name);
  }

  /**
   * The signature of the local model file {@code file}, loaded by ONNX Runtime from its path (never
   * through a Java array); {@code skeleton} is its graph without weights ({@link
   * io.nightshift.model.ModelSkeleton}), checked first as {@link #inspect(byte[], String)} checks the bytes.
   */
  public static ModelSignature inspect(java.nio.file.Path file, ai.onnx.proto.OnnxMl.ModelProto skeleton, String name) {
    ExternalDataGuard.check(skeleton, name);
    return inspect(() -> SessionFactory.create(
        file, name, Device.CPU, Enums.Device.CPU, 1, io.nightshift.config.JobConfig.CudaOptions.DEFAULTS, ""), name);
  }

  private static ModelSignature inspect(java.util.function.Supplier<ScoringSession> open, String name) {
    ScoringSession session;
    try {
      session = open.get();
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

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  public ModelSignature signature() {
    return prepared.signature();
  }

  /** The shipped model's identity: its sha256 (over every file when it has external data). */
  public String modelSha256() {
    return prepared.sha256();
  }

  /** The sha256 of a pages job's recognition model, or null for other jobs. */
  public String recognitionSha256() {
    return pageModels == null ? null : pageModels.recognition().sha256();
  }

  /** The sha256 of a pages job's orientation classifier, or null when it has none. */
  public String classifierSha256() {
    return pageModels == null || pageModels.classifier() == null ? null : pageModels.classifier().sha256();
  }

  /** The sha256 of the tokenizer.json, or null when the model takes no text. */
  public String tokenizerSha256() {
    return tokenizer == null ? null : tokenizer.sha256();
  }

  /** Bytes of the shipped model, external data included. */
  public long modelSize() {
    return prepared.size();
  }

  /**
   * Bytes sent to each executor: the compressed broadcast (uncompressed in local mode, where it never
   * leaves the driver's JVM), or the files.
   */
  public long shippedSize() {
    return prepared.distribution() == Enums.Distribution.BROADCAST
        ? payload().compressedSize()
        : prepared.size();
  }

  private ModelPayload payload() {
    if (payload == null) {
      // The digest is the one prepare() computed of these very bytes; local mode ships nothing.
      payload = ModelPayload.of(prepared.bytes(), prepared.sha256(), !spark.sparkContext().isLocal());
    }
    return payload;
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
    ScoringPlan plan = plan(List.of(), List.of(), new StructType(), new int[0], new StructType(), null, null,
        ScoreOptions.RejectedRows.STAGED);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      slots.add(i);
    }
    return jsc.parallelize(slots, tasks)
        .mapPartitions(it -> {
          try (io.nightshift.cache.LeaseCache.Lease<io.nightshift.onnx.ScoringSession> lease = PartitionScorer.lease(plan)) {
            io.nightshift.onnx.ScoringSession s = lease.value();
            String executor = org.apache.spark.SparkEnv.get() == null ? "driver" : org.apache.spark.SparkEnv.get().executorId();
            return List.of(new DeviceReport(executor, s.device().id(), s.provider(), s.fallbackReason(),
                io.nightshift.onnx.SessionCache.shared().sessionsCreated())).iterator();
          }
        })
        .collect();
  }

  /**
   * A function that scores one row per call, for row-at-a-time SQL UDFs: it takes the job's mapped
   * columns (every {@code inference.inputs.*.columns}, in order) as numbers, through the same
   * partition scorer with a batch of one. Tabular models only.
   */
  public RowFunction rowFunction() {
    if (inference.text() != null || inference.image() != null) {
      throw NightshiftException.invalid("%s: a row function takes numeric columns, not text or images", model.uri());
    }
    List<StructField> features = new ArrayList<>();
    for (io.nightshift.config.JobConfig.InputMapping m : inference.inputs()) {
      for (String c : m.columns()) {
        features.add(new StructField(c, org.apache.spark.sql.types.DataTypes.DoubleType, true,
            org.apache.spark.sql.types.Metadata.empty()));
      }
    }
    StructType schema = new StructType(features.toArray(StructField[]::new));
    Predictor one = withInference(
        new InferenceSpec(1, 1, inference.inputs(), inference.outputs(), inference.nonFinite(), null));
    ScoreOptions options = ScoreOptions.of(List.of()).keepingRejected();
    Binding b = one.bind(schema, options);
    ScoringPlan plan = one.plan(b.inputs(), b.outputs(), schema, b.passThrough(), b.outputSchema(), null, null,
        options.rejected());
    StructField[] all = b.outputSchema().fields();
    return new RowFunction(plan, new StructType(java.util.Arrays.copyOf(all, all.length - 2)));
  }

  /** Scores {@code input} as {@code options} say. Lazy: nothing runs until the rows are used. */
  public Scored score(Dataset<Row> input, ScoreOptions options) {
    Binding b = bind(input.schema(), options);
    CollectionAccumulator<TaskReport> reports = spark.sparkContext().collectionAccumulator("nightshift.tasks");
    ScoringPlan plan = plan(b.inputs(), b.outputs(), input.schema(), b.passThrough(), b.outputSchema(),
        options.rejectDir(), reports, options.rejected());
    RDD<InternalRow> scored =
        scoredRows(input, new PartitionScorer(plan), plan.text() == null && plan.image() == null);
    Dataset<Row> out =
        ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(scored, b.outputSchema(), false);
    return new Scored(out, reports, b.outputSchema());
  }

  /** Broadcasts the model (or its file list) and the Hadoop conf, once per predictor family. */
  private void ship() {
    if (shipped == null) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      shipped = prepared.distribution() == Enums.Distribution.BROADCAST
          ? new BroadcastModel(prepared.sha256(), jsc.broadcast(payload()))
          : new FileModel(prepared.bundle(), model.cacheDir());
      tokenizerBroadcast = tokenizer == null ? null : jsc.broadcast(tokenizer);
      hadoopConf = jsc.broadcast(new HadoopConf(new Configuration(spark.sparkContext().hadoopConfiguration())));
      if (pageModels != null) {
        // The recognizer and classifier always travel as broadcasts (small models), checked by sha256.
        io.nightshift.config.JobConfig.PagesSpec spec = inference.image().pages();
        ModelPayload rec = pageModels.recognition();
        ModelPayload cls = pageModels.classifier();
        pagePlan = new PagePlan(spec.recognitionModel(), rec.sha256(),
            new BroadcastModel(rec.sha256(), jsc.broadcast(rec)),
            cls == null ? null : spec.classifierModel(), cls == null ? null : cls.sha256(),
            cls == null ? null : new BroadcastModel(cls.sha256(), jsc.broadcast(cls)),
            pageModels.ctc(), io.nightshift.ocr.PageSettings.paddle(), spec.column());
      }
    }
  }

  /**
   * Runs the scorer over the input's rows. When the input is a plain columnar scan (Parquet's
   * vectorized reader, its columns exactly the Dataset's), the scorer reads the scan's column
   * batches in place, skipping Spark's conversion of each row to an UnsafeRow and the copy the
   * scorer would otherwise keep; any other plan goes through its rows.
   */
  private static RDD<InternalRow> scoredRows(Dataset<Row> input, PartitionScorer scorer, boolean columnarAllowed) {
    org.apache.spark.sql.execution.QueryExecution qe =
        ((org.apache.spark.sql.classic.Dataset<Row>) input).queryExecution();
    org.apache.spark.sql.execution.SparkPlan top = qe.executedPlan();
    if (top instanceof org.apache.spark.sql.execution.WholeStageCodegenExec w) {
      top = w.child();
    }
    org.apache.spark.sql.execution.SparkPlan source = null;
    if (top instanceof org.apache.spark.sql.execution.ColumnarToRowExec c2r) {
      source = c2r.child();
      if (source instanceof org.apache.spark.sql.execution.InputAdapter adapter) {
        source = adapter.child(); // whole-stage codegen wraps the scan
      }
    }
    if (columnarAllowed
        && source instanceof org.apache.spark.sql.execution.FileSourceScanExec scan
        && scan.supportsColumnar()
        && scan.schema().equals(input.schema())) {
      LOG.info("Reading the columnar batches of {} in place (no row conversion)", scan.nodeName());
      return scan.executeColumnar().toJavaRDD().mapPartitions(scorer.columnar()).rdd();
    }
    return qe.toRdd().toJavaRDD().mapPartitions(scorer).rdd();
  }

  private ScoringPlan plan(List<FeatureInput> inputs, List<ResultOutput> outputs, StructType inputSchema,
      int[] passThrough, StructType outputSchema, String rejectDir, CollectionAccumulator<TaskReport> reports,
      ScoreOptions.RejectedRows rejected) {
    ship();
    return new ScoringPlan(
        model.uri(),
        shipped.sha256(),
        shipped,
        model,
        threads(),
        rowsPerCall(inference.batchSize()),
        rowsPerCall(inference.gpuBatchSize()),
        inference.nonFinite(),
        inputs,
        outputs,
        inputSchema,
        passThrough,
        outputSchema,
        rejectDir,
        hadoopConf,
        reports,
        tokenizerBroadcast,
        model.tokenizer(),
        inference.text(),
        inference.image(),
        new SignatureBinder(prepared.signature(), model.uri()).fixedBatch(),
        spark.sessionState().conf().sessionLocalTimeZone(),
        rejected,
        pagePlan);
  }

  /**
   * The rows per ONNX Runtime call: as configured, or 1 when the shipped model quantizes activations
   * over each call (a batch of rows would share one scale, so a row's result would depend on its
   * neighbours).
   */
  private int rowsPerCall(int configured) {
    return prepared.batchDependent() == null ? configured : 1;
  }

  private int threads() {
    if (model.threads() > 0) {
      return model.threads();
    }
    return Math.max(1, spark.sparkContext().conf().getInt("spark.task.cpus", 1));
  }

  private Binding bind(StructType schema, ScoreOptions options) {
    SignatureBinder binder = new SignatureBinder(prepared.signature(), model.uri());
    List<FeatureInput> inputs = binder.inputs(schema, inference, options.textNumbers());
    List<ResultOutput> outputs = binder.outputs(inference);
    int[] pass = new int[options.passThrough().size()];
    List<StructField> fields = new ArrayList<>();
    List<ColumnNames.Named> names = new ArrayList<>();
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
      names.add(new ColumnNames.Named(c, JobProperties.OUTPUT_PASS_THROUGH));
    }
    List<StructField> results = new ArrayList<>();
    for (ResultOutput o : outputs) {
      results.addAll(List.of(o.fields()));
      for (StructField f : o.fields()) {
        names.add(new ColumnNames.Named(f.name(),
            JobProperties.forName(JobProperties.INFERENCE_OUTPUT_COLUMN, o.mapping().modelOutput())));
      }
    }
    if (inference.image() != null && inference.image().pages() != null) {
      String c = inference.image().pages().column();
      results.add(new StructField(c, io.nightshift.ocr.PageRows.LINES, false,
          org.apache.spark.sql.types.Metadata.empty()));
      names.add(new ColumnNames.Named(c, JobProperties.INFERENCE_PAGES_COLUMN));
    }
    for (StructField f : SignatureBinder.textFields(inference.text())) {
      results.add(f);
      names.add(new ColumnNames.Named(f.name(), f.name().equals(inference.text().truncatedColumn())
          ? JobProperties.INFERENCE_TEXT_TRUNCATED_COLUMN : JobProperties.INFERENCE_TEXT_REASON_COLUMN));
    }
    for (StructField f : results) {
      // A kept rejected row has null results.
      fields.add(options.rejected() == ScoreOptions.RejectedRows.KEPT ? f.copy(f.name(), f.dataType(), true, f.metadata()) : f);
    }
    if (options.rejected() == ScoreOptions.RejectedRows.KEPT) {
      for (String c : List.of(ScoreOptions.REASON_CODE_COLUMN, ScoreOptions.REASON_COLUMN)) {
        if (fields.stream().anyMatch(f -> f.name().equalsIgnoreCase(c))) {
          throw NightshiftException.invalid(
              "rejected rows are kept with a '%s' column, and the result already has one: rename it", c);
        }
        fields.add(new StructField(c, org.apache.spark.sql.types.DataTypes.StringType, true,
            org.apache.spark.sql.types.Metadata.empty()));
        names.add(new ColumnNames.Named(c, "the kept rejected rows' reason column"));
      }
    }
    ColumnNames.checkDistinct(spark.sessionState().conf(), "the output", names);
    return new Binding(inputs, outputs, pass, new StructType(fields.toArray(StructField[]::new)));
  }

  private record Binding(
      List<FeatureInput> inputs, List<ResultOutput> outputs, int[] passThrough, StructType outputSchema) {}

  /** Scored rows, and the per-task reports that fill in once an action has run over them. */
  public record Scored(Dataset<Row> rows, CollectionAccumulator<TaskReport> reports, StructType schema) {}
}
