package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.OutputFormat;
import io.nightshift.config.Enums.WriteMode;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobProperties;
import io.nightshift.accuracy.AccuracyCheck;
import io.nightshift.accuracy.AccuracyReport;
import io.nightshift.quality.ColumnNames;
import io.nightshift.job.commit.CatalogTables;
import io.nightshift.job.commit.Committed;
import io.nightshift.job.commit.IcebergCommit;
import io.nightshift.job.commit.IcebergNight;
import io.nightshift.job.commit.NightCommit;
import io.nightshift.job.commit.NightCommits;
import io.nightshift.job.commit.StagedNight;
import io.nightshift.spark.PartitionPlan;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One night: stage, check, commit. Results and quarantine are written where the {@link
 * NightCommit} says (staging, invisible to readers) and committed only when read = written +
 * rejected holds and the rejected share is within budget; so a failed night publishes nothing, and
 * a rerun replaces exactly its night ({@code dt=<run.date>}).
 */
final class NightlyRun {
  private static final Logger LOG = LoggerFactory.getLogger(NightlyRun.class);
  /** The partition column always filled from run.date (the parser refuses any other column of that name). */
  static final String DATE_PARTITION = JobProperties.DATE_PARTITION;

  private final SparkSession spark;
  private final JobConfig config;

