package io.nightshift.result;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.config.JobConfig.OutputMapping;
import java.io.Serializable;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * One model output bound to its result column(s): the mapping, the output's element type and rank
 * (from the model), and the Spark fields it produces (two for top-k: indices or labels, scores).
 */
public record ResultOutput(OutputMapping mapping, OnnxJavaType type, int rank, StructField[] fields)
    implements Serializable {

  /** Whether the column holds each row's token vectors, [tokens][hidden] (text models, post none). */
  boolean tokenLevel() {
    return fields[0].dataType() instanceof ArrayType outer && outer.elementType() instanceof ArrayType;
  }
}
