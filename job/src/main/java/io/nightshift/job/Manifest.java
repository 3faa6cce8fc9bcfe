package io.nightshift.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.OutputFormat;
import io.nightshift.config.JobConfig;
import io.nightshift.job.commit.IcebergNight;
import io.nightshift.spark.Predictor;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The run manifest: what was read, written and rejected (per reason), which model (sha256, size,
 * bytes shipped), what each executor really ran on, how evenly the tasks kept the slots busy
 * ({@link Balance}), timings. Written as JSON to {@code
 * <output>/_nightshift/manifest-<run.date>.json} (the night's latest) and {@code
 * runs/<run.id>.json}. Holds no secrets: reader options are listed by key only.
 */
final class Manifest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final JobConfig config;
  private final Predictor predictor;
  private RunSummary summary = RunSummary.of(List.of());
  private boolean hasSummary;
  private final Progress progress;
  private String status = "running";
  private String message = "";
  private List<String> rejectedPartitions = List.of();
  private long staged = -1;
  private long quarantined = -1;
  private IcebergNight.Nights iceberg;
  private double icebergCommitSeconds;
  private Balance balance;

  Manifest(JobConfig config, Predictor predictor, Progress progress) {
    this.config = config;
    this.predictor = predictor;
    this.progress = progress;
  }

  /** The driver's tally of the task reports; until set, the row counts are 0 (none known yet). */
  void summary(RunSummary summary) {
    this.summary = summary;
    this.hasSummary = true;
  }

  boolean hasSummary() {
    return hasSummary;
  }

  void status(String status, String message) {
    this.status = status;
    this.message = message;
  }

  /** The quarantine's partitions the commit published. */
  void rejectedPartitions(List<String> partitions) {
    this.rejectedPartitions = List.copyOf(partitions);
  }

  /** What the job found on disk: rows in the staged output and in the quarantine. */
  void accounting(long staged, long quarantined) {
    this.staged = staged;
    this.quarantined = quarantined;
  }

  /** The night's two Iceberg commits and the wall time they took. */
  void iceberg(IcebergNight.Nights nights, double commitSeconds) {
    this.iceberg = nights;
    this.icebergCommitSeconds = commitSeconds;
  }

  /** How the partitions were planned and how evenly the scoring tasks kept the slots busy. */
  void balance(Balance balance) {
    this.balance = balance;
  }

  Map<String, Object> toMap(long startNanos, List<String> partitions) {
    double secs = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", config.run().id());
    m.put("run_date", config.run().date());
    m.put("spark_version", SparkSession.active().version());
    m.put("status", status);
    if (!message.isEmpty()) {
      m.put("message", Redact.text(message));
    }
    m.put("finished_at", Instant.now().toString());
    m.put("input", Map.of(
        "path", Redact.text(config.input().path()),
        "format", config.input().format().name().toLowerCase(),
        "option_keys", List.copyOf(config.input().options().keySet())));
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("uri", Redact.text(config.model().uri()));
    model.put("sha256", predictor.modelSha256());
    model.put("size_bytes", predictor.modelSize());
    model.put("shipped_bytes", predictor.shippedSize());
    model.put("device", config.model().device().name().toLowerCase());
    model.put("precision", config.model().precision().name().toLowerCase().replace('_', '-'));
    model.put("optimized", predictor.optimized());
    model.put("distribution", predictor.distribution().name().toLowerCase());
    if (config.model().hasTokenizer()) {
      model.put("tokenizer_uri", Redact.text(config.model().tokenizer()));
      model.put("tokenizer_sha256", predictor.tokenizerSha256());
    }
    if (predictor.recognitionSha256() != null) {
      io.nightshift.config.JobConfig.PagesSpec pages = config.inference().image().pages();
      model.put("recognition_uri", Redact.text(pages.recognitionModel()));
      model.put("recognition_sha256", predictor.recognitionSha256());
      if (predictor.classifierSha256() != null) {
        model.put("classifier_uri", Redact.text(pages.classifierModel()));
        model.put("classifier_sha256", predictor.classifierSha256());
      }
    }
    m.put("model", model);
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("read", summary.rowsRead());
    rows.put("written", summary.rowsWritten());
    rows.put("rejected", summary.rowsRejected());
    rows.put("rejected_by_reason", summary.rejectedByReason());
    if (staged >= 0) {
      rows.put("staged", staged);
      rows.put("quarantined", quarantined);
      rows.put("balanced", summary.rowsRead() == summary.rowsWritten() + summary.rowsRejected()
          && staged == summary.rowsWritten() && quarantined == summary.rowsRejected());
    }
    rows.put("spark_records_read", progress.sparkRowsRead());
    rows.put("spark_records_written", progress.sparkRowsWritten());
    m.put("rows", rows);
    m.put("batches", summary.batches());
    m.put("batches_bisected", summary.bisections());
    m.put("failed_task_attempts", progress.failedAttempts());
    m.put("executors", summary.executors());
    if (balance != null) {
      m.put("balance", balance.toMap());
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("path", Redact.text(config.output().path()));
    output.put("format", config.output().format().name().toLowerCase());
    output.put("partitions_written", partitions);
    if (config.output().format() == OutputFormat.ICEBERG) {
      output.put("table", config.output().table());
      output.put("rejected_table", config.output().rejectedTable());
      if (iceberg != null) {
        output.put("iceberg", Map.of(
            "data", iceberg.data().toMap(),
            "rejected", iceberg.rejected().toMap(),
            "commit_seconds", Math.round(icebergCommitSeconds * 1000) / 1000.0));
      }
    } else {
      output.put("rejected_path", Redact.text(config.output().rejectedPath()));
      output.put("rejected_partitions_written", rejectedPartitions);
    }
    m.put("output", output);
    m.put("wall_seconds", Math.round(secs * 1000) / 1000.0);
    m.put("rows_per_second", Math.round(summary.rowsRead() / Math.max(secs, 1e-3)));
    m.put("inference_seconds", Math.round(summary.inferNanos() / 1e6) / 1000.0);
    return m;
  }

  /** Writes the manifest under {@code base} ({@code <output>/_nightshift}). */
  void write(String base, long startNanos, List<String> partitions) {
    Configuration conf = SparkSession.active().sparkContext().hadoopConfiguration();
    Map<String, Object> map = toMap(startNanos, partitions);
    try {
      byte[] bytes = JSON.writeValueAsBytes(map);
      for (Path p : List.of(
          new Path(base, "manifest-" + config.run().date() + ".json"),
          new Path(base, "runs/" + config.run().id() + ".json"))) {
        io.nightshift.fs.LocalFiles.write(p.getFileSystem(conf), p, bytes, true);
      }
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot write the manifest under %s: %s", base, Redact.message(e));
    }
  }
}