  NightlyRun(SparkSession spark, JobConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** How many non-null values of each fixed-length array column are looked at before launch. */
  static final int SAMPLED_ROWS = 16;

  /** How long the manifest waits for Spark's listener bus to report the scoring tasks' times. */
  static final long LISTENER_WAIT_MILLIS = 10_000;

  /**
   * Everything checked before launch, and what the run needs from it. {@code declaredNumeric}: the
   * CSV/JSON feature columns read as text whose declared numeric type pass-through copies get back.
   * {@code iceberg}: the night's two Iceberg tables, checked (output.format iceberg), else null.
   */
  record Prepared(
      Dataset<Row> input,
      Predictor predictor,
      ScoreOptions options,
      StructType resultSchema,
      Map<String, DataType> declaredNumeric,
      IcebergNight iceberg,
      CatalogTables tables,
      PartitionPlan.CostsAhead costsAhead) {}

  /**
   * The pre-launch checks, in order: input readable (the config was checked when parsed), model
   * loadable and safe (checksum, external data inside its folder, custom ops allowed), every
   * mapping against the schema and the signature (names, element types, fixed dimensions), array
   * lengths in a sample of rows, partition columns, output and quarantine paths writable. Writes
   * nothing and runs no inference; {@code validate} runs exactly this. A text model's tokenizer
   * check belongs here, next to the model's.
   */
  Prepared prepare(String stagedRejects) {
    return prepare(stagedRejects, false);
  }

  /**
   * The same; with {@code costsAhead}, a text model's partition cost pass (one small Spark job over
   * the text column) starts once the input is read and runs beside the remaining checks. {@code
   * validate} does not start it.
   */
  private Prepared prepare(String stagedRejects, boolean costsAhead) {
    Set<String> features = new HashSet<>();
    config.inference().inputs().forEach(m -> features.addAll(m.columns()));
    // The model (read, checksum, graph, signature, tokenizer) does not depend on the input: it is
    // prepared on a second thread while the input's files are listed and their footers read. Errors
    // keep their order: the input's first, then the model's.
    CompletableFuture<Predictor> model = new CompletableFuture<>();
    Thread modelThread = new Thread(() -> {
      try {
        model.complete(Predictor.create(spark, config.model(), config.inference()));
      } catch (Throwable t) {
        model.completeExceptionally(t);
      }
    }, "nightshift-prepare-model");
    modelThread.setDaemon(true);
    modelThread.start();
    InputReader.Input read;
    try {
      read = InputReader.read(spark, config.input(), features);
    } catch (RuntimeException e) {
      awaitQuietly(model); // nothing of this run keeps working once it has failed
      throw e;
    }
    Dataset<Row> input = read.rows();
    PartitionPlan.CostsAhead costs = costsAhead ? PartitionPlan.costsAhead(spark, input, config.inference()) : null;
    try {
      return checked(input, read, NightshiftException.await(model, "the model's preparation"), stagedRejects, costs);
    } catch (RuntimeException | Error e) {
      if (costs != null) {
        costs.close();
      }
      throw e;
    }
  }

  private Prepared checked(Dataset<Row> input, InputReader.Input read, Predictor predictor, String stagedRejects,
      PartitionPlan.CostsAhead costs) {
    List<String> pass = config.output().passThrough();
    ScoreOptions options = ScoreOptions.of(pass).rejectingTo(stagedRejects);
    if (InputReader.textMayHoldNumbers(config.input().format())) {
      options = options.parsingTextNumbers();
    }
    StructType schema = castBack(predictor.resultSchema(input.schema(), options), read.declaredNumeric());
    List<ColumnNames.Named> quarantined = new ArrayList<>();
    pass.forEach(c -> quarantined.add(new ColumnNames.Named(c, JobProperties.OUTPUT_PASS_THROUGH)));
    ColumnNames.QUARANTINE.forEach(c -> quarantined.add(new ColumnNames.Named(c, "the quarantine itself")));
    ColumnNames.checkDistinct(spark.sessionState().conf(), "the quarantine (" + JobProperties.OUTPUT_REJECTED_PATH + ")",
        quarantined);
    predictor.checkSampledArrays(input, options, SAMPLED_ROWS);
    List<String> columns = Arrays.asList(schema.fieldNames());
    for (String p : config.output().partitionBy()) {
      if (!columns.contains(p) && !p.equals(DATE_PARTITION)) {
        throw NightshiftException.invalid(
            "output.partition-by: column '%s' is neither a pass-through nor a result column (columns: %s)",
            p, String.join(", ", columns));
      }
    }
    checkAccuracy(input, predictor, options.textNumbers());
    if (config.output().format() == OutputFormat.PARQUET) {
      if (config.output().mode() == WriteMode.ERROR_IF_EXISTS
          && NightCommits.holdsData(config.output().path(), spark.sparkContext().hadoopConfiguration())) {
        throw NightshiftException.invalid(
            "output.mode is error-if-exists and %s already holds data", config.output().path());
      }
      OutputCheck.writable(config.output().path(), spark.sparkContext().hadoopConfiguration());
    }
    CatalogTables tables = null;
    if (config.output().format() == OutputFormat.PARQUET && !config.output().table().isEmpty()) {
      tables = CatalogTables.check(spark, config, schema);
    }
    IcebergNight iceberg = null;
    if (config.output().format() == OutputFormat.ICEBERG) {
      // Staging and manifests live under output.path; the tables are checked, not yet touched.
      OutputCheck.writable(config.output().path(), spark.sparkContext().hadoopConfiguration());
      iceberg = IcebergNight.begin(spark, JobProperties.OUTPUT_TABLE, config.output().table(),
          JobProperties.OUTPUT_REJECTED_TABLE, config.output().rejectedTable(), config.run().date(),
          config.run().id(), icebergSchema(schema), icebergRejectedSchema(schema));
    }
    probeDevices(predictor);
    if (iceberg == null) {
      OutputCheck.writable(
          JobProperties.OUTPUT_REJECTED_PATH, config.output().rejectedPath(), spark.sparkContext().hadoopConfiguration());
    }
    return new Prepared(input, predictor, options, schema, read.declaredNumeric(), iceberg, tables, costs);
  }

  private static void awaitQuietly(CompletableFuture<Predictor> model) {
    try {
      model.get();
    } catch (java.util.concurrent.ExecutionException e) {
      // the input's error is the one reported
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The rows of an Iceberg night: the result columns and dt (a string yyyy-MM-dd from run.date). */
  private static StructType icebergSchema(StructType results) {
    return results.add(DATE_PARTITION, DataTypes.StringType);
  }

  /** The rows of an Iceberg quarantine night: pass-through columns, the reason, the input row, dt. */
  private StructType icebergRejectedSchema(StructType results) {
    StructType s = new StructType();
    for (String c : config.output().passThrough()) {
      s = s.add(results.apply(c));
    }
    return s.add("reason_code", DataTypes.StringType)
        .add("reason", DataTypes.StringType)
        .add("input_json", DataTypes.StringType)
        .add(DATE_PARTITION, DataTypes.StringType);
  }

  /** {@code schema} with the text-read numeric columns given their declared types back. */
  private static StructType castBack(StructType schema, Map<String, DataType> declared) {
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      DataType t = declared.get(fields[i].name());
      if (t != null) {
        fields[i] = new StructField(fields[i].name(), t, true, fields[i].metadata());
      }
    }
    return new StructType(fields);
  }

  /**
   * Casts the text-read numeric columns among {@code rows}' columns back to their declared types. A
   * text the declared type cannot hold (99999999999999999999 for a BIGINT) becomes null there; its
   * row is rejected on its way into the model, and the quarantine's input_json keeps the text.
   */
  private static Dataset<Row> castBack(Dataset<Row> rows, Map<String, DataType> declared) {
    for (String c : rows.columns()) {
      DataType t = declared.get(c);
      if (t != null) {
        rows = rows.withColumn(c, col("`" + c + "`").try_cast(t));
      }
    }
    return rows;
  }

  /**
   * When the job needs a GPU, opens the session on the executors first, so a missing CUDA
   * library or a CPU-only executor fails the run (exit 2) before anything is written.
   */
  private void probeDevices(Predictor predictor) {
    boolean cuda = config.model().device() == io.nightshift.config.Enums.Device.CUDA;
    if (!cuda && !config.model().requireGpu()) {
      return;
    }
    List<io.nightshift.spark.DeviceReport> reports;
    try {
      reports = predictor.probeDevices(Math.max(1, spark.sparkContext().defaultParallelism()));
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      NightshiftException ours = null;
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof NightshiftException n) {
          ours = n;
          break;
        }
      }
      throw NightshiftException.invalid(
          e, "model.device: the session could not be opened on the executors: %s",
          ours != null ? ours.getMessage() : root.getMessage());
    }
    for (io.nightshift.spark.DeviceReport r : reports) {
      LOG.info("Executor {} runs the model on {} ({}){}", r.executorId(), r.device(), r.provider(),
          r.fallbackReason().isEmpty() ? "" : ": " + r.fallbackReason());
      if (config.model().requireGpu() && !r.device().startsWith("cuda")) {
        throw NightshiftException.invalid(
            "model.require-gpu is true but executor %s runs on %s%s", r.executorId(), r.device(),
            r.fallbackReason().isEmpty() ? " (Spark assigned its task no GPU)" : " (" + r.fallbackReason() + ")");
      }
    }
  }

