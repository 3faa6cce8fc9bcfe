package io.nightshift.text;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * The columns a text job adds after the model's: whether each row was truncated, and (with
 * {@code inference.text.empty: null}) why its results are null. Arrow vectors reused batch after
 * batch. Not thread-safe: one per task; close it.
 */
public final class TextFlags implements AutoCloseable {
  private final BitVector truncated;
  private final VarCharVector reason;
  private final ColumnVector[] columns;

  public TextFlags(String truncatedColumn, String reasonColumn, BufferAllocator allocator, int capacity) {
    truncated = new BitVector(truncatedColumn, allocator);
    truncated.setInitialCapacity(capacity);
    truncated.allocateNew();
    if (reasonColumn == null) {
      reason = null;
      columns = new ColumnVector[] {new ArrowColumnVector(truncated)};
    } else {
      reason = new VarCharVector(reasonColumn, allocator);
      reason.setInitialCapacity(capacity);
      reason.allocateNew();
      columns = new ColumnVector[] {new ArrowColumnVector(truncated), new ArrowColumnVector(reason)};
    }
  }

  /** Writes slots [0, n): the truncation flags, and {@code reasonCode} (null for scored rows). */
  public ColumnVector[] fill(int n, boolean[] flags, String reasonCode) {
    if (reason != null) {
      reason.reset();
    }
    byte[] code = reasonCode == null ? null : reasonCode.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < n; i++) {
      truncated.setSafe(i, flags[i] ? 1 : 0);
      if (reason != null) {
        if (code == null) {
          reason.setNull(i);
        } else {
          reason.setSafe(i, code);
        }
      }
    }
    truncated.setValueCount(n);
    if (reason != null) {
      reason.setValueCount(n);
    }
    return columns;
  }

  @Override
  public void close() {
    for (FieldVector v : reason == null ? new FieldVector[] {truncated} : new FieldVector[] {truncated, reason}) {
      v.close();
    }
  }
}
