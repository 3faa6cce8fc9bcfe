package io.nightshift.config;

import static io.nightshift.config.JobProperties.*;

import io.nightshift.NightshiftException;
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
import io.nightshift.config.JobConfig.AccuracySpec;
import io.nightshift.config.JobConfig.CleanupSpec;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.ImageSpec;
import io.nightshift.config.JobConfig.InputMapping;
import io.nightshift.config.JobConfig.InputSpec;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.config.JobConfig.OutputSpec;
import io.nightshift.config.JobConfig.RunSpec;
import io.nightshift.config.JobConfig.TextSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns a YAML job file plus {@code --set key=value} overrides into a validated {@link JobConfig}.
 * Nested YAML maps become dotted keys; every key must be one {@link JobProperties} knows. Values
 * may use {@code ${run.date}}, {@code ${run.id}} and {@code ${env.NAME}}. Every error names the
 * key (or file) and the bad value.
 */
public final class JobConfigParser {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(|b|k|kb|m|mb|g|gb)");
  /** A run id names folders and files: never '.', '..', a '/' or a leading dot. */
  private static final Pattern RUN_ID_PATTERN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,63}");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  // A model's input and output names may hold dots (PaddlePaddle's softmax_11.tmp_0): the name is
  // everything between the prefix and the known last part.
  private static final Pattern INPUT_NAME = Pattern.compile("inference\\.inputs\\.(.+)\\.columns");
  private static final Pattern OUTPUT_NAME =
      Pattern.compile("inference\\.outputs\\.(.+)\\.(column|post|k|labels|normalize|dictionary)");

  private final String source;
  private final Map<String, Object> values;

  private JobConfigParser(String source, Map<String, Object> values) {
    this.source = source;
    this.values = values;
  }

  /** Parses a job file with overrides ({@code key=value}, applied in order). */
  public static JobConfig parse(Path file, List<String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw NightshiftException.invalid("config file not found: %s", file.toAbsolutePath());
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "cannot read config file %s: %s", file, e.getMessage());
    }
    return parse(text, file.toString(), overrides);
  }

  /** Parses job-file text; {@code source} names it in errors. */
  public static JobConfig parse(String yamlText, String source, List<String> overrides) {
    Object root;
    try {
      root = yaml().load(yamlText);
    } catch (YAMLException e) {
      throw NightshiftException.invalid(e, "%s is not valid YAML: %s", source, e.getMessage());
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    if (root != null) {
      if (!(root instanceof Map<?, ?> map)) {
        throw NightshiftException.invalid("%s: the top level must be a map of sections", source);
      }
      flatten("", map, flat, source);
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw NightshiftException.invalid("--set '%s': expected key=value", override);
      }
      String key = override.substring(0, eq).trim();
      flat.put(key, overrideValue(override.substring(eq + 1).trim()));
    }
    for (String key : flat.keySet()) {
      if (!JobProperties.isKnown(key)) {
        throw NightshiftException.invalid(
            "%s: unknown key '%s' (see README, job-file reference)", source, key);
      }
    }
    return new JobConfigParser(source, flat).build();
  }

  /**
   * A YAML reader that keeps every scalar as the text written: YAML 1.1 would otherwise turn
   * labels such as {@code no}/{@code yes} into booleans and {@code 2026-11-28} into a timestamp.
   * Values are typed by this parser, per key.
   */
  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    Resolver textOnly =
        new Resolver() {
          @Override
          protected void addImplicitResolvers() {}
        };
    return new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
        new DumperOptions(), options, textOnly);
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out, String source) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map<?, ?> child) {
        flatten(key + ".", child, out, source);
      } else if (v instanceof List<?> list) {
        List<String> items = new ArrayList<>();
        for (Object item : list) {
          if (item instanceof Map<?, ?> || item instanceof List<?>) {
            throw NightshiftException.invalid(
                "%s: key '%s' must be a list of plain values", source, key);
          }
          items.add(scalar(item));
        }
        out.put(key, List.copyOf(items));
      } else {
        out.put(key, v == null ? null : scalar(v));
      }
    }
  }

  private static String scalar(Object v) {
    if (v instanceof Date d) {
      // YAML reads an unquoted 2026-11-28 as a timestamp; keep the date the user wrote.
      return DateTimeFormatter.ISO_LOCAL_DATE.format(d.toInstant().atZone(ZoneOffset.UTC));
    }
    return String.valueOf(v);
  }

  private static Object overrideValue(String text) {
    if (text.startsWith("[")) {
      Object parsed = yaml().load(text);
      if (parsed instanceof List<?> list) {
        return list.stream().map(JobConfigParser::scalar).toList();
      }
    }
    return text;
  }

  private JobConfig build() {
    RunSpec run = run();
    Map<String, String> vars = Map.of("run.date", run.date(), "run.id", run.id());
    values.replaceAll((k, v) -> substitute(k, v, vars));

    InputSpec input =
        new InputSpec(
            required(INPUT_PATH),
            Choices.parse(InputFormat.class, INPUT_FORMAT, string(INPUT_FORMAT, INPUT_FORMAT_DEFAULT)),
            options(),
            list(INPUT_COLUMNS),
            string(INPUT_SCHEMA, ""));
    String sha = string(MODEL_SHA256, "").toLowerCase();
    if (!sha.isEmpty() && !SHA256.matcher(sha).matches()) {
      throw invalidValue(MODEL_SHA256, sha, "64 hex digits");
    }
    ModelSpec model =
        new ModelSpec(
            required(MODEL_URI),
            sha,
            Choices.parse(Device.class, MODEL_DEVICE, string(MODEL_DEVICE, MODEL_DEVICE_DEFAULT)),
            integer(MODEL_THREADS, MODEL_THREADS_DEFAULT, 0),
            string(MODEL_RESOURCE_NAME, MODEL_RESOURCE_NAME_DEFAULT),
            bool(MODEL_REQUIRE_GPU, MODEL_REQUIRE_GPU_DEFAULT),
            integer(MODEL_SESSION_CACHE_SIZE, MODEL_SESSION_CACHE_SIZE_DEFAULT, 1),
            Choices.parse(Enums.MultipleGpus.class, MODEL_MULTIPLE_GPUS,
                string(MODEL_MULTIPLE_GPUS, MODEL_MULTIPLE_GPUS_DEFAULT)),
            new JobConfig.CudaOptions(
                longValue(MODEL_CUDA_MEMORY_LIMIT, MODEL_CUDA_MEMORY_LIMIT_DEFAULT),
                Choices.parse(Enums.ArenaStrategy.class, MODEL_CUDA_ARENA_STRATEGY,
                    string(MODEL_CUDA_ARENA_STRATEGY, MODEL_CUDA_ARENA_STRATEGY_DEFAULT)),
                Choices.parse(Enums.ConvAlgoSearch.class, MODEL_CUDA_CONV_ALGO_SEARCH,
                    string(MODEL_CUDA_CONV_ALGO_SEARCH, MODEL_CUDA_CONV_ALGO_SEARCH_DEFAULT)),
                bool(MODEL_CUDA_COPY_IN_DEFAULT_STREAM, MODEL_CUDA_COPY_IN_DEFAULT_STREAM_DEFAULT),
                bool(MODEL_TENSORRT, MODEL_TENSORRT_DEFAULT)),
            string(MODEL_CUSTOM_OPS_LIBRARY, ""),
            bool(MODEL_ALLOW_CUSTOM_OPS, MODEL_ALLOW_CUSTOM_OPS_DEFAULT),
            Choices.parse(
                ModelPrecision.class,
                MODEL_PRECISION,
                string(MODEL_PRECISION, MODEL_PRECISION_DEFAULT)),
            integer(MODEL_INT8_MIN_ELEMENTS, MODEL_INT8_MIN_ELEMENTS_DEFAULT, 1),
            Choices.parse(
                Distribution.class,
                MODEL_DISTRIBUTION,
                string(MODEL_DISTRIBUTION, MODEL_DISTRIBUTION_DEFAULT)),
            size(MODEL_MAX_BROADCAST_SIZE, MODEL_MAX_BROADCAST_SIZE_DEFAULT),
            string(MODEL_CACHE_DIR, ""),
            accuracy(),
            string(MODEL_TOKENIZER, ""));
    if (!model.customOpsLibrary().isEmpty() && !model.allowCustomOps()) {
      throw NightshiftException.invalid(
          "%s: key '%s' names native code (%s), which is loaded only when '%s' is true",
          source, MODEL_CUSTOM_OPS_LIBRARY, model.customOpsLibrary(), MODEL_ALLOW_CUSTOM_OPS);
    }
    TextSpec text = text(model.hasTokenizer());
    ImageSpec image = image(input.format() == InputFormat.IMAGE, text != null);
    InferenceSpec inference =
        new InferenceSpec(
            integer(INFERENCE_BATCH_SIZE,
                image != null ? INFERENCE_BATCH_SIZE_IMAGE_DEFAULT
                    : text == null ? INFERENCE_BATCH_SIZE_DEFAULT : INFERENCE_BATCH_SIZE_TEXT_DEFAULT, 1),
            integer(INFERENCE_GPU_BATCH_SIZE,
                text == null && image == null ? INFERENCE_GPU_BATCH_SIZE_DEFAULT : INFERENCE_GPU_BATCH_SIZE_TEXT_DEFAULT, 1),
            inputMappings(text != null || image != null),
            outputMappings(),
            Choices.parse(
                NonFinitePolicy.class,
                INFERENCE_NON_FINITE,
                string(INFERENCE_NON_FINITE, INFERENCE_NON_FINITE_DEFAULT)),
            text,
            image);
    String outputPath = required(OUTPUT_PATH);
    String rejected = string(OUTPUT_REJECTED_PATH, "");
    if (rejected.isEmpty()) {
      rejected = outputPath.replaceAll("/+$", "") + "/_rejected";
    }
    double ratio = number(OUTPUT_MAX_REJECTED_RATIO, OUTPUT_MAX_REJECTED_RATIO_DEFAULT);
    if (ratio < 0 || ratio > 1) {
      throw invalidValue(OUTPUT_MAX_REJECTED_RATIO, String.valueOf(ratio), "a ratio from 0 to 1");
    }
    OutputSpec output =
        new OutputSpec(
            outputPath,
            Choices.parse(OutputFormat.class, OUTPUT_FORMAT, string(OUTPUT_FORMAT, OUTPUT_FORMAT_DEFAULT)),
            list(OUTPUT_PASS_THROUGH),
            list(OUTPUT_PARTITION_BY),
            Choices.parse(WriteMode.class, OUTPUT_MODE, string(OUTPUT_MODE, OUTPUT_MODE_DEFAULT)),
            rejected,
            ratio,
            duration(OUTPUT_LOCK_TIMEOUT, OUTPUT_LOCK_TIMEOUT_DEFAULT),
            new CleanupSpec(
                duration(OUTPUT_CLEANUP_MAX_AGE, OUTPUT_CLEANUP_MAX_AGE_DEFAULT),
                integer(OUTPUT_CLEANUP_KEEP, OUTPUT_CLEANUP_KEEP_DEFAULT, 0)),
            string(OUTPUT_TABLE, ""),
            string(OUTPUT_REJECTED_TABLE, ""));
    output = icebergTables(output);
    checkResultColumns(inference, output);
    checkDatePartition(inference, output);
    return new JobConfig(input, model, inference, output, run);
  }

  private AccuracySpec accuracy() {
    return new AccuracySpec(
        integer(MODEL_ACCURACY_SAMPLE_ROWS, MODEL_ACCURACY_SAMPLE_ROWS_DEFAULT, 0),
        ratio(MODEL_ACCURACY_MIN_MEAN_COSINE, MODEL_ACCURACY_MIN_MEAN_COSINE_DEFAULT, -1),
        ratio(MODEL_ACCURACY_MIN_COSINE, MODEL_ACCURACY_MIN_COSINE_DEFAULT, -1),
        ratio(MODEL_ACCURACY_MIN_TOP1_AGREEMENT, MODEL_ACCURACY_MIN_TOP1_AGREEMENT_DEFAULT, 0),
        ratio(MODEL_ACCURACY_MAX_PROB_DIFF, MODEL_ACCURACY_MAX_PROB_DIFF_DEFAULT, 0));
  }

  private double ratio(String key, double dflt, double min) {
    double v = number(key, dflt);
    if (v < min || v > 1) {
      throw invalidValue(key, String.valueOf(v), "a number from " + (int) min + " to 1");
    }
    return v;
  }

  /** A byte count, optionally with a k, m or g suffix (powers of 1024). */
  private long size(String key, long dflt) {
    String s = string(key, "");
    if (s.isEmpty()) {
      return dflt;
    }
    Matcher m = SIZE.matcher(s.toLowerCase());
    if (!m.matches()) {
      throw invalidValue(key, s, "a byte count such as 536870912, 512m or 2g");
    }
    long n = Long.parseLong(m.group(1));
    int shift = switch (m.group(2)) {
      case "k", "kb" -> 10;
      case "m", "mb" -> 20;
      case "g", "gb" -> 30;
      default -> 0;
    };
    if (n > (Long.MAX_VALUE >> shift)) {
      throw invalidValue(key, s, "a byte count below 2^63");
    }
    return n << shift;
  }

  private RunSpec run() {
    String date = string(RUN_DATE, "");
    if (date.isEmpty()) {
      date = LocalDate.now(ZoneOffset.UTC).toString();
    } else {
      try {
        LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        throw invalidValue(RUN_DATE, date, "a date yyyy-MM-dd");
      }
    }
    String id = string(RUN_ID, "");
    if (id.isEmpty()) {
      id = date + "T" + LocalTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HHmmss"));
    }
    if (!RUN_ID_PATTERN.matcher(id).matches()) {
      throw invalidValue(RUN_ID, id,
          "1 to 64 letters, digits, '_', '-', '.' or ':', not starting with '.' (it names a folder)");
    }
    return new RunSpec(date, id);
  }

  private Object substitute(String key, Object value, Map<String, String> vars) {
    if (value instanceof String s) {
      return substituteOne(key, s, vars);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(item -> substituteOne(key, (String) item, vars)).toList();
    }
    return value;
  }

  private String substituteOne(String key, String s, Map<String, String> vars) {
    Matcher m = VARIABLE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String replacement;
      if (name.startsWith("env.")) {
        replacement = System.getenv(name.substring(4));
      } else {
        replacement = vars.get(name);
      }
      if (replacement == null) {
        throw NightshiftException.invalid(
            "%s: key '%s' uses ${%s}, which is not set (known: ${run.date}, ${run.id}, ${env.NAME})",
            source, key, name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (e.getKey().startsWith(INPUT_OPTIONS_PREFIX)) {
        options.put(e.getKey().substring(INPUT_OPTIONS_PREFIX.length()), string(e.getKey(), ""));
      }
    }
    return Collections.unmodifiableMap(options);
  }

  /** The text spec when a tokenizer is set; text keys without one are an error. */
  private TextSpec text(boolean hasTokenizer) {
    if (!hasTokenizer) {
      for (String key : values.keySet()) {
        if (key.startsWith("inference.text.")) {
          throw NightshiftException.invalid(
              "%s: key '%s' is for text models; set %s too", source, key, MODEL_TOKENIZER);
        }
      }
      return null;
    }
    String column = string(INFERENCE_TEXT_COLUMN, "");
    if (column.isEmpty()) {
      throw NightshiftException.invalid(
          "%s: %s is set, so %s must name the text column", source, MODEL_TOKENIZER, INFERENCE_TEXT_COLUMN);
    }
    String ids = string(INFERENCE_TEXT_IDS_INPUT, INFERENCE_TEXT_IDS_INPUT_DEFAULT);
    if (ids.isEmpty()) {
      throw invalidValue(INFERENCE_TEXT_IDS_INPUT, ids, "the model input that takes token ids");
    }
    // YAML reads an unquoted `empty: null` as no value: that spelling means the null policy.
    boolean yamlNull = values.containsKey(INFERENCE_TEXT_EMPTY) && values.get(INFERENCE_TEXT_EMPTY) == null;
    EmptyTextPolicy empty =
        yamlNull
            ? EmptyTextPolicy.NULL
            : Choices.parse(EmptyTextPolicy.class, INFERENCE_TEXT_EMPTY, string(INFERENCE_TEXT_EMPTY, INFERENCE_TEXT_EMPTY_DEFAULT));
    String reason = string(INFERENCE_TEXT_REASON_COLUMN, "");
    if (empty == EmptyTextPolicy.NULL && reason.isEmpty()) {
      reason = column + "_reason";
    } else if (empty == EmptyTextPolicy.REJECT && !reason.isEmpty()) {
      throw NightshiftException.invalid(
          "%s: %s is only used with %s: null", source, INFERENCE_TEXT_REASON_COLUMN, INFERENCE_TEXT_EMPTY);
    }
    int maxLength = integer(INFERENCE_MAX_LENGTH, INFERENCE_MAX_LENGTH_DEFAULT, 2);
    return new TextSpec(
        column,
        ids,
        string(INFERENCE_TEXT_MASK_INPUT, INFERENCE_TEXT_MASK_INPUT_DEFAULT),
        string(INFERENCE_TEXT_TYPE_IDS_INPUT, INFERENCE_TEXT_TYPE_IDS_INPUT_DEFAULT),
        maxLength,
        bool(INFERENCE_TEXT_TRUNCATION, INFERENCE_TEXT_TRUNCATION_DEFAULT),
        string(INFERENCE_TEXT_TRUNCATED_COLUMN, column + "_truncated"),
        empty,
        reason,
        bool(INFERENCE_BUCKETING, INFERENCE_BUCKETING_DEFAULT),
        integer(INFERENCE_WINDOW_BATCHES, INFERENCE_WINDOW_BATCHES_DEFAULT, 1));
  }

  /** The image spec of an image job (input.format image, or inference.image.column set), else null. */
  private ImageSpec image(boolean imageFiles, boolean text) {
    boolean anyKey = values.keySet().stream().anyMatch(k -> k.startsWith("inference.image."));
    if (!imageFiles && !values.containsKey(INFERENCE_IMAGE_COLUMN)) {
      if (anyKey) {
        throw NightshiftException.invalid(
            "%s: inference.image.* keys are for image jobs: set %s: image, or %s", source, INPUT_FORMAT,
            INFERENCE_IMAGE_COLUMN);
      }
      return null;
    }
    if (text) {
      throw NightshiftException.invalid("%s: a job reads text (%s) or images, not both", source, MODEL_TOKENIZER);
    }
    String column = string(INFERENCE_IMAGE_COLUMN, imageFiles ? INFERENCE_IMAGE_COLUMN_DEFAULT : "");
    if (column.isEmpty()) {
      throw invalidValue(INFERENCE_IMAGE_COLUMN, column, "the column holding the images");
    }
    int height = integer(INFERENCE_IMAGE_HEIGHT, 0, 1);
    if (height == 0) {
      throw NightshiftException.invalid("%s: an image job needs %s (the tensor height)", source, INFERENCE_IMAGE_HEIGHT);
    }
    int width = integer(INFERENCE_IMAGE_WIDTH, 0, 1);
    int maxWidth = integer(INFERENCE_IMAGE_MAX_WIDTH, 0, 1);
    int minWidth = integer(INFERENCE_IMAGE_MIN_WIDTH, 0, 1);
    io.nightshift.image.ImageResize resize;
    if (width > 0) {
      if (maxWidth > 0 || minWidth > 0) {
        throw NightshiftException.invalid("%s: %s fixes the width; %s and %s are for a free width, not with it",
            source, INFERENCE_IMAGE_WIDTH, INFERENCE_IMAGE_MIN_WIDTH, INFERENCE_IMAGE_MAX_WIDTH);
      }
      resize = new io.nightshift.image.ImageResize.Fixed(height, width);
    } else if (maxWidth > 0) {
      if (minWidth > maxWidth) {
        throw invalidValue(INFERENCE_IMAGE_MIN_WIDTH, String.valueOf(minWidth),
            "a width up to " + INFERENCE_IMAGE_MAX_WIDTH + " (" + maxWidth + ")");
      }
      resize = new io.nightshift.image.ImageResize.FixedHeight(height, Math.max(1, minWidth), maxWidth);
    } else {
      throw NightshiftException.invalid("%s: an image job needs %s (fixed) or %s (aspect ratio kept)", source,
          INFERENCE_IMAGE_WIDTH, INFERENCE_IMAGE_MAX_WIDTH);
    }
    io.nightshift.image.ImageTensorSpec tensor;
    try {
      tensor = new io.nightshift.image.ImageTensorSpec(
          resize,
          Choices.parse(io.nightshift.image.ChannelOrder.class, INFERENCE_IMAGE_CHANNELS,
              string(INFERENCE_IMAGE_CHANNELS, INFERENCE_IMAGE_CHANNELS_DEFAULT)),
          Choices.parse(io.nightshift.image.TensorLayout.class, INFERENCE_IMAGE_LAYOUT,
              string(INFERENCE_IMAGE_LAYOUT, INFERENCE_IMAGE_LAYOUT_DEFAULT)),
          fraction(INFERENCE_IMAGE_SCALE, string(INFERENCE_IMAGE_SCALE, INFERENCE_IMAGE_SCALE_DEFAULT)),
          triple(INFERENCE_IMAGE_MEAN, 0f),
          triple(INFERENCE_IMAGE_STD, 1f),
          (float) number(INFERENCE_IMAGE_PAD_VALUE, INFERENCE_IMAGE_PAD_VALUE_DEFAULT));
    } catch (IllegalArgumentException e) {
      throw NightshiftException.invalid("%s: inference.image.*: %s", source, e.getMessage());
    }
    long maxPixels = longValue(INFERENCE_IMAGE_MAX_PIXELS, io.nightshift.image.ImageDecoder.DEFAULT_MAX_PIXELS);
    if (maxPixels < 1) {
      throw invalidValue(INFERENCE_IMAGE_MAX_PIXELS, String.valueOf(maxPixels), "a whole number >= 1");
    }
    long maxBytes = size(INFERENCE_IMAGE_MAX_BYTES, INFERENCE_IMAGE_MAX_BYTES_DEFAULT);
    if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
      throw invalidValue(INFERENCE_IMAGE_MAX_BYTES, String.valueOf(maxBytes), "a size from 1 byte to 2g");
    }
    return new ImageSpec(column, string(INFERENCE_IMAGE_INPUT, ""), tensor, maxPixels, maxBytes);
  }

  /** A number, or a fraction such as 1/255. */
  private float fraction(String key, String s) {
    try {
      int slash = s.indexOf('/');
      return slash < 0 ? Float.parseFloat(s)
          : (float) (Double.parseDouble(s.substring(0, slash).trim()) / Double.parseDouble(s.substring(slash + 1).trim()));
    } catch (NumberFormatException e) {
      throw invalidValue(key, s, "a number or a fraction such as 1/255");
    }
  }

  /** Three numbers (one per channel), or {@code dflt} thrice when unset. */
  private float[] triple(String key, float dflt) {
    List<String> l = list(key);
    if (l.isEmpty()) {
      return new float[] {dflt, dflt, dflt};
    }
    if (l.size() != 3) {
      throw invalidValue(key, String.join(", ", l), "three numbers, one per channel");
    }
    float[] out = new float[3];
    for (int i = 0; i < 3; i++) {
      out[i] = fraction(key, l.get(i));
    }
    return out;
  }

  private List<InputMapping> inputMappings(boolean text) {
    List<InputMapping> mappings = new ArrayList<>();
    for (String name : names(INPUT_NAME)) {
      String key = JobProperties.forName(INFERENCE_INPUT_COLUMNS, name);
      List<String> columns = list(key);
      if (columns.isEmpty()) {
        throw invalidValue(key, "", "at least one column");
      }
      mappings.add(new InputMapping(name, columns));
    }
    if (mappings.isEmpty() && !text) {
      throw NightshiftException.invalid(
          "%s: no model input is fed: set %s", source, INFERENCE_INPUT_COLUMNS);
    }
    return List.copyOf(mappings);
  }

  private List<OutputMapping> outputMappings() {
    List<OutputMapping> mappings = new ArrayList<>();
    for (String name : names(OUTPUT_NAME)) {
      String postKey = JobProperties.forName(INFERENCE_OUTPUT_POST, name);
      PostStep post = Choices.parse(PostStep.class, postKey, string(postKey, "none"));
      String kKey = JobProperties.forName(INFERENCE_OUTPUT_K, name);
      int k = integer(kKey, INFERENCE_OUTPUT_K_DEFAULT, 1);
      List<String> labels = list(JobProperties.forName(INFERENCE_OUTPUT_LABELS, name));
      String column = string(JobProperties.forName(INFERENCE_OUTPUT_COLUMN, name), name);
      String normalizeKey = JobProperties.forName(INFERENCE_OUTPUT_NORMALIZE, name);
      Normalize normalize =
          Choices.parse(Normalize.class, normalizeKey, string(normalizeKey, INFERENCE_OUTPUT_NORMALIZE_DEFAULT));
      if (normalize == Normalize.L2 && post != PostStep.NONE && !post.pools()) {
        throw NightshiftException.invalid(
            "%s: %s: l2 applies to mean, cls or none, not to %s",
            source, normalizeKey, Choices.spelling(post));
      }
      String dictionaryKey = JobProperties.forName(INFERENCE_OUTPUT_DICTIONARY, name);
      String dictionary = string(dictionaryKey, "");
      if (post == PostStep.CTC && dictionary.isEmpty()) {
        throw NightshiftException.invalid("%s: post-step ctc needs %s", source, dictionaryKey);
      }
      if (post != PostStep.CTC && !dictionary.isEmpty()) {
        throw NightshiftException.invalid("%s: %s is only used with post: ctc", source, dictionaryKey);
      }
      mappings.add(new OutputMapping(name, column, post, k, labels, normalize, dictionary));
    }
    if (mappings.isEmpty()) {
      throw NightshiftException.invalid(
          "%s: no model output is mapped: set %s", source, INFERENCE_OUTPUT_COLUMN);
    }
    return List.copyOf(mappings);
  }

  private void checkResultColumns(InferenceSpec inference, OutputSpec output) {
    Set<String> seen = new LinkedHashSet<>(output.passThrough());
    for (OutputMapping m : inference.outputs()) {
      List<String> made =
          m.post() == PostStep.TOP_K ? List.of(m.column(), m.scoresColumn())
              : m.post() == PostStep.CTC ? List.of(m.column(), m.confidenceColumn()) : List.of(m.column());
      for (String c : made) {
        checkNew(seen, c, JobProperties.forName(INFERENCE_OUTPUT_COLUMN, m.modelOutput()));
      }
    }
    TextSpec text = inference.text();
    if (text != null) {
      checkNew(seen, text.truncatedColumn(), INFERENCE_TEXT_TRUNCATED_COLUMN);
      if (text.empty() == EmptyTextPolicy.NULL) {
        checkNew(seen, text.reasonColumn(), INFERENCE_TEXT_REASON_COLUMN);
      }
    }
  }

  /**
   * output.format iceberg: output.table required ({@code <catalog>.<namespace>.<table>}), the
   * quarantine table defaulted, only overwrite, only dt as partition (a column named dt is refused
   * by checkDatePartition). Elsewhere the table keys are refused: they would do nothing.
   */
  private OutputSpec icebergTables(OutputSpec o) {
    if (o.format() != OutputFormat.ICEBERG) {
      for (String key : List.of(OUTPUT_TABLE, OUTPUT_REJECTED_TABLE)) {
        if (values.containsKey(key)) {
          throw NightshiftException.invalid(
              "%s: key '%s' needs output.format iceberg (output.format is %s)",
              source, key, o.format().name().toLowerCase());
        }
      }
      return o;
    }
    if (o.table().isEmpty()) {
      throw NightshiftException.invalid(
          "%s: output.format iceberg needs key '%s' (<catalog>.<namespace>.<table>)", source, OUTPUT_TABLE);
    }
    checkTableName(OUTPUT_TABLE, o.table());
    String rejected = o.rejectedTable().isEmpty() ? o.table() + "_rejected" : o.rejectedTable();
    checkTableName(OUTPUT_REJECTED_TABLE, rejected);
    if (rejected.equals(o.table())) {
      throw invalidValue(OUTPUT_REJECTED_TABLE, rejected, "a table other than output.table");
    }
    if (o.mode() != WriteMode.OVERWRITE) {
      throw invalidValue(OUTPUT_MODE, o.mode().name().toLowerCase().replace('_', '-'),
          "overwrite with output.format iceberg: a night replaces dt = run.date");
    }
    if (!o.partitionBy().isEmpty() && !o.partitionBy().equals(List.of(DATE_PARTITION))) {
      throw invalidValue(OUTPUT_PARTITION_BY, String.join(", ", o.partitionBy()),
          "[dt] or nothing with output.format iceberg: the table is partitioned by dt");
    }
    return new OutputSpec(o.path(), o.format(), o.passThrough(), List.of(DATE_PARTITION), o.mode(),
        o.rejectedPath(), o.maxRejectedRatio(), o.lockTimeout(), o.cleanup(), o.table(), rejected);
  }

  private void checkTableName(String key, String name) {
    String[] parts = name.split("\\.", -1);
    boolean ok = parts.length >= 3;
    for (String p : parts) {
      ok &= !p.isBlank() && !p.contains("`");
    }
    if (!ok) {
      throw invalidValue(key, name, "<catalog>.<namespace>.<table>, e.g. local.nightshift.penguins_scored");
    }
  }

  /**
   * With {@code dt} among the partition columns, every row of the run is written to {@code
   * dt=<run.date>}: dt must be the first partition column (a night is one folder), and no
   * pass-through or result column may be called dt (it would decide the partition instead).
   */
  private void checkDatePartition(InferenceSpec inference, OutputSpec output) {
    List<String> parts = output.partitionBy();
    int at = -1;
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).equalsIgnoreCase(DATE_PARTITION)) {
        at = i;
      }
    }
    if (at < 0) {
      return;
    }
    if (at > 0 || !parts.get(0).equals(DATE_PARTITION)) {
      throw invalidValue(OUTPUT_PARTITION_BY, parts.toString(),
          "'" + DATE_PARTITION + "' first when it is named (a night is the folder dt=<run.date>)");
    }
    for (String c : output.passThrough()) {
      if (c.equalsIgnoreCase(DATE_PARTITION)) {
        throw NightshiftException.invalid(
            "%s: key '%s' names column '%s', but '%s' is the partition column filled from %s; a row's own"
                + " date would choose another night's partition: drop it from %s or rename it in the input",
            source, OUTPUT_PASS_THROUGH, c, DATE_PARTITION, RUN_DATE, OUTPUT_PASS_THROUGH);
      }
    }
    for (OutputMapping m : inference.outputs()) {
      List<String> made =
          m.post() == PostStep.TOP_K ? List.of(m.column(), m.scoresColumn())
              : m.post() == PostStep.CTC ? List.of(m.column(), m.confidenceColumn()) : List.of(m.column());
      for (String c : made) {
        if (c.equalsIgnoreCase(DATE_PARTITION)) {
          throw NightshiftException.invalid(
              "%s: result column '%s' (from %s) is the partition column filled from %s", source, c,
              JobProperties.forName(INFERENCE_OUTPUT_COLUMN, m.modelOutput()), RUN_DATE);
        }
      }
    }
  }

  /** A duration such as 90s, 30m, 6h or 7d. */
  private java.time.Duration duration(String key, String dflt) {
    String s = string(key, dflt).toLowerCase();
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw invalidValue(key, s, "a duration such as 90s, 30m, 6h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(n);
      case "m" -> java.time.Duration.ofMinutes(n);
      case "h" -> java.time.Duration.ofHours(n);
      default -> java.time.Duration.ofDays(n);
    };
  }

  private void checkNew(Set<String> seen, String column, String key) {
    if (!seen.add(column)) {
      throw NightshiftException.invalid(
          "%s: result column '%s' (from %s) is named twice among pass-through and result columns",
          source, column, key);
    }
  }

  private Set<String> names(Pattern pattern) {
    Set<String> names = new LinkedHashSet<>();
    for (String key : values.keySet()) {
      Matcher m = pattern.matcher(key);
      if (m.matches()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private String required(String key) {
    String v = string(key, "");
    if (v.isBlank()) {
      throw NightshiftException.invalid("%s: required key '%s' is not set", source, key);
    }
    return v;
  }

  private String string(String key, String dflt) {
    Object v = values.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof List<?>) {
      throw invalidValue(key, v.toString(), "a single value, not a list");
    }
    return ((String) v).trim();
  }

  private List<String> list(String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> list) {
      return list.stream().map(o -> ((String) o).trim()).filter(s -> !s.isEmpty()).toList();
    }
    String s = ((String) v).trim();
    if (s.isEmpty()) {
      return List.of();
    }
    return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  private int integer(String key, int dflt, int min) {
    String s = string(key, "");
    if (s.isEmpty()) {
      return dflt;
    }
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw invalidValue(key, s, "a whole number");
    }
    if (v < min) {
      throw invalidValue(key, s, "a whole number >= " + min);
    }
    return v;
  }

  private long longValue(String key, long dflt) {
    String s = string(key, "");
    if (s.isEmpty()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw invalidValue(key, s, "a whole number >= 0");
      }
      return v;
    } catch (NumberFormatException e) {
      throw invalidValue(key, s, "a whole number");
    }
  }

  private double number(String key, double dflt) {
    String s = string(key, "");
    if (s.isEmpty()) {
      return dflt;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw invalidValue(key, s, "a number");
    }
  }

  private boolean bool(String key, boolean dflt) {
    String s = string(key, "");
    if (s.isEmpty()) {
      return dflt;
    }
    return switch (s.toLowerCase()) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw invalidValue(key, s, "true or false");
    };
  }

  private NightshiftException invalidValue(String key, String value, String expected) {
    return NightshiftException.invalid(
        "%s: key '%s' has bad value '%s' (expected %s)", source, key, value, expected);
  }
}