  /**
   * The accuracy gate of model.precision: the first model.accuracy.sample-rows input rows scored
   * with the optimized and the fp32 model; a missed threshold fails before launch (exit 2).
   */
  private void checkAccuracy(Dataset<Row> input, Predictor predictor, boolean textNumbers) {
    int rows = config.model().accuracy().sampleRows();
    if (!predictor.optimized() || rows == 0) {
      return;
    }
    AccuracyReport report = AccuracyCheck.againstFp32(predictor, input.limit(rows), textNumbers);
    LOG.info("model.precision {}: {}", config.model().precision().name().toLowerCase().replace('_', '-'), report.describe());
    List<String> failures = report.failures(config.model().accuracy());
    if (!failures.isEmpty()) {
      throw NightshiftException.invalid(
          "model.precision %s: the optimized model of %s misses the accuracy thresholds on %d sample row(s): %s",
          config.model().precision().name().toLowerCase().replace('_', '-'), config.model().uri(), report.rowsCompared(),
          String.join("; ", failures));
    }
  }

  /**
   * Runs the night: stage, check, commit. After the pre-launch checks, takes the table's lock and
   * settles an interrupted publish ({@link NightCommit#begin()}); after launch, every way out writes the manifest
   * (ok, failed, error-budget-exceeded or conflict, with the counts known so far). Returns how the
   * process should exit.
   */
  ExitCode run() {
    long start = System.nanoTime();
    String base = config.output().path().replaceAll("/+$", "") + "/_nightshift";
    try (NightCommit commit = NightCommits.of(config, spark.sparkContext().hadoopConfiguration())) {
      StagedNight staged = commit.staging();
      // The checks first: a job that is invalid (exit 2) writes nothing, not even the lock.
      Prepared prepared = prepare(staged.scratch(), true);
      try (PartitionPlan.CostsAhead ahead = prepared.costsAhead()) {
        if (commit instanceof IcebergCommit iceberg) {
          iceberg.checked(prepared.iceberg());
        }
        NightCommits.withTables(commit, prepared.tables());
        commit.begin();
        return launch(prepared, commit, staged, base, start);
      }
    }
  }

