package io.nightshift.result;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.model.ModelSignature.Kind;
import java.io.Serializable;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * One model output bound to its result column(s): the mapping, the output's element type and rank
 * (from the model), and the Spark fields it produces (two for top-k: indices or labels, scores).
 * A ZipMap output ({@link Kind#SEQUENCE_OF_MAPS}) has its value type in {@code type} and its key
 * type in {@code keyType} (int64 or string); a tensor's {@code keyType} is null.
 */
public record ResultOutput(
    OutputMapping mapping, OnnxJavaType type, int rank, StructField[] fields, Kind kind, OnnxJavaType keyType,
    CtcDecoder ctc)
    implements Serializable {

  /** A tensor output. */
  public ResultOutput(OutputMapping mapping, OnnxJavaType type, int rank, StructField[] fields) {
    this(mapping, type, rank, fields, Kind.TENSOR, null, null);
  }

  /** An output with no CTC decoder. */
  public ResultOutput(
      OutputMapping mapping, OnnxJavaType type, int rank, StructField[] fields, Kind kind, OnnxJavaType keyType) {
    this(mapping, type, rank, fields, kind, keyType, null);
  }

  /** Whether the column holds each row's token vectors, [tokens][hidden] (text models, post none). */
  boolean tokenLevel() {
    return fields[0].dataType() instanceof ArrayType outer && outer.elementType() instanceof ArrayType;
  }
}
