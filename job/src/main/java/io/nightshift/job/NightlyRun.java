package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.OutputFormat;
import io.nightshift.config.Enums.WriteMode;
import io.nightshift.config.JobConfig;
import io.nightshift.spark.AccuracyCheck;
import io.nightshift.spark.AccuracyReport;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One night: read, score, stage, check the books, publish. Results are written to a staging
 * folder under {@code <output>/_nightshift/staging/<run.id>} and moved into the table only when
 * read = written + rejected holds and the rejected share is within budget; so a failed night is
 * never published, and a rerun replaces exactly its own partitions.
 */
final class NightlyRun {
  private static final Logger LOG = LoggerFactory.getLogger(NightlyRun.class);
  /** The partition column filled from run.date when the input has none of that name. */
  static final String DATE_PARTITION = "dt";

  private final SparkSession spark;
  private final JobConfig config;

  NightlyRun(SparkSession spark, JobConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** Everything checked before launch, and what the run needs from it. */
  record Prepared(Dataset<Row> input, Predictor predictor, ScoreOptions options, StructType resultSchema) {}

  /** The pre-launch checks: config, input, model, mappings, output. Runs no inference. */
  Prepared prepare(String stagedRejects) {
    Dataset<Row> input = InputReader.read(spark, config.input());
    Predictor predictor = Predictor.create(spark, config.model(), config.inference());
    List<String> pass = config.output().passThrough();
    ScoreOptions options = ScoreOptions.of(pass).rejectingTo(stagedRejects);
    if (InputReader.textMayHoldNumbers(config.input().format())) {
      options = options.parsingTextNumbers();
    }
    StructType schema = predictor.resultSchema(input.schema(), options);
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
      Publisher publisher = new Publisher(config.output().path(), spark.sparkContext().hadoopConfiguration());
      if (config.output().mode() == WriteMode.ERROR_IF_EXISTS && publisher.hasData(config.output().path())) {
        throw NightshiftException.invalid(
            "output.mode is error-if-exists and %s already holds data", config.output().path());
      }
      OutputCheck.writable(config.output().path(), spark.sparkContext().hadoopConfiguration());
    }
    probeDevices(predictor);
    return new Prepared(input, predictor, options, schema);
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
    LOG.info("model.precision {}: {}", config.model().precision().name().toLowerCase(), report.describe());
    List<String> failures = report.failures(config.model().accuracy());
    if (!failures.isEmpty()) {
      throw NightshiftException.invalid(
          "model.precision %s: the optimized model of %s misses the accuracy thresholds on %d sample row(s): %s",
          config.model().precision().name().toLowerCase(), config.model().uri(), report.rowsCompared(),
          String.join("; ", failures));
    }
  }