  private ExitCode launch(Prepared prepared, NightCommit commit, StagedNight staged, String base, long start) {
    Progress progress = new Progress();
    spark.sparkContext().addSparkListener(progress);
    Manifest manifest = new Manifest(config, prepared.predictor(), progress);
    Predictor.Scored scored = null;
    boolean parquet = config.output().format() == OutputFormat.PARQUET;
    boolean iceberg = config.output().format() == OutputFormat.ICEBERG;
    try {
      PartitionPlan plan = PartitionPlan.of(spark, prepared.input(), config.inference(), prepared.costsAhead());
      scored = prepared.predictor().score(plan.rows(), prepared.options());
      Dataset<Row> out = withDate(castBack(scored.rows(), prepared.declaredNumeric()));
      String[] partitionBy = config.output().partitionBy().toArray(String[]::new);
      if (parquet) {
        out.write().mode("overwrite").partitionBy(partitionBy).parquet(staged.data());
      } else if (iceberg) {
        // Unpartitioned (dt stays a column): counted below before the commit makes it visible.
        out.write().mode("overwrite").parquet(staged.data());
      } else {
        out.write().format("noop").mode("overwrite").save();
      }
      List<io.nightshift.spark.TaskReport> reports = scored.reports().value();
      RunSummary summary = RunSummary.of(reports);
      manifest.summary(summary);
      manifest.balance(Balance.of(plan, reports, scoringTasks(progress, scored, reports.size())));

      // The books, from what is on disk rather than from our own counters alone.
      long stagedRows = parquet || iceberg ? stagedRows(staged.data(), summary.rowsWritten()) : summary.rowsWritten();
      long quarantined = summary.rejectFiles().isEmpty()
          ? 0 : writeRejected(summary.rejectFiles(), prepared, staged.rejected());
      manifest.accounting(stagedRows, quarantined);
      if (summary.rowsRead() != summary.rowsWritten() + summary.rowsRejected()
          || stagedRows != summary.rowsWritten()
          || quarantined != summary.rowsRejected()) {
        commit.retainStaged();
        throw new NightshiftException(
            "accounting failed: %d rows read, %d written (%d in the staged output), %d rejected (%d in the"
                + " staged quarantine); results left unpublished in %s",
            summary.rowsRead(), summary.rowsWritten(), stagedRows, summary.rowsRejected(), quarantined,
            staged.data());
      }
      double ratio = summary.rowsRead() == 0 ? 0 : (double) summary.rowsRejected() / summary.rowsRead();
      if (ratio > config.output().maxRejectedRatio()) {
        String why = String.format(
            "%d of %d rows rejected (%.4f) exceeds output.max-rejected-ratio %s; results and rejected rows left"
                + " unpublished in %s and %s",
            summary.rowsRejected(), summary.rowsRead(), ratio, config.output().maxRejectedRatio(),
            staged.data(), staged.rejected());
        commit.retainStaged();
        manifest.status("error-budget-exceeded", why);
        manifest.write(base, start, List.of());
        LOG.error(why);
        System.err.println("nightshift: " + Redact.text(why));
        return ExitCode.ERROR_BUDGET_EXCEEDED;
      }
      if (config.model().requireGpu()) {
        for (RunSummary.ExecutorSummary e : summary.executors()) {
          if (!e.device().startsWith("cuda")) {
            commit.retainStaged();
            throw new NightshiftException("model.require-gpu is true but executor %s ran on %s%s; results left"
                    + " unpublished in %s", e.executorId(), e.device(),
                e.fallbackReason().isEmpty() ? "" : " (" + e.fallbackReason() + ")", staged.data());
          }
        }
      }
      Committed committed = commit.commit(staged);
      if (commit instanceof IcebergCommit ic) {
        manifest.iceberg(ic.nights(), ic.commitSeconds());
      }
      manifest.status("ok", "");
      manifest.rejectedPartitions(committed.rejectedPartitions());
      manifest.write(base, start, committed.partitions());
      LOG.info("Run {} done: {} rows read, {} written, {} rejected, in {} s",
          config.run().id(), summary.rowsRead(), summary.rowsWritten(), summary.rowsRejected(),
          String.format("%.1f", (System.nanoTime() - start) / 1e9));
      return ExitCode.OK;
    } catch (RuntimeException e) { // SparkException is checked but thrown undeclared from Scala
      if (scored != null && !manifest.hasSummary()) {
        manifest.summary(RunSummary.of(scored.reports().value()));
      }
      NightshiftException ours = Nightshift.find(e);
      boolean conflict = ours != null && ours.exitCode() == ExitCode.CONFLICT;
      manifest.status(conflict ? "conflict" : "failed", Redact.message(ours != null ? ours : e));
      try {
        manifest.write(base, start, List.of());
      } catch (RuntimeException w) {
        e.addSuppressed(w);
      }
      throw e;
    } finally {
      spark.sparkContext().removeSparkListener(progress);
    }
  }

