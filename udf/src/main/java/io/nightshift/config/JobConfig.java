package io.nightshift.config;

import io.nightshift.config.Enums.Device;
import io.nightshift.config.Enums.Distribution;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.Enums.EmptyTextPolicy;
import io.nightshift.config.Enums.InputFormat;
import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.OutputFormat;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.Enums.WriteMode;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A job, parsed once on the driver and validated: immutable and {@link Serializable}, so the
 * parts executors need travel inside Spark closures. Executors never read raw config. Made by
 * {@link JobConfigParser}; keys and defaults are in {@link JobProperties}.
 */
public record JobConfig(
    InputSpec input, ModelSpec model, InferenceSpec inference, OutputSpec output, RunSpec run)
    implements Serializable {

  /** What to read. {@code schemaDdl} is empty to let Spark infer. */
  public record InputSpec(
      String path,
      InputFormat format,
      Map<String, String> options,
      List<String> columns,
      String schemaDdl)
      implements Serializable {}

  /**
   * Which model, where it runs, how it is shipped. {@code sha256} is empty when not pinned; {@code
   * customOpsLibrary} is empty when no native custom-op library is registered, and is only ever set
   * together with {@code allowCustomOps} (the parser refuses a library that is not allowed); {@code
   * cacheDir} is empty for java.io.tmpdir.
   */
  public record ModelSpec(
      String uri,
      String sha256,
      Device device,
      int threads,
      String resourceName,
      boolean requireGpu,
      int sessionCacheSize,
      Enums.MultipleGpus multipleGpus,
      CudaOptions cuda,
      String customOpsLibrary,
      boolean allowCustomOps,
      ModelPrecision precision,
      int int8MinElements,
      Distribution distribution,
      long maxBroadcastSize,
      String cacheDir,
      AccuracySpec accuracy,
      String tokenizer)
      implements Serializable {

    /** Whether a tokenizer is configured: a text job. */
    public boolean hasTokenizer() {
      return tokenizer != null && !tokenizer.isEmpty();
    }

    /** This spec with another URI and precision (e.g. the fp32 reference of an accuracy check). */
    public ModelSpec withModel(String otherUri, ModelPrecision otherPrecision) {
      return new ModelSpec(otherUri, otherUri.equals(uri) ? sha256 : "", device, threads,
          resourceName, requireGpu, sessionCacheSize, multipleGpus, cuda, customOpsLibrary, allowCustomOps,
          otherPrecision, int8MinElements,
          distribution, maxBroadcastSize, cacheDir, accuracy, tokenizer);
    }
  }

  /**
   * The accuracy gate of an optimized model against fp32: how many input rows to score with both,
   * and the thresholds. Embedding outputs are held to the cosines, classifier outputs to top-1
   * agreement and the probability difference.
   */
  public record AccuracySpec(
      int sampleRows,
      double minMeanCosine,
      double minCosine,
      double minTop1Agreement,
      double maxProbDiff)
      implements Serializable {}

  /** CUDA execution provider settings; the device id itself comes from Spark's scheduler. */
  public record CudaOptions(
      long memoryLimit,
      Enums.ArenaStrategy arenaStrategy,
      Enums.ConvAlgoSearch convAlgoSearch,
      boolean copyInDefaultStream,
      boolean tensorrt)
      implements Serializable {

    public static final CudaOptions DEFAULTS =
        new CudaOptions(0, Enums.ArenaStrategy.NEXT_POWER_OF_TWO, Enums.ConvAlgoSearch.HEURISTIC, true, false);
  }

  /** How rows become tensors and tensors become result columns. */
  public record InferenceSpec(
      int batchSize,
      int gpuBatchSize,
      List<InputMapping> inputs,
      List<OutputMapping> outputs,
      NonFinitePolicy nonFinite,
      TextSpec text,
      ImageSpec image)
      implements Serializable {

    /** A spec with no image input. */
    public InferenceSpec(int batchSize, int gpuBatchSize, List<InputMapping> inputs, List<OutputMapping> outputs,
        NonFinitePolicy nonFinite, TextSpec text) {
      this(batchSize, gpuBatchSize, inputs, outputs, nonFinite, text, null);
    }
  }

  /**
   * How an image column becomes one model input; null unless the job reads images. {@code column}
   * holds the image's bytes (binary) or its file's path (string, read on the executor, at most
   * {@code maxBytes}); {@code modelInput} is empty for the model's only input.
   */
  public record ImageSpec(
      String column,
      String modelInput,
      io.nightshift.image.ImageTensorSpec tensor,
      long maxPixels,
      long maxBytes)
      implements Serializable {}

  /**
   * How a text column becomes model inputs; null for tabular jobs. Empty input names mean the
   * model has no such input.
   */
  public record TextSpec(
      String column,
      String idsInput,
      String maskInput,
      String typeIdsInput,
      int maxLength,
      boolean truncation,
      String truncatedColumn,
      EmptyTextPolicy empty,
      String reasonColumn,
      boolean bucketing,
      int windowBatches)
      implements Serializable {}

  /** Columns feeding one model input: N numeric columns as [batch, N], or one array column. */
  public record InputMapping(String modelInput, List<String> columns) implements Serializable {}

  /** One model output as one result column, after an optional post-step. */
  public record OutputMapping(
      String modelOutput,
      String column,
      PostStep post,
      int k,
      List<String> labels,
      Normalize normalize,
      String dictionary)
      implements Serializable {

    /** A mapping with no CTC dictionary. */
    public OutputMapping(String modelOutput, String column, PostStep post, int k, List<String> labels,
        Normalize normalize) {
      this(modelOutput, column, post, k, labels, normalize, "");
    }

    /** The second column CTC adds: each row's confidence. */
    public String confidenceColumn() {
      return column + "_confidence";
    }

    /** The second column top-k adds: the scores of the k classes. */
    public String scoresColumn() {
      return column + "_scores";
    }
  }

  /**
   * Where and how results are written. {@code lockTimeout}: how long the table's lock holds;
   * {@code cleanup}: how leftovers of earlier runs are bounded. {@code table} and {@code
   * rejectedTable} are the Iceberg tables ({@code <catalog>.<namespace>.<table>}) of output.format
   * iceberg, empty otherwise; with iceberg, {@code path} holds only the run's {@code _nightshift}
   * folder (staging, manifests).
   */
  public record OutputSpec(
      String path,
      OutputFormat format,
      List<String> passThrough,
      List<String> partitionBy,
      WriteMode mode,
      String rejectedPath,
      double maxRejectedRatio,
      Duration lockTimeout,
      CleanupSpec cleanup,
      String table,
      String rejectedTable)
      implements Serializable {}

  /**
   * Leftovers of earlier runs (failed runs' staging, the driver's nightshift-ship-* folders,
   * model.cache-dir entries) older than {@code maxAge}, or beyond the newest {@code keep} of each
   * kind, are deleted when a run starts.
   */
  public record CleanupSpec(Duration maxAge, int keep) implements Serializable {}

  /** Which night this is. */
  public record RunSpec(String date, String id) implements Serializable {}
}
