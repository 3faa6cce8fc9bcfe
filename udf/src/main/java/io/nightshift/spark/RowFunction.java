package io.nightshift.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores one row per call through the same partition scorer as {@link Predictor#score} (the
 * executor's shared session, the same row checks), for Spark's row-at-a-time scalar UDFs. Each call
 * runs a batch of one row and sets up and closes a task's scoring state, so it is much slower than
 * {@link Predictor#score}; see docs/sql.md for the measurement. Made by {@link
 * Predictor#rowFunction}.
 *
 * <p>Serializable (the UDF ships it to executors); holds no native resources between calls.
 * Thread-safe: each call has its own state.
 */
public final class RowFunction implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ScoringPlan plan;
  private final StructType results;

  RowFunction(ScoringPlan plan, StructType results) {
    this.plan = plan;
    this.results = results;
  }

  /** The features this function takes, in order: the job's mapped columns, as doubles. */
  public StructType features() {
    return plan.inputSchema();
  }

  /** What a call returns: the one result column's type, or a struct of the result columns. */
  public DataType resultType() {
    return results.length() == 1 ? results.fields()[0].dataType() : results.asNullable();
  }

  /**
   * Scores one row of feature values (numbers, in {@link #features()} order), returning the
   * result as Spark's external value ({@link #resultType()}), or null when the row is rejected
   * (a null or non-finite feature).
   */
  public Object apply(Object... values) {
    GenericInternalRow row = new GenericInternalRow(values.length);
    for (int i = 0; i < values.length; i++) {
      row.update(i, values[i] == null ? null : ((Number) values[i]).doubleValue());
    }
    Iterator<InternalRow> out = new PartitionScorer(plan).call(List.of((InternalRow) row).iterator());
    InternalRow scored = out.next();
    Object value;
    if (!scored.isNullAt(results.length())) {
      value = null; // reason_code set: the row is rejected
    } else if (results.length() == 1) {
      DataType t = results.fields()[0].dataType();
      value = CatalystTypeConverters.convertToScala(scored.get(0, t), t);
    } else {
      GenericInternalRow struct = new GenericInternalRow(results.length());
      StructField[] fields = results.fields();
      for (int i = 0; i < fields.length; i++) {
        struct.update(i, scored.get(i, fields[i].dataType()));
      }
      value = CatalystTypeConverters.convertToScala(struct, results);
    }
    out.hasNext(); // ends the one-row task state: closes its buffers, returns the session lease
    return value;
  }
}
