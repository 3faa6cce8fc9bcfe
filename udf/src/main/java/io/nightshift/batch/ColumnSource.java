package io.nightshift.batch;

import io.nightshift.arrow.TensorBuffer;
import io.nightshift.config.Enums.NonFinitePolicy;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Numeric (and array) columns as model inputs: rows read one by one through {@link RowReader}, or,
 * over a columnar scan whose inputs allow it, copied in bulk from the column vectors through
 * {@link ColumnarFill}. Not thread-safe: one per task.
 */
public final class ColumnSource implements BatchSource {
  private final Iterator<InternalRow> input;
  private final RowReader reader;
  /** Bulk filling from column vectors, or null when the input or the inputs do not allow it. */
  private final ColumnarFill bulk;
  private final RowReader.Rejected rejected;
  private final int capacity;

  /** Fills {@code buffers} (one per input) with batches of at most {@code capacity} rows. */
  public ColumnSource(Iterator<InternalRow> input, List<FeatureInput> inputs, TensorBuffer[] buffers,
      NonFinitePolicy nonFinite, int capacity, Rejects rejects) {
    this.input = input;
    this.capacity = capacity;
    this.reader = new RowReader(inputs, buffers, nonFinite);
    this.rejected = rejects::reject;
    this.bulk = input instanceof ColumnarRows && ColumnarFill.supports(inputs)
        ? new ColumnarFill(inputs, buffers, reader, capacity)
        : null;
  }

  @Override
  public int next(InternalRow[] slots) {
    return bulk != null
        ? bulk.next((ColumnarRows) input, slots, rejected)
        : reader.next(input, capacity, slots, rejected);
  }

  @Override
  public void widths(int[] widths) {
    for (int i = 0; i < widths.length; i++) {
      widths[i] = reader.width(i);
    }
  }

  @Override
  public long rowsRead() {
    return bulk != null ? bulk.rowsRead() : reader.rowsRead();
  }

  @Override
  public long bulkRows() {
    return bulk == null ? 0 : bulk.rowsRead() - bulk.rowsReread();
  }
}
