package io.nightshift.batch;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.sql.vectorized.ColumnarBatchRow;

/**
 * The rows of a columnar scan (Parquet's vectorized reader), one {@link ColumnarBatchRow} object
 * per row, reading straight from the reader's column vectors: no conversion to UnsafeRow and no
 * copy. Those vectors are reused for the next batch, so a row stays valid only until {@link
 * #hasNext} moves past the end of its batch: callers holding rows stop at {@link #batchEnds}
 * and finish with them first. Not thread-safe: one per task.
 */
public final class ColumnarRows implements Iterator<InternalRow> {
  private final Iterator<ColumnarBatch> batches;
  private ColumnVector[] columns;
  private int rows;
  private int next;

  public ColumnarRows(Iterator<ColumnarBatch> batches) {
    this.batches = batches;
  }

  /** True when every row of the current batch has been handed out. */
  boolean batchEnds() {
    return next >= rows;
  }

  /** The current batch's columns (after {@link #hasNext} returned true). */
  ColumnVector[] columns() {
    return columns;
  }

  /** The row id of the next row in the current batch. */
  int position() {
    return next;
  }

  /** Rows of the current batch not handed out yet. */
  int remaining() {
    return rows - next;
  }

  /** Moves past {@code count} rows of the current batch, which the caller reads from {@link #columns}. */
  void skip(int count) {
    if (count < 0 || count > rows - next) {
      throw new IllegalArgumentException("cannot skip " + count + " of " + (rows - next) + " rows");
    }
    next += count;
  }

  @Override
  public boolean hasNext() {
    while (next >= rows) {
      if (!batches.hasNext()) {
        return false;
      }
      ColumnarBatch batch = batches.next();
      rows = batch.numRows();
      next = 0;
      columns = new ColumnVector[batch.numCols()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = batch.column(i);
      }
    }
    return true;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ColumnarBatchRow row = new ColumnarBatchRow(columns);
    row.rowId = next++;
    return row;
  }
}
