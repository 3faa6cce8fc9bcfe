package io.nightshift.text;

import io.nightshift.arrow.TensorBuffer;
import io.nightshift.batch.BatchSource;
import io.nightshift.cache.LeaseCache;
import io.nightshift.config.Enums.EmptyTextPolicy;
import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.quality.RejectReason;
import io.nightshift.result.ResultWriter;
import java.util.Iterator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * Text as a model input: rows tokenized in windows and bucketed by length ({@link TextBatcher}),
 * each batch padded to its own longest row; adds the truncation flag (and the null-text reason)
 * columns. Owns the task's tokenizer lease and its flag vectors: close it. Not thread-safe: one
 * per task.
 */
public final class TextSource implements BatchSource {
  private final LeaseCache.Lease<TextTokenizer> tokenizer;
  private final TextBatcher text;
  private final TextFlags flags;
  private final Iterator<InternalRow> input;
  private final int[] tokenCounts;
  private final boolean[] truncated;
  private int n;

  /**
   * A source over {@code input}'s text column (at {@code ordinal}) into the named buffers
   * ({@code mask}, {@code types} null when the model has no such input); the writer learns each
   * batch's token counts (for pooling). Takes ownership of {@code tokenizer}.
   */
  public TextSource(Iterator<InternalRow> input, TextSpec spec, LeaseCache.Lease<TextTokenizer> tokenizer,
      int ordinal, int capacity, TensorBuffer ids, TensorBuffer mask, TensorBuffer types, ResultWriter writer,
      BufferAllocator allocator, Rejects rejects) {
    this.input = input;
    this.tokenizer = tokenizer;
    TextFlags f = null;
    try {
      this.text = new TextBatcher(spec, tokenizer.value(), ordinal, capacity, ids, mask, types, rejects::reject);
      f = new TextFlags(spec.truncatedColumn(),
          spec.empty() == EmptyTextPolicy.NULL ? spec.reasonColumn() : null, allocator, capacity);
    } catch (RuntimeException | Error e) {
      tokenizer.close();
      throw e;
    }
    this.flags = f;
    this.tokenCounts = new int[capacity];
    this.truncated = new boolean[capacity];
    writer.tokenCounts(tokenCounts);
  }

  @Override
  public int next(InternalRow[] slots) {
    n = text.next(input, slots, tokenCounts, truncated);
    return n;
  }

  @Override
  public void widths(int[] widths) {
    java.util.Arrays.fill(widths, text.width());
  }

  /** A batch of rows with no text (inference.text.empty: null) is never run. */
  @Override
  public boolean runs() {
    return text.kind() != TextBatcher.Kind.EMPTY;
  }

  @Override
  public ColumnVector[] extraColumns(int rows) {
    return flags.fill(rows, truncated, runs() ? null : RejectReason.EMPTY_TEXT.code());
  }

  @Override
  public long rowsRead() {
    return text.rowsRead();
  }

  @Override
  public String summary() {
    return String.format("%d rows read, %d truncated, padding efficiency %.3f",
        text.rowsRead(), text.truncatedRows(), text.paddingEfficiency());
  }

  @Override
  public void close() {
    try (tokenizer;
        flags) {
      // closed by the try
    }
  }
}
