package io.nightshift.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Every job-file key, with its default and what it means. Key strings appear nowhere else: the
 * parser checks each key of a job file against {@link #KNOWN}, so an unknown key is an error.
 * Keys use {@code .} for hierarchy and {@code -} inside a word. {@code <name>} stands for a model
 * input or output name, {@code <option>} for any reader option.
 */
public final class JobProperties {
  private JobProperties() {}

  // ---- input
  /** Where the rows are: a local path or any Hadoop URI (hdfs://, s3a://). Required. */
  public static final String INPUT_PATH = "input.path";
  /** parquet | csv | json. */
  public static final String INPUT_FORMAT = "input.format";
  public static final String INPUT_FORMAT_DEFAULT = "parquet";
  /** Prefix of reader options, e.g. {@code input.options.header: true} for CSV. */
  public static final String INPUT_OPTIONS_PREFIX = "input.options.";
  /** The columns to read; empty means every column the mappings and pass-through name. */
  public static final String INPUT_COLUMNS = "input.columns";
  /** An explicit schema as a Spark DDL string (e.g. for CSV/JSON), empty to infer. */
  public static final String INPUT_SCHEMA = "input.schema";

  // ---- model
  /** The ONNX file: a local path or any Hadoop URI. Required. */
  public static final String MODEL_URI = "model.uri";
  /** Optional sha256 pin (hex) the model bytes must match. */
  public static final String MODEL_SHA256 = "model.sha256";
  /** auto | cpu | cuda. auto uses CUDA where Spark assigned the task a GPU, else CPU. */
  public static final String MODEL_DEVICE = "model.device";
  public static final String MODEL_DEVICE_DEFAULT = "auto";
  /** Intra-op threads per session; 0 means spark.task.cpus, so tasks x threads fit the cores. */
  public static final String MODEL_THREADS = "model.threads";
  public static final int MODEL_THREADS_DEFAULT = 0;
  /** The Spark resource name a task's GPU address is read from. */
  public static final String MODEL_RESOURCE_NAME = "model.resource-name";
  public static final String MODEL_RESOURCE_NAME_DEFAULT = "gpu";
  /** Fail the run when any executor ran on CPU. */
  public static final String MODEL_REQUIRE_GPU = "model.require-gpu";
  public static final boolean MODEL_REQUIRE_GPU_DEFAULT = false;
  /** How many sessions one executor JVM keeps at most (keyed by model sha256 x device). */
  public static final String MODEL_SESSION_CACHE_SIZE = "model.session-cache-size";
  public static final int MODEL_SESSION_CACHE_SIZE_DEFAULT = 4;
  /** A native ONNX Runtime custom-op library (.so) to register; loaded only with allow-custom-ops. */
  public static final String MODEL_CUSTOM_OPS_LIBRARY = "model.custom-ops-library";
  /** Whether native custom-op code may be loaded at all; off so a job file alone cannot load it. */
  public static final String MODEL_ALLOW_CUSTOM_OPS = "model.allow-custom-ops";
  public static final boolean MODEL_ALLOW_CUSTOM_OPS_DEFAULT = false;
  /** fp32 (the model as it is) | int8 | fp16: rewritten on the driver before it is shipped. */
  public static final String MODEL_PRECISION = "model.precision";
  public static final String MODEL_PRECISION_DEFAULT = "fp32";
  /** int8: float weights with fewer values than this stay float32 (biases, norms, tiny models). */
  public static final String MODEL_INT8_MIN_ELEMENTS = "model.int8-min-elements";
  public static final int MODEL_INT8_MIN_ELEMENTS_DEFAULT = 1024;
  /** auto | broadcast | files: how the model reaches executors. */
  public static final String MODEL_DISTRIBUTION = "model.distribution";
  public static final String MODEL_DISTRIBUTION_DEFAULT = "auto";
  /** Largest model (bytes; k/m/g suffixes allowed) that auto broadcasts; larger ones go as files. */
  public static final String MODEL_MAX_BROADCAST_SIZE = "model.max-broadcast-size";
  public static final long MODEL_MAX_BROADCAST_SIZE_DEFAULT = 512L << 20;
  /** Executor folder of fetched model files, one sub-folder per sha256; empty = java.io.tmpdir. */
  public static final String MODEL_CACHE_DIR = "model.cache-dir";
  /** Input rows the accuracy gate scores with both models when precision is not fp32; 0 = no gate. */
  public static final String MODEL_ACCURACY_SAMPLE_ROWS = "model.accuracy.sample-rows";
  public static final int MODEL_ACCURACY_SAMPLE_ROWS_DEFAULT = 1000;
  /** Embedding outputs: lowest mean cosine of the optimized model's rows to fp32's. */
  public static final String MODEL_ACCURACY_MIN_MEAN_COSINE = "model.accuracy.min-mean-cosine";
  public static final double MODEL_ACCURACY_MIN_MEAN_COSINE_DEFAULT = 0.99;
  /** Embedding outputs: lowest cosine of any one row to fp32's. */
  public static final String MODEL_ACCURACY_MIN_COSINE = "model.accuracy.min-cosine";
  public static final double MODEL_ACCURACY_MIN_COSINE_DEFAULT = 0.97;
  /** Classifier outputs: lowest share of rows whose top-1 class equals fp32's. */
  public static final String MODEL_ACCURACY_MIN_TOP1_AGREEMENT = "model.accuracy.min-top1-agreement";
  public static final double MODEL_ACCURACY_MIN_TOP1_AGREEMENT_DEFAULT = 0.99;
  /** Classifier outputs: highest absolute difference of any probability to fp32's. */
  public static final String MODEL_ACCURACY_MAX_PROB_DIFF = "model.accuracy.max-prob-diff";
  public static final double MODEL_ACCURACY_MAX_PROB_DIFF_DEFAULT = 0.1;
  /**
   * A Hugging Face {@code tokenizer.json} (local path or Hadoop URI): makes this a text job. Read on
   * the driver, checked, and shipped to executors with its sha256, like the model.
   */
  public static final String MODEL_TOKENIZER = "model.tokenizer";

  /** When a task was assigned several GPU addresses: fail | first. */
  public static final String MODEL_MULTIPLE_GPUS = "model.multiple-gpus";
  public static final String MODEL_MULTIPLE_GPUS_DEFAULT = "fail";
  /** CUDA provider: bytes of GPU memory the arena may use (0 = no limit). */
  public static final String MODEL_CUDA_MEMORY_LIMIT = "model.cuda.memory-limit";
  public static final long MODEL_CUDA_MEMORY_LIMIT_DEFAULT = 0;
  /** CUDA provider: arena growth, next-power-of-two | same-as-requested. */
  public static final String MODEL_CUDA_ARENA_STRATEGY = "model.cuda.arena-strategy";
  public static final String MODEL_CUDA_ARENA_STRATEGY_DEFAULT = "next-power-of-two";
  /** CUDA provider: cuDNN convolution algorithm search, exhaustive | heuristic | default. */
  public static final String MODEL_CUDA_CONV_ALGO_SEARCH = "model.cuda.conv-algo-search";
  public static final String MODEL_CUDA_CONV_ALGO_SEARCH_DEFAULT = "heuristic";
  /** CUDA provider: copy tensors on the default stream (safer) rather than a separate one. */
  public static final String MODEL_CUDA_COPY_IN_DEFAULT_STREAM = "model.cuda.copy-in-default-stream";
  public static final boolean MODEL_CUDA_COPY_IN_DEFAULT_STREAM_DEFAULT = true;
  /** Put the TensorRT provider in front of CUDA (needs TensorRT libraries on the executors). */
  public static final String MODEL_TENSORRT = "model.tensorrt";
  public static final boolean MODEL_TENSORRT_DEFAULT = false;

  // ---- inference
  /** Rows per ONNX Runtime call on CPU. */
  public static final String INFERENCE_BATCH_SIZE = "inference.batch-size";
  public static final int INFERENCE_BATCH_SIZE_DEFAULT = 1024;
  /** Rows per ONNX Runtime call when the session runs on a GPU: larger batches keep it busy. */
  public static final String INFERENCE_GPU_BATCH_SIZE = "inference.gpu-batch-size";
  public static final int INFERENCE_GPU_BATCH_SIZE_DEFAULT = 8192;
  /**
   * The batch-size default of text jobs on CPU. Measured with all-MiniLM-L6-v2 on mail paragraphs
   * (2 callers x 1 thread, windows sorted by length): batches of 4-8 need 10-15% less CPU per text
   * than 32 (int8 and fp32), and batch 1 is no better than 32: on a CPU a larger batch adds padding
   * and activation memory but no speed.
   */
  public static final int INFERENCE_BATCH_SIZE_TEXT_DEFAULT = 8;
  /** The gpu-batch-size default of text jobs. */
  public static final int INFERENCE_GPU_BATCH_SIZE_TEXT_DEFAULT = 256;
  /** Per model input: the numeric columns assembled into [batch, N], or one array column. */
  public static final String INFERENCE_INPUT_COLUMNS = "inference.inputs.<name>.columns";
  /** Per model output: the result column it becomes. */
  public static final String INFERENCE_OUTPUT_COLUMN = "inference.outputs.<name>.column";
  /**
   * Per model output: none | softmax | argmax | top-k, or for [batch, tokens, hidden] outputs of
   * text models mean (over the attention mask) | cls (the first token).
   */
  public static final String INFERENCE_OUTPUT_POST = "inference.outputs.<name>.post";
  /** Per model output: k for top-k. */
  public static final String INFERENCE_OUTPUT_K = "inference.outputs.<name>.k";
  public static final int INFERENCE_OUTPUT_K_DEFAULT = 3;
  /** Per model output: class labels in output index order; argmax and top-k then give labels. */
  public static final String INFERENCE_OUTPUT_LABELS = "inference.outputs.<name>.labels";
  /**
   * Per output, with post ctc: the dictionary file (UTF-8, one character per line; PaddleOCR's
   * ppocr_keys_v1.txt), a local file read on the driver. Classes: blank (0), the lines, a space.
   */
  public static final String INFERENCE_OUTPUT_DICTIONARY = "inference.outputs.<name>.dictionary";
  /** NaN or +-Inf in a feature or a model output: reject | pass (outputs written raw, argmax/top-k null). */
  public static final String INFERENCE_NON_FINITE = "inference.non-finite";
  public static final String INFERENCE_NON_FINITE_DEFAULT = "reject";
  /** Per model output: l2 scales each result vector to unit length (after pooling); none keeps it. */
  public static final String INFERENCE_OUTPUT_NORMALIZE = "inference.outputs.<name>.normalize";
  public static final String INFERENCE_OUTPUT_NORMALIZE_DEFAULT = "none";

  // ---- inference, text models (with model.tokenizer)
  /** The string column to tokenize. Required with model.tokenizer. */
  public static final String INFERENCE_TEXT_COLUMN = "inference.text.column";
  /** The model input fed the token ids. */
  public static final String INFERENCE_TEXT_IDS_INPUT = "inference.text.ids-input";
  public static final String INFERENCE_TEXT_IDS_INPUT_DEFAULT = "input_ids";
  /** The model input fed the attention mask; empty when the model has none. */
  public static final String INFERENCE_TEXT_MASK_INPUT = "inference.text.mask-input";
  public static final String INFERENCE_TEXT_MASK_INPUT_DEFAULT = "attention_mask";
  /** The model input fed the token type ids (all 0 for one sentence); empty when the model has none. */
  public static final String INFERENCE_TEXT_TYPE_IDS_INPUT = "inference.text.type-ids-input";
  public static final String INFERENCE_TEXT_TYPE_IDS_INPUT_DEFAULT = "token_type_ids";
  /** Most tokens per row, special tokens included (MiniLM was trained with 256). */
  public static final String INFERENCE_MAX_LENGTH = "inference.max-length";
  public static final int INFERENCE_MAX_LENGTH_DEFAULT = 256;
  /** true: a longer row is cut to max-length and flagged; false: it is rejected (wrong_length). */
  public static final String INFERENCE_TEXT_TRUNCATION = "inference.text.truncation";
  public static final boolean INFERENCE_TEXT_TRUNCATION_DEFAULT = true;
  /** The boolean result column, true where a row was truncated. Default: {text column}_truncated. */
  public static final String INFERENCE_TEXT_TRUNCATED_COLUMN = "inference.text.truncated-column";
  /** Null or empty text: reject (quarantined, reason empty_text) | null (null results + reason column). */
  public static final String INFERENCE_TEXT_EMPTY = "inference.text.empty";
  public static final String INFERENCE_TEXT_EMPTY_DEFAULT = "reject";
  /** With inference.text.empty: null, the string column holding why results are null. */
  public static final String INFERENCE_TEXT_REASON_COLUMN = "inference.text.reason-column";
  /** Sort the rows of each window by token count before cutting batches (padding stays short). */
  public static final String INFERENCE_BUCKETING = "inference.bucketing";
  public static final boolean INFERENCE_BUCKETING_DEFAULT = true;
  /** Rows sorted together, in batches: memory per task is bounded by window-batches x batch-size rows. */
  public static final String INFERENCE_WINDOW_BATCHES = "inference.window-batches";
  public static final int INFERENCE_WINDOW_BATCHES_DEFAULT = 8;

  // ---- inference, image models (input.format: image, or an image column)
  /**
   * The column holding each image: binary (the bytes) or string (a file path, read on the
   * executor). Default {@code path} with input.format image; setting it turns any input into an
   * image job.
   */
  public static final String INFERENCE_IMAGE_COLUMN = "inference.image.column";
  public static final String INFERENCE_IMAGE_COLUMN_DEFAULT = "path";
  /** The model input the images feed. Default: the model's only input. */
  public static final String INFERENCE_IMAGE_INPUT = "inference.image.input";
  /** The tensor height in pixels. Required for image jobs. */
  public static final String INFERENCE_IMAGE_HEIGHT = "inference.image.height";
  /** A fixed tensor width: every image resized to height x width. Refused with min-/max-width. */
  public static final String INFERENCE_IMAGE_WIDTH = "inference.image.width";
  /** Fixed height keeping the aspect ratio: the resized width's cap. */
  public static final String INFERENCE_IMAGE_MAX_WIDTH = "inference.image.max-width";
  /** Fixed height keeping the aspect ratio: narrower images are padded to this width. Default 1. */
  public static final String INFERENCE_IMAGE_MIN_WIDTH = "inference.image.min-width";
  /** Channel order in the tensor: rgb or bgr. */
  public static final String INFERENCE_IMAGE_CHANNELS = "inference.image.channels";
  public static final String INFERENCE_IMAGE_CHANNELS_DEFAULT = "rgb";
  /** Tensor layout: nchw or nhwc. */
  public static final String INFERENCE_IMAGE_LAYOUT = "inference.image.layout";
  public static final String INFERENCE_IMAGE_LAYOUT_DEFAULT = "nchw";
  /** Each value is (pixel * scale - mean[c]) / std[c]; scale is a number or a fraction like 1/255. */
  public static final String INFERENCE_IMAGE_SCALE = "inference.image.scale";
  public static final String INFERENCE_IMAGE_SCALE_DEFAULT = "1/255";
  /** Three per-channel means, in the tensor's channel order. Default 0, 0, 0. */
  public static final String INFERENCE_IMAGE_MEAN = "inference.image.mean";
  /** Three per-channel standard deviations, in the tensor's channel order. Default 1, 1, 1. */
  public static final String INFERENCE_IMAGE_STD = "inference.image.std";
  /** The value written where a row is padded (right of a narrow image). */
  public static final String INFERENCE_IMAGE_PAD_VALUE = "inference.image.pad-value";
  public static final double INFERENCE_IMAGE_PAD_VALUE_DEFAULT = 0;
  /** Images whose header declares more pixels are rejected (image_too_large) before decoding. */
  public static final String INFERENCE_IMAGE_MAX_PIXELS = "inference.image.max-pixels";
  /** Image files above this many bytes are rejected (image_too_large) unread; a size such as 64m. */
  public static final String INFERENCE_IMAGE_MAX_BYTES = "inference.image.max-bytes";
  public static final long INFERENCE_IMAGE_MAX_BYTES_DEFAULT = 64L << 20;
  /** Default batch size of image jobs. */
  public static final int INFERENCE_BATCH_SIZE_IMAGE_DEFAULT = 16;

  // ---- output
  /** Where results go: a local path or any Hadoop URI. Required. */
  public static final String OUTPUT_PATH = "output.path";
  /** parquet, iceberg (output.table), or noop (Spark's noop sink: runs everything, writes nothing). */
  public static final String OUTPUT_FORMAT = "output.format";
  public static final String OUTPUT_FORMAT_DEFAULT = "parquet";
  /** Input columns copied to every result row. */
  public static final String OUTPUT_PASS_THROUGH = "output.pass-through";
  /**
   * Partition columns, e.g. [dt] or [dt, island]. dt, when named, comes first and is always filled
   * from run.date (a pass-through or result column of that name is refused).
   */
  public static final String OUTPUT_PARTITION_BY = "output.partition-by";
  /** overwrite (replace only the partitions this run writes) | append | error-if-exists. */
  public static final String OUTPUT_MODE = "output.mode";
  public static final String OUTPUT_MODE_DEFAULT = "overwrite";
  /** Where rejected rows go, Parquet, partitioned like the output. Default: {output.path}/_rejected. */
  public static final String OUTPUT_REJECTED_PATH = "output.rejected-path";
  /** output.format iceberg: the table, {@code <catalog>.<namespace>.<table>}; required there, refused elsewhere. */
  public static final String OUTPUT_TABLE = "output.table";
  /** output.format iceberg: the quarantine table. Default: {output.table}_rejected. */
  public static final String OUTPUT_REJECTED_TABLE = "output.rejected-table";
  /** Highest share of rejected rows a night may have before it exits 3 unpublished. */
  public static final String OUTPUT_MAX_REJECTED_RATIO = "output.max-rejected-ratio";
  public static final double OUTPUT_MAX_REJECTED_RATIO_DEFAULT = 0.01;
  /** Not a key: the partition column that output.partition-by fills from run.date. */
  public static final String DATE_PARTITION = "dt";
  /**
   * How long the table's lock ({@code <output>/_nightshift/lock}) holds before another run may take
   * it over: a duration such as 90s, 30m, 6h or 2d.
   */
  public static final String OUTPUT_LOCK_TIMEOUT = "output.lock-timeout";
  public static final String OUTPUT_LOCK_TIMEOUT_DEFAULT = "6h";
  /**
   * Leftovers older than this are deleted when a run starts: staging of failed runs, the driver's
   * nightshift-ship-* folders and model.cache-dir entries. A duration such as 12h or 7d.
   */
  public static final String OUTPUT_CLEANUP_MAX_AGE = "output.cleanup.max-age";
  public static final String OUTPUT_CLEANUP_MAX_AGE_DEFAULT = "7d";
  /** Beyond the newest this many of each kind of leftover, older ones are deleted too. */
  public static final String OUTPUT_CLEANUP_KEEP = "output.cleanup.keep";
  public static final int OUTPUT_CLEANUP_KEEP_DEFAULT = 5;

  // ---- run
  /** The night this run is for (yyyy-MM-dd); default today (UTC). Usable as ${run.date}. */
  public static final String RUN_DATE = "run.date";
  /**
   * An id for this run; default {run.date}T{HHmmss}. Usable as ${run.id}. 1 to 64 of letters,
   * digits, '_', '-', '.', ':', starting with a letter, digit, '_' or '-' (so never '.' or '..').
   */
  public static final String RUN_ID = "run.id";

  /** Patterns of every accepted key. */
  static final List<Pattern> KNOWN =
      List.of(
          exact(INPUT_PATH),
          exact(INPUT_FORMAT),
          Pattern.compile(Pattern.quote(INPUT_OPTIONS_PREFIX) + "[^\\s]+"),
          exact(INPUT_COLUMNS),
          exact(INPUT_SCHEMA),
          exact(MODEL_URI),
          exact(MODEL_SHA256),
          exact(MODEL_DEVICE),
          exact(MODEL_THREADS),
          exact(MODEL_RESOURCE_NAME),
          exact(MODEL_REQUIRE_GPU),
          exact(MODEL_SESSION_CACHE_SIZE),
          exact(MODEL_MULTIPLE_GPUS),
          exact(MODEL_CUDA_MEMORY_LIMIT),
          exact(MODEL_CUDA_ARENA_STRATEGY),
          exact(MODEL_CUDA_CONV_ALGO_SEARCH),
          exact(MODEL_CUDA_COPY_IN_DEFAULT_STREAM),
          exact(MODEL_TENSORRT),
          exact(MODEL_CUSTOM_OPS_LIBRARY),
          exact(MODEL_ALLOW_CUSTOM_OPS),
          exact(MODEL_PRECISION),
          exact(MODEL_INT8_MIN_ELEMENTS),
          exact(MODEL_DISTRIBUTION),
          exact(MODEL_MAX_BROADCAST_SIZE),
          exact(MODEL_CACHE_DIR),
          exact(MODEL_ACCURACY_SAMPLE_ROWS),
          exact(MODEL_ACCURACY_MIN_MEAN_COSINE),
          exact(MODEL_ACCURACY_MIN_COSINE),
          exact(MODEL_ACCURACY_MIN_TOP1_AGREEMENT),
          exact(MODEL_ACCURACY_MAX_PROB_DIFF),
          exact(MODEL_TOKENIZER),
          exact(INFERENCE_BATCH_SIZE),
          exact(INFERENCE_GPU_BATCH_SIZE),
          named(INFERENCE_INPUT_COLUMNS),
          named(INFERENCE_OUTPUT_COLUMN),
          named(INFERENCE_OUTPUT_POST),
          named(INFERENCE_OUTPUT_K),
          named(INFERENCE_OUTPUT_LABELS),
          named(INFERENCE_OUTPUT_DICTIONARY),
          exact(INFERENCE_NON_FINITE),
          named(INFERENCE_OUTPUT_NORMALIZE),
          exact(INFERENCE_TEXT_COLUMN),
          exact(INFERENCE_TEXT_IDS_INPUT),
          exact(INFERENCE_TEXT_MASK_INPUT),
          exact(INFERENCE_TEXT_TYPE_IDS_INPUT),
          exact(INFERENCE_MAX_LENGTH),
          exact(INFERENCE_TEXT_TRUNCATION),
          exact(INFERENCE_TEXT_TRUNCATED_COLUMN),
          exact(INFERENCE_TEXT_EMPTY),
          exact(INFERENCE_TEXT_REASON_COLUMN),
          exact(INFERENCE_BUCKETING),
          exact(INFERENCE_WINDOW_BATCHES),
          exact(INFERENCE_IMAGE_COLUMN),
          exact(INFERENCE_IMAGE_INPUT),
          exact(INFERENCE_IMAGE_HEIGHT),
          exact(INFERENCE_IMAGE_WIDTH),
          exact(INFERENCE_IMAGE_MAX_WIDTH),
          exact(INFERENCE_IMAGE_MIN_WIDTH),
          exact(INFERENCE_IMAGE_CHANNELS),
          exact(INFERENCE_IMAGE_LAYOUT),
          exact(INFERENCE_IMAGE_SCALE),
          exact(INFERENCE_IMAGE_MEAN),
          exact(INFERENCE_IMAGE_STD),
          exact(INFERENCE_IMAGE_PAD_VALUE),
          exact(INFERENCE_IMAGE_MAX_PIXELS),
          exact(INFERENCE_IMAGE_MAX_BYTES),
          exact(OUTPUT_PATH),
          exact(OUTPUT_FORMAT),
          exact(OUTPUT_PASS_THROUGH),
          exact(OUTPUT_PARTITION_BY),
          exact(OUTPUT_MODE),
          exact(OUTPUT_REJECTED_PATH),
          exact(OUTPUT_MAX_REJECTED_RATIO),
          exact(OUTPUT_LOCK_TIMEOUT),
          exact(OUTPUT_CLEANUP_MAX_AGE),
          exact(OUTPUT_CLEANUP_KEEP),
          exact(OUTPUT_TABLE),
          exact(OUTPUT_REJECTED_TABLE),
          exact(RUN_DATE),
          exact(RUN_ID));

  /** The concrete key of a per-input/per-output template, e.g. inference.outputs.probs.post. */
  public static String forName(String template, String name) {
    return template.replace("<name>", name);
  }

  private static Pattern exact(String key) {
    return Pattern.compile(Pattern.quote(key));
  }

  private static Pattern named(String template) {
    String[] parts = template.split("<name>", -1);
    return Pattern.compile(Pattern.quote(parts[0]) + "([^\\s]+)" + Pattern.quote(parts[1]));
  }

  static boolean isKnown(String key) {
    for (Pattern p : KNOWN) {
      if (p.matcher(key).matches()) {
        return true;
      }
    }
    return false;
  }
}
