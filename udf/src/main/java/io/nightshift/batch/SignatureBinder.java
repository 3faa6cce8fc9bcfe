package io.nightshift.batch;

import io.nightshift.result.ResultOutput;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.NightshiftException;
import io.nightshift.arrow.TensorBuffer;
import io.nightshift.config.Enums.EmptyTextPolicy;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.InputMapping;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.config.JobProperties;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSignature.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks an input schema and the job's mappings against a model's signature, before anything
 * runs, and binds them: which ordinals feed which input, which fields each output makes. Every
 * error names the column, the model input or output, and the config key.
 */
public final class SignatureBinder {
  private final ModelSignature signature;
  private final String modelName;

  public SignatureBinder(ModelSignature signature, String modelName) {
    this.signature = signature;
    this.modelName = modelName;
  }

  public List<FeatureInput> inputs(StructType schema, InferenceSpec spec, boolean textNumbers) {
    Set<String> fed = new HashSet<>();
    List<FeatureInput> out = new ArrayList<>();
    if (spec.image() != null) {
      if (!spec.inputs().isEmpty()) {
        throw NightshiftException.invalid(
            "%s: an image job feeds only the image input (inference.image.*), not %s",
            JobProperties.forName(JobProperties.INFERENCE_INPUT_COLUMNS, spec.inputs().get(0).modelInput()),
            spec.inputs().get(0).modelInput());
      }
      return List.of(imageInput(schema, spec.image()));
    }
    if (spec.text() != null) {
      if (!spec.inputs().isEmpty()) {
        throw NightshiftException.invalid(
            "%s: a text job feeds only the tokenizer's inputs (inference.text.*), not %s",
            JobProperties.forName(JobProperties.INFERENCE_INPUT_COLUMNS, spec.inputs().get(0).modelInput()),
            spec.inputs().get(0).modelInput());
      }
      out.addAll(textInputs(schema, spec.text()));
      out.forEach(in -> fed.add(in.modelInput()));
    }
    for (InputMapping m : spec.inputs()) {
      String key = JobProperties.forName(JobProperties.INFERENCE_INPUT_COLUMNS, m.modelInput());
      if (fed.contains(m.modelInput())) {
        throw NightshiftException.invalid(
            "%s: model input '%s' is already fed by the tokenizer (inference.text.*)", key, m.modelInput());
      }
      TensorSpec t = signature.inputs().get(m.modelInput());
      if (t == null) {
        throw NightshiftException.invalid(
            "%s: model %s has no input '%s' (its inputs: %s)",
            key, modelName, m.modelInput(), signature.inputs().keySet());
      }
      if (t.type() == OnnxJavaType.STRING) {
        fed.add(m.modelInput());
        out.add(stringInput(schema, m, t, key));
        continue;
      }
      if (!TensorBuffer.supports(t.type())) {
        throw NightshiftException.invalid(
            "%s: model input '%s' is %s; numeric columns can feed float, float16, double, int64, int32, int16, int8,"
                + " uint8 or bool inputs,"
                + " string columns string inputs",
            key, m.modelInput(), t.type());
      }
      fed.add(m.modelInput());
      List<FeatureColumn> columns = new ArrayList<>();
      for (String c : m.columns()) {
        columns.add(column(schema, c, key, textNumbers));
      }
      boolean array = columns.stream().anyMatch(c -> c.kind().isArray());
      long[] shape = t.shape();
      if (array) {
        if (columns.size() != 1) {
          throw NightshiftException.invalid(
              "%s: an array column must feed model input '%s' alone, got %s", key, m.modelInput(), m.columns());
        }
        if (shape.length < 2) {
          throw NightshiftException.invalid(
              "%s: model input '%s' has shape %s; an array column needs [batch, n]",
              key, m.modelInput(), Arrays.toString(shape));
        }
        long perRow = t.elementsPerRow();
        long[] dims = Arrays.copyOfRange(shape, 1, shape.length);
        if (perRow < 0 && dims.length > 1) {
          throw NightshiftException.invalid(
              "%s: model input '%s' has shape %s: only one dynamic dimension per row is supported",
              key, m.modelInput(), Arrays.toString(shape));
        }
        out.add(new FeatureInput(m.modelInput(), t.type(), columns, (int) perRow, dims));
      } else {
        int n = columns.size();
        long[] dims;
        if (shape.length == 1) {
          if (n != 1) {
            throw NightshiftException.invalid(
                "%s: model input '%s' has shape %s (one value per row), but %d columns are mapped",
                key, m.modelInput(), Arrays.toString(shape), n);
          }
          dims = new long[0];
        } else if (shape.length == 2) {
          if (shape[1] >= 0 && shape[1] != n) {
            throw NightshiftException.invalid(
                "%s: model input '%s' has shape %s and needs %d columns, but %d are mapped: %s",
                key, m.modelInput(), Arrays.toString(shape), shape[1], n, m.columns());
          }
          dims = new long[] {n};
        } else {
          throw NightshiftException.invalid(
              "%s: model input '%s' has shape %s; numeric columns feed [batch, n] inputs (use one array column)",
              key, m.modelInput(), Arrays.toString(shape));
        }
        out.add(new FeatureInput(m.modelInput(), t.type(), columns, n, dims));
      }
    }
    for (String input : signature.inputs().keySet()) {
      if (!fed.contains(input)) {
        throw NightshiftException.invalid(
            "model input '%s' of %s is not fed by any column: set %s",
            input, modelName, JobProperties.forName(JobProperties.INFERENCE_INPUT_COLUMNS, input));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The batch size the model's inputs fix in their first dimension (a PyTorch export with a batch
   * of 1, say), or 0 when it is dynamic. Scoring then feeds runs of exactly that many rows. Fails
   * (exit 2) when two inputs fix different sizes.
   */
  public int fixedBatch() {
    long fixed = 0;
    String first = null;
    for (TensorSpec t : signature.inputs().values()) {
      if (t.shape().length == 0 || t.shape()[0] < 1) {
        continue;
      }
      if (first != null && t.shape()[0] != fixed) {
        throw NightshiftException.invalid(
            "model %s: input '%s' fixes the batch at %d rows and input '%s' at %d; they must agree",
            modelName, first, fixed, t.name(), t.shape()[0]);
      }
      first = t.name();
      fixed = t.shape()[0];
    }
    if (fixed > Integer.MAX_VALUE / 2) {
      throw NightshiftException.invalid("model %s: input '%s' fixes the batch at %d rows, too many", modelName,
          first, fixed);
    }
    return (int) fixed;
  }

  /**
   * A string input (e.g. the categories an sklearn pipeline one-hot or label encodes in the graph),
   * fed by string columns: one column for a [batch] or [batch, 1] input, n columns for [batch, n].
   */
  private static FeatureInput stringInput(StructType schema, InputMapping m, TensorSpec t, String key) {
    List<FeatureColumn> columns = new ArrayList<>();
    for (String c : m.columns()) {
      int ordinal;
      try {
        ordinal = schema.fieldIndex(c);
      } catch (IllegalArgumentException e) {
        throw NightshiftException.invalid(
            "%s: column '%s' is not in the input (its columns: %s)", key, c, String.join(", ", schema.fieldNames()));
      }
      DataType type = schema.fields()[ordinal].dataType();
      if (type != DataTypes.StringType) {
        throw NightshiftException.invalid(
            "%s: column '%s' is %s; model input '%s' holds strings and is fed by string columns",
            key, c, type.simpleString(), m.modelInput());
      }
      columns.add(new FeatureColumn(c, ordinal, FeatureColumn.Kind.STRING));
    }
    long[] shape = t.shape();
    int n = columns.size();
    if (shape.length == 1 && n == 1) {
      return new FeatureInput(m.modelInput(), t.type(), columns, 1, new long[0]);
    }
    if (shape.length == 2 && (shape[1] < 0 || shape[1] == n)) {
      return new FeatureInput(m.modelInput(), t.type(), columns, n, new long[] {n});
    }
    throw NightshiftException.invalid(
        "%s: model input '%s' has shape %s; %d string column(s) feed a [batch] or [batch, %d] input",
        key, m.modelInput(), Arrays.toString(shape), n, n);
  }

  /**
   * The model input an image column feeds: a float {@code [batch, 3, H, W]} (NCHW) or {@code [batch,
   * H, W, 3]} (NHWC) input, its fixed dimensions matching the spec. The row's width is the tensor
   * width W, so the dims hold -1 at W.
   */
  private FeatureInput imageInput(StructType schema, io.nightshift.config.JobConfig.ImageSpec image) {
    int ordinal;
    try {
      ordinal = schema.fieldIndex(image.column());
    } catch (IllegalArgumentException e) {
      throw NightshiftException.invalid(
          "%s: column '%s' is not in the input (its columns: %s)",
          JobProperties.INFERENCE_IMAGE_COLUMN, image.column(), String.join(", ", schema.fieldNames()));
    }
    DataType type = schema.fields()[ordinal].dataType();
    if (type != DataTypes.BinaryType && type != DataTypes.StringType) {
      throw NightshiftException.invalid(
          "%s: column '%s' is %s; images come from a binary column (the bytes) or a string column (file paths)",
          JobProperties.INFERENCE_IMAGE_COLUMN, image.column(), type.simpleString());
    }
    String name = image.modelInput();
    if (name.isEmpty()) {
      if (signature.inputs().size() != 1) {
        throw NightshiftException.invalid("%s: model %s has inputs %s; name the one the images feed",
            JobProperties.INFERENCE_IMAGE_INPUT, modelName, signature.inputs().keySet());
      }
      name = signature.inputs().keySet().iterator().next();
    }
    TensorSpec t = signature.inputs().get(name);
    if (t == null) {
      throw NightshiftException.invalid("%s: model %s has no input '%s' (its inputs: %s)",
          JobProperties.INFERENCE_IMAGE_INPUT, modelName, name, signature.inputs().keySet());
    }
    if (t.type() != OnnxJavaType.FLOAT || t.shape().length != 4) {
      throw NightshiftException.invalid("%s: model input '%s' is %s %s; images feed a float [batch, 3, H, W] "
              + "or [batch, H, W, 3] input",
          JobProperties.INFERENCE_IMAGE_INPUT, name, t.type(), Arrays.toString(t.shape()));
    }
    io.nightshift.image.ImageTensorSpec spec = image.tensor();
    boolean nchw = spec.layout() == io.nightshift.image.TensorLayout.NCHW;
    long[] dims = nchw ? new long[] {3, spec.height(), -1} : new long[] {spec.height(), -1, 3};
    long[] shape = t.shape();
    for (int d = 0; d < 3; d++) {
      long declared = shape[d + 1];
      boolean widthDim = dims[d] < 0;
      int fixedWidth = spec.resize() instanceof io.nightshift.image.ImageResize.Fixed f ? f.width() : -1;
      long wanted = widthDim ? fixedWidth : dims[d];
      if (declared > 0 && (wanted < 0 || declared != wanted)) {
        throw NightshiftException.invalid("model input '%s' has shape %s; the image spec (%s) makes %s",
            name, Arrays.toString(shape), nchw ? "[batch, 3, H, W]" : "[batch, H, W, 3]",
            widthDim ? (wanted < 0 ? "a free width (" + JobProperties.INFERENCE_IMAGE_MAX_WIDTH + "): set "
                + JobProperties.INFERENCE_IMAGE_WIDTH + " " + declared : "width " + wanted)
                : "dimension " + (d + 1) + " " + wanted);
      }
    }
    FeatureColumn.Kind kind = type == DataTypes.BinaryType ? FeatureColumn.Kind.BINARY : FeatureColumn.Kind.STRING;
    return new FeatureInput(name, OnnxJavaType.FLOAT, List.of(new FeatureColumn(image.column(), ordinal, kind)),
        -1, dims);
  }

  /** The model inputs the tokenizer feeds: ids, and the mask and type ids where the model has them. */
  private List<FeatureInput> textInputs(StructType schema, TextSpec text) {
    int ordinal;
    try {
      ordinal = schema.fieldIndex(text.column());
    } catch (IllegalArgumentException e) {
      throw NightshiftException.invalid(
          "%s: column '%s' is not in the input (its columns: %s)",
          JobProperties.INFERENCE_TEXT_COLUMN, text.column(), String.join(", ", schema.fieldNames()));
    }
    DataType type = schema.fields()[ordinal].dataType();
    if (type != DataTypes.StringType) {
      throw NightshiftException.invalid(
          "%s: column '%s' is %s; the text to tokenize must be a string column",
          JobProperties.INFERENCE_TEXT_COLUMN, text.column(), type.simpleString());
    }
    FeatureColumn column = new FeatureColumn(text.column(), ordinal, FeatureColumn.Kind.STRING);
    List<FeatureInput> out = new ArrayList<>();
    String[][] inputs = {
      {JobProperties.INFERENCE_TEXT_IDS_INPUT, text.idsInput()},
      {JobProperties.INFERENCE_TEXT_MASK_INPUT, text.maskInput()},
      {JobProperties.INFERENCE_TEXT_TYPE_IDS_INPUT, text.typeIdsInput()}
    };
    for (String[] in : inputs) {
      String key = in[0];
      String name = in[1];
      if (name.isEmpty()) {
        continue;
      }
      TensorSpec t = signature.inputs().get(name);
      if (t == null) {
        throw NightshiftException.invalid(
            "%s: model %s has no input '%s' (its inputs: %s)", key, modelName, name, signature.inputs().keySet());
      }
      if (t.type() != OnnxJavaType.INT64 && t.type() != OnnxJavaType.INT32) {
        throw NightshiftException.invalid(
            "%s: model input '%s' is %s; token inputs must be int64 or int32", key, name, t.type());
      }
      if (t.shape().length != 2) {
        throw NightshiftException.invalid(
            "%s: model input '%s' has shape %s; token inputs must be [batch, tokens]",
            key, name, Arrays.toString(t.shape()));
      }
      out.add(new FeatureInput(name, t.type(), List.of(column), -1, new long[] {-1}));
    }
    return out;
  }

  /** The columns a text job adds after the outputs: the truncation flag, and the null-text reason. */
  public static List<StructField> textFields(TextSpec text) {
    if (text == null) {
      return List.of();
    }
    List<StructField> out = new ArrayList<>();
    out.add(field(text.truncatedColumn(), DataTypes.BooleanType));
    if (text.empty() == EmptyTextPolicy.NULL) {
      out.add(new StructField(text.reasonColumn(), DataTypes.StringType, true, Metadata.empty()));
    }
    return out;
  }

  private FeatureColumn column(StructType schema, String name, String key, boolean textNumbers) {
    int ordinal;
    try {
      ordinal = schema.fieldIndex(name);
    } catch (IllegalArgumentException e) {
      throw NightshiftException.invalid(
          "%s: column '%s' is not in the input (its columns: %s)",
          key, name, String.join(", ", schema.fieldNames()));
    }
    DataType type = schema.fields()[ordinal].dataType();
    FeatureColumn.Kind kind = kind(type, textNumbers);
    if (kind == null) {
      throw NightshiftException.invalid(
          "%s: column '%s' is %s; a mapped column must be numeric or an array of numbers%s",
          key, name, type.simpleString(), textNumbers ? " (or text holding numbers)" : "");
    }
    return type instanceof DecimalType d
        ? new FeatureColumn(name, ordinal, kind, d.precision(), d.scale())
        : new FeatureColumn(name, ordinal, kind);
  }

  private static FeatureColumn.Kind kind(DataType type, boolean textNumbers) {
    if (type instanceof ArrayType at) {
      FeatureColumn.Kind element = kind(at.elementType(), false);
      if (element == null || element == FeatureColumn.Kind.DECIMAL || element == FeatureColumn.Kind.BOOLEAN) {
        return null;
      }
      return FeatureColumn.Kind.valueOf("ARRAY_" + element.name());
    }
    if (type == DataTypes.BooleanType) return FeatureColumn.Kind.BOOLEAN;
    if (type == DataTypes.ByteType) return FeatureColumn.Kind.BYTE;
    if (type == DataTypes.ShortType) return FeatureColumn.Kind.SHORT;
    if (type == DataTypes.IntegerType) return FeatureColumn.Kind.INT;
    if (type == DataTypes.LongType) return FeatureColumn.Kind.LONG;
    if (type == DataTypes.FloatType) return FeatureColumn.Kind.FLOAT;
    if (type == DataTypes.DoubleType) return FeatureColumn.Kind.DOUBLE;
    if (type instanceof DecimalType) return FeatureColumn.Kind.DECIMAL;
    if (type == DataTypes.StringType && textNumbers) return FeatureColumn.Kind.STRING;
    return null;
  }

  public List<ResultOutput> outputs(InferenceSpec spec) {
    List<ResultOutput> out = new ArrayList<>();
    for (OutputMapping m : spec.outputs()) {
      String key = JobProperties.forName(JobProperties.INFERENCE_OUTPUT_COLUMN, m.modelOutput());
      TensorSpec t = signature.outputs().get(m.modelOutput());
      if (t == null) {
        throw NightshiftException.invalid(
            "%s: model %s has no output '%s' (its outputs: %s)",
            key, modelName, m.modelOutput(), signature.outputs().keySet());
      }
      if (t.kind() == ModelSignature.Kind.SEQUENCE_OF_MAPS) {
        out.add(mapOutput(m, t, key, spec));
        continue;
      }
      if (t.kind() != ModelSignature.Kind.TENSOR) {
        throw NightshiftException.invalid(
            "%s: model output '%s' is %s; supported: tensors, and sequences of maps (ZipMap)",
            key, m.modelOutput(), t.typeName());
      }
      int rank = t.shape().length;
      DataType element = switch (t.type()) {
        case FLOAT, FLOAT16 -> DataTypes.FloatType;
        case DOUBLE -> DataTypes.DoubleType;
        case INT64 -> DataTypes.LongType;
        case INT32 -> DataTypes.IntegerType;
        case STRING -> DataTypes.StringType;
        default -> throw NightshiftException.invalid(
            "%s: model output '%s' is %s; supported: float, float16, double, int64, int32, string",
            key, m.modelOutput(), t.type());
      };
      if (t.type() == OnnxJavaType.STRING && (m.post() != PostStep.NONE || m.normalize() != Normalize.NONE)) {
        throw NightshiftException.invalid(
            "%s: model output '%s' holds strings; it is written as it is (post: none)",
            JobProperties.forName(JobProperties.INFERENCE_OUTPUT_POST, m.modelOutput()), m.modelOutput());
      }
      TextSpec text = spec.text();
      String postKey = JobProperties.forName(JobProperties.INFERENCE_OUTPUT_POST, m.modelOutput());
      boolean tokenLevel = text != null && m.post() == PostStep.NONE && rank == 3;
      if (m.post().pools()) {
        if (text == null) {
          throw NightshiftException.invalid(
              "%s: post-step %s pools over tokens and needs a text model (set %s)",
              postKey, m.post(), JobProperties.MODEL_TOKENIZER);
        }
        if (t.type() != OnnxJavaType.FLOAT || rank != 3) {
          throw NightshiftException.invalid(
              "%s: post-step %s needs a float [batch, tokens, hidden] output, '%s' is %s %s",
              postKey, m.post(), m.modelOutput(), t.type(), Arrays.toString(t.shape()));
        }
      } else if (m.normalize() == Normalize.L2 && (t.type() != OnnxJavaType.FLOAT || rank != 2)) {
        throw NightshiftException.invalid(
            "%s: l2 without pooling needs a float [batch, n] output, '%s' is %s %s",
            JobProperties.forName(JobProperties.INFERENCE_OUTPUT_NORMALIZE, m.modelOutput()),
            m.modelOutput(), t.type(), Arrays.toString(t.shape()));
      }
      if (m.post() == PostStep.CTC) {
        out.add(ctcOutput(m, t, spec));
        continue;
      }
      if (m.post() != PostStep.NONE && !m.post().pools()) {
        if (t.type() != OnnxJavaType.FLOAT && t.type() != OnnxJavaType.DOUBLE && t.type() != OnnxJavaType.FLOAT16) {
          throw NightshiftException.invalid(
              "%s: post-step %s needs a float output, '%s' is %s",
              JobProperties.forName(JobProperties.INFERENCE_OUTPUT_POST, m.modelOutput()),
              m.post(), m.modelOutput(), t.type());
        }
        if (rank != 2) {
          throw NightshiftException.invalid(
              "%s: post-step %s needs a [batch, classes] output, '%s' has shape %s",
              JobProperties.forName(JobProperties.INFERENCE_OUTPUT_POST, m.modelOutput()),
              m.post(), m.modelOutput(), Arrays.toString(t.shape()));
        }
        long classes = t.shape()[1];
        if (!m.labels().isEmpty() && classes >= 0 && classes != m.labels().size()) {
          throw NightshiftException.invalid(
              "%s: %d labels given, model output '%s' has %d classes",
              JobProperties.forName(JobProperties.INFERENCE_OUTPUT_LABELS, m.modelOutput()),
              m.labels().size(), m.modelOutput(), classes);
        }
      }
      DataType label = m.labels().isEmpty() ? DataTypes.IntegerType : DataTypes.StringType;
      boolean nullable = text != null && text.empty() == EmptyTextPolicy.NULL;
      // Under non-finite pass, a row whose output holds NaN or an infinity has no argmax or top-k.
      boolean noAnswer = nullable || spec.nonFinite() == io.nightshift.config.Enums.NonFinitePolicy.PASS;
      StructField[] fields = switch (m.post()) {
        case NONE -> new StructField[] {
            field(m.column(), rank == 1 ? element
                : tokenLevel ? DataTypes.createArrayType(DataTypes.createArrayType(element, false), false)
                : DataTypes.createArrayType(element, false), nullable)};
        case MEAN, CLS -> new StructField[] {
            field(m.column(), DataTypes.createArrayType(DataTypes.FloatType, false), nullable)};
        case SOFTMAX -> new StructField[] {
            field(m.column(), DataTypes.createArrayType(DataTypes.FloatType, false), nullable)};
        case ARGMAX -> new StructField[] {field(m.column(), label, noAnswer)};
        case CTC -> throw new IllegalStateException("bound above");
        case TOP_K -> new StructField[] {
            field(m.column(), DataTypes.createArrayType(label, false), noAnswer),
            field(m.scoresColumn(), DataTypes.createArrayType(DataTypes.FloatType, false), noAnswer)};
      };
      out.add(new ResultOutput(m, t.type(), rank, fields));
    }
    return List.copyOf(out);
  }

  /**
   * A CTC output, float {@code [batch, steps, classes]} with classes = blank + the dictionary's
   * lines + space: a string column and its confidence column. The dictionary is read here, on the
   * driver, and travels with the plan.
   */
  private static ResultOutput ctcOutput(OutputMapping m, TensorSpec t, InferenceSpec spec) {
    String postKey = JobProperties.forName(JobProperties.INFERENCE_OUTPUT_POST, m.modelOutput());
    if (t.type() != OnnxJavaType.FLOAT || t.shape().length != 3) {
      throw NightshiftException.invalid("%s: post-step ctc needs a float [batch, steps, classes] output, '%s' is %s %s",
          postKey, m.modelOutput(), t.type(), Arrays.toString(t.shape()));
    }
    String dictionary = m.dictionary();
    java.nio.file.Path file = dictionary.startsWith("file:")
        ? java.nio.file.Path.of(java.net.URI.create(dictionary))
        : java.nio.file.Path.of(dictionary);
    io.nightshift.result.CtcDecoder ctc = io.nightshift.result.CtcDecoder.paddle(file);
    if (t.shape()[2] >= 0) {
      ctc.checkClasses(m.modelOutput(), t.shape()[2]);
    }
    boolean nullable = spec.nonFinite() == io.nightshift.config.Enums.NonFinitePolicy.PASS;
    StructField[] fields = {
      field(m.column(), DataTypes.StringType, nullable),
      field(m.confidenceColumn(), DataTypes.FloatType, nullable)
    };
    return new ResultOutput(m, t.type(), 3, fields, ModelSignature.Kind.TENSOR, null, ctc);
  }

  /**
   * A ZipMap output, {@code seq(map(int64 | string, float))}: as a {@code map<bigint | string,
   * float>} column, or through argmax / top-k, which give the keys of the highest values (the
   * map's keys are the class labels).
   */
  private static ResultOutput mapOutput(OutputMapping m, TensorSpec t, String key, InferenceSpec spec) {
    String postKey = JobProperties.forName(JobProperties.INFERENCE_OUTPUT_POST, m.modelOutput());
    DataType keyType = switch (t.keyType()) {
      case INT64 -> DataTypes.LongType;
      case STRING -> DataTypes.StringType;
      default -> throw NightshiftException.invalid(
          "%s: model output '%s' is %s; supported map keys: int64, string", key, m.modelOutput(), t.typeName());
    };
    if (t.type() != OnnxJavaType.FLOAT && t.type() != OnnxJavaType.DOUBLE) {
      throw NightshiftException.invalid(
          "%s: model output '%s' is %s; supported map values: float, double", key, m.modelOutput(), t.typeName());
    }
    if (m.post() != PostStep.NONE && m.post() != PostStep.ARGMAX && m.post() != PostStep.TOP_K) {
      throw NightshiftException.invalid(
          "%s: model output '%s' is %s; it takes post: none, argmax or top-k, not %s",
          postKey, m.modelOutput(), t.typeName(), m.post().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    if (m.normalize() != Normalize.NONE) {
      throw NightshiftException.invalid(
          "%s: model output '%s' is %s and cannot be normalized",
          JobProperties.forName(JobProperties.INFERENCE_OUTPUT_NORMALIZE, m.modelOutput()), m.modelOutput(),
          t.typeName());
    }
    if (!m.labels().isEmpty()) {
      throw NightshiftException.invalid(
          "%s: model output '%s' is %s: its keys are the labels, so labels are not set",
          JobProperties.forName(JobProperties.INFERENCE_OUTPUT_LABELS, m.modelOutput()), m.modelOutput(),
          t.typeName());
    }
    boolean nullable = spec.text() != null && spec.text().empty() == EmptyTextPolicy.NULL;
    StructField[] fields = switch (m.post()) {
      case ARGMAX -> new StructField[] {field(m.column(), keyType, nullable)};
      case TOP_K -> new StructField[] {
          field(m.column(), DataTypes.createArrayType(keyType, false), nullable),
          field(m.scoresColumn(), DataTypes.createArrayType(DataTypes.FloatType, false), nullable)};
      default -> new StructField[] {
          field(m.column(), DataTypes.createMapType(keyType, DataTypes.FloatType, false), nullable)};
    };
    return new ResultOutput(m, t.type(), 1, fields, ModelSignature.Kind.SEQUENCE_OF_MAPS, t.keyType());
  }

  private static StructField field(String name, DataType type) {
    return field(name, type, false);
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }
}
