package io.nightshift.job;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.model.optimize.ModelOptimizer;
import io.nightshift.model.optimize.OptimizeReport;
import io.nightshift.model.optimize.Precision;
import io.nightshift.accuracy.AccuracyCheck;
import io.nightshift.accuracy.AccuracyReport;
import io.nightshift.spark.Predictor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code optimize} command: rewrites a local ONNX file to int8 or fp16 and prints what changed;
 * with a job file, also scores the first rows of that job's input with both models, the way the job
 * would, and checks the accuracy thresholds ({@code model.accuracy.*}).
 */
final class Optimize {
  private Optimize() {}

  /** What the command line asked for; {@code sampleRows} and {@code minInt8Elements} are 0 when not given. */
  record Request(
      Path model,
      Precision precision,
      Path out,
      String checkConfig,
      List<String> sets,
      int sampleRows,
      int minInt8Elements) {}

  static Precision precision(String value) {
    if (value == null) {
      throw NightshiftException.invalid("optimize needs --precision int8|int8-dynamic|fp16");
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "int8" -> Precision.INT8;
      case "int8-dynamic" -> Precision.INT8_DYNAMIC;
      case "fp16" -> Precision.FP16;
      default -> throw NightshiftException.invalid("--precision '%s' is not one of int8 | int8-dynamic | fp16", value);
    };
  }

  static ExitCode run(Request r, PrintStream out) {
    JobConfig job = r.checkConfig() == null ? null : JobConfigParser.parse(Path.of(r.checkConfig()), r.sets());
    int minElements = r.minInt8Elements() > 0 ? r.minInt8Elements()
        : job != null ? job.model().int8MinElements() : ModelOptimizer.DEFAULT_MIN_INT8_ELEMENTS;
    OptimizeReport report = new ModelOptimizer(minElements).optimize(r.model(), r.precision(), r.out());
    out.print(report.describe());
    out.println("written: " + r.out());
    if (job == null) {
      return ExitCode.OK;
    }
    SparkSession spark = JobSession.get(job);
    job = QualifiedPaths.of(job, spark.sparkContext().hadoopConfiguration());
    int rows = r.sampleRows() > 0 ? r.sampleRows()
        : job.model().accuracy().sampleRows() > 0 ? job.model().accuracy().sampleRows()
        : io.nightshift.config.JobProperties.MODEL_ACCURACY_SAMPLE_ROWS_DEFAULT;
    Dataset<Row> sample = InputReader.read(spark, job.input()).limit(rows);
    String in = r.model().toAbsolutePath().toUri().toString();
    String optimized = r.out().toAbsolutePath().toUri().toString();
    Predictor reference = Predictor.create(spark, job.model().withModel(in, ModelPrecision.FP32), job.inference());
    Predictor candidate = Predictor.create(spark, job.model().withModel(optimized, ModelPrecision.FP32), job.inference());
    AccuracyReport accuracy = AccuracyCheck.compare(reference, candidate, sample,
        InputReader.textMayHoldNumbers(job.input().format()));
    out.print(accuracy.describe());
    List<String> failures = accuracy.failures(job.model().accuracy());
    if (!failures.isEmpty()) {
      throw NightshiftException.invalid(
          "%s: optimized model %s misses the accuracy thresholds of %s: %s",
          r.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'), r.out(), r.checkConfig(), String.join("; ", failures));
    }
    out.println("accuracy: within the thresholds of " + r.checkConfig());
    return ExitCode.OK;
  }
}
