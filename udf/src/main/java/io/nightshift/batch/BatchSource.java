package io.nightshift.batch;

import io.nightshift.quality.Rejection;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * One input kind (numeric columns, text, images): turns a task's rows into filled tensor buffers,
 * batch by batch, with the identity of every row in the batch and per-row rejections. The scorer,
 * quarantine, bisection and books are the same for every kind; a new input kind is one new class.
 *
 * <p>A source writes into the task's tensor buffers (one per model input, in the plan's input
 * order) and holds at most one batch (or a bounded window of batches) of rows. Rows it refuses
 * (a null feature, empty text, an undecodable image) go to the {@link Rejects} it was given and
 * never reach a batch. Not thread-safe: one per task.
 */
public interface BatchSource extends AutoCloseable {
  /** Where a source sends the rows it refuses. */
  interface Rejects {
    void reject(Rejection r, InternalRow row);
  }

  /**
   * Reads the next batch: the buffers filled for rows [0, n), {@code slots[0, n)} set to those
   * rows (kept until the next call). Returns n; 0 when the input is exhausted.
   */
  int next(InternalRow[] slots);

  /** The last batch's row width per model input (values per row, or the dynamic dimension). */
  void widths(int[] widths);

  /** Whether the last batch is run through the model; false: its rows get null results. */
  default boolean runs() {
    return true;
  }

  /** Columns the kind adds after the model's result columns for the last batch's n rows. */
  default ColumnVector[] extraColumns(int n) {
    return new ColumnVector[0];
  }

  /** Input rows read so far, rejected ones included. */
  long rowsRead();

  /** Rows read in bulk from column vectors, not re-read row by row (0 for other kinds). */
  default long bulkRows() {
    return 0;
  }

  /** One line for the task's debug log when the input ends, or null. */
  default String summary() {
    return null;
  }

  @Override
  default void close() {}
}