  /** Runs the night; returns how the process should exit. */
  ExitCode run() {
    long start = System.nanoTime();
    String base = config.output().path().replaceAll("/+$", "") + "/_nightshift";
    String staging = base + "/staging/" + config.run().id();
    String stagedRejects = staging + "/rejected-json";
    Prepared prepared = prepare(stagedRejects);
    Progress progress = new Progress();
    spark.sparkContext().addSparkListener(progress);
    Predictor.Scored scored = prepared.predictor().score(prepared.input(), prepared.options());
    Dataset<Row> out = withDate(scored.rows());
    String[] partitionBy = config.output().partitionBy().toArray(String[]::new);
    Publisher publisher = new Publisher(config.output().path(), spark.sparkContext().hadoopConfiguration());
    try {
      if (config.output().format() == OutputFormat.NOOP) {
        out.write().format("noop").mode("overwrite").save();
      } else {
        out.write().mode("overwrite").partitionBy(partitionBy).parquet(staging + "/data");
      }
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      // Nothing of a failed write is kept: the table was not touched, staging goes.
      spark.sparkContext().removeSparkListener(progress);
      publisher.delete(staging);
      throw e;
    }
    RunSummary summary = RunSummary.of(scored.reports().value());
    spark.sparkContext().removeSparkListener(progress);

    Manifest manifest = new Manifest(config, prepared.predictor(), summary, progress);
    long lost = summary.rowsRead() - summary.rowsWritten() - summary.rowsRejected();
    if (lost != 0) {
      manifest.status("failed", "rows read " + summary.rowsRead() + " != written " + summary.rowsWritten()
          + " + rejected " + summary.rowsRejected());
      manifest.write(base, start, List.of());
      throw new NightshiftException(
          "accounting failed: %d rows read, %d written, %d rejected; results left unpublished in %s",
          summary.rowsRead(), summary.rowsWritten(), summary.rowsRejected(), staging);
    }
    List<String> rejectedPartitions = List.of();
    if (summary.rowsRejected() > 0) {
      rejectedPartitions = writeRejected(summary.rejectFiles(), prepared.input().schema());
    }
    double ratio = summary.rowsRead() == 0 ? 0 : (double) summary.rowsRejected() / summary.rowsRead();
    if (ratio > config.output().maxRejectedRatio()) {
      String why = String.format(
          "%d of %d rows rejected (%.4f) exceeds output.max-rejected-ratio %s; results left unpublished in %s/data",
          summary.rowsRejected(), summary.rowsRead(), ratio, config.output().maxRejectedRatio(), staging);
      manifest.status("error-budget-exceeded", why);
      manifest.write(base, start, List.of());
      LOG.error(why);
      return ExitCode.ERROR_BUDGET_EXCEEDED;
    }
    if (config.model().requireGpu()) {
      for (RunSummary.ExecutorSummary e : summary.executors()) {
        if (!e.device().startsWith("cuda")) {
          String why = "model.require-gpu is true but executor " + e.executorId() + " ran on " + e.device()
              + (e.fallbackReason().isEmpty() ? "" : " (" + e.fallbackReason() + ")");
          manifest.status("failed", why);
          manifest.write(base, start, List.of());
          throw new NightshiftException("%s; results left unpublished in %s/data", why, staging);
        }
      }
    }
    List<String> partitions = List.of();
    if (config.output().format() == OutputFormat.PARQUET) {
      partitions = publisher.publish(staging + "/data", config.output().path(), partitionBy.length, config.output().mode());
      clearStaleQuarantine(partitions, rejectedPartitions);
    }
    publisher.delete(staging);
    manifest.status("ok", "");
    manifest.write(base, start, partitions);
    LOG.info("Run {} done: {} rows read, {} written, {} rejected, in {} s",
        config.run().id(), summary.rowsRead(), summary.rowsWritten(), summary.rowsRejected(),
        String.format("%.1f", (System.nanoTime() - start) / 1e9));
    return ExitCode.OK;
  }

  private Dataset<Row> withDate(Dataset<Row> rows) {
    if (config.output().partitionBy().contains(DATE_PARTITION)
        && !Arrays.asList(rows.columns()).contains(DATE_PARTITION)) {
      return rows.withColumn(DATE_PARTITION, lit(config.run().date()));
    }
    return rows;
  }

  /**
   * On overwrite, a rerun of a night replaces that night's quarantine too: a partition this run
   * published whose rerun rejected nothing loses the rejected rows of the earlier run.
   */
  private void clearStaleQuarantine(List<String> published, List<String> rejectedNow) {
    if (config.output().mode() != WriteMode.OVERWRITE) {
      return;
    }
    Publisher quarantine = new Publisher(config.output().rejectedPath(), spark.sparkContext().hadoopConfiguration());
    for (String partition : published) {
      if (rejectedNow.contains(partition)) {
        continue;
      }
      if (partition.isEmpty()) {
        quarantine.clearData(config.output().rejectedPath());
      } else {
        quarantine.delete(config.output().rejectedPath().replaceAll("/+$", "") + "/" + partition);
      }
    }
  }

  /** Turns the staged JSON lines of successful tasks into the Parquet quarantine; returns its partitions. */
  private List<String> writeRejected(List<String> files, StructType inputSchema) {
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
    Dataset<Row> rejected = withDate(parsed.select(cols.toArray(Column[]::new)));
    List<String> partitionBy = new ArrayList<>();
    for (String p : config.output().partitionBy()) {
      if (Arrays.asList(rejected.columns()).contains(p)) {
        partitionBy.add(p);
      }
    }
    String stagingRejected = config.output().rejectedPath().replaceAll("/+$", "") + "/_staging/" + config.run().id();
    rejected.write().mode("overwrite").partitionBy(partitionBy.toArray(String[]::new)).parquet(stagingRejected);
    List<String> written =
        new Publisher(config.output().rejectedPath(), spark.sparkContext().hadoopConfiguration())
            .publish(stagingRejected, config.output().rejectedPath(), partitionBy.size(), config.output().mode());
    LOG.warn("Quarantined rejected rows in {}", config.output().rejectedPath());
    return written;
  }
}