  /** The scoring tasks' times, once Spark's listener bus has delivered them (at most a few seconds late). */
  private static List<Progress.TaskTime> scoringTasks(Progress progress, Predictor.Scored scored, int expected) {
    try {
      return progress.tasksUpdating(scored.reports().id(), expected, LISTENER_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NightshiftException(e, "interrupted while waiting for the scoring tasks' times");
    }
  }

  /**
   * Rows in the staged Parquet, summed from its files' footers on the driver (no Spark job); 0
   * without reading when none were written.
   */
  private long stagedRows(String dir, long written) {
    if (written == 0) {
      return 0;
    }
    return ParquetFooters.rows(dir, spark.sparkContext().hadoopConfiguration());
  }

  /** The rows with the partition column dt set to run.date, when dt is a partition column. */
  private Dataset<Row> withDate(Dataset<Row> rows) {
    if (config.output().partitionBy().contains(DATE_PARTITION)) {
      return rows.withColumn(DATE_PARTITION, lit(config.run().date()));
    }
    return rows;
  }

  /**
   * Turns the staged JSON lines of successful tasks into the staged Parquet quarantine: pass-through
   * columns (typed as in the output), reason_code, reason, input_json (the row as read), partitioned
   * like the output by the partition columns it holds. Published with the results by the commit.
   * Returns the number of rows quarantined, counted in the staged Parquet.
   */
  private long writeRejected(List<String> files, Prepared prepared, String stagedRejected) {
    StructType inputSchema = prepared.input().schema();
    StructType staged = new StructType()
        .add("reason_code", DataTypes.StringType)
        .add("reason", DataTypes.StringType)
        .add("input_json", DataTypes.StringType);
    Dataset<Row> raw = spark.read().schema(staged).json(files.toArray(String[]::new));
    Dataset<Row> parsed = raw.withColumn("_input", from_json(col("input_json"), inputSchema));
    List<Column> cols = new ArrayList<>();
    for (String c : config.output().passThrough()) {
      cols.add(col("_input").getField(c).alias(c));
    }
    cols.add(col("reason_code"));
    cols.add(col("reason"));
    cols.add(col("input_json"));
    Dataset<Row> rejected =
        withDate(castBack(parsed.select(cols.toArray(Column[]::new)), prepared.declaredNumeric()));
    List<String> partitionBy = new ArrayList<>();
    // An Iceberg quarantine is staged unpartitioned: dt stays a column of the rows to commit.
    for (String p : config.output().format() == OutputFormat.ICEBERG ? List.<String>of() : config.output().partitionBy()) {
      if (Arrays.asList(rejected.columns()).contains(p)) {
        partitionBy.add(p);
      }
    }
    rejected.write().mode("overwrite").partitionBy(partitionBy.toArray(String[]::new)).parquet(stagedRejected);
    long quarantined = ParquetFooters.rows(stagedRejected, spark.sparkContext().hadoopConfiguration());
    LOG.warn("Staged {} rejected rows for the quarantine {}", quarantined, config.output().rejectedPath());
    return quarantined;
  }
}
