package io.nightshift.text;

import io.nightshift.arrow.TensorBuffer;
import io.nightshift.config.Enums.EmptyTextPolicy;
import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import io.nightshift.text.LengthOrder;
import io.nightshift.text.TextTokenizer;
import io.nightshift.text.TextTokenizer.Tokens;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Turns a task's rows into token batches for a text model. It reads a window of rows ({@code
 * window-batches x batch-size}), tokenizes each, sorts the window by token count (bucketing, a
 * stable sort, so without it the order is the input order) and cuts batches from the sorted run.
 * Each batch is padded to its own longest row, never to max-length. Rows with null or blank text
 * are rejected (empty_text) or, with {@code inference.text.empty: null}, come out first in
 * batches of their own, which are never run. Memory is bounded by the window. Not thread-safe:
 * one per task.
 */
public final class TextBatcher {
  /** Where rejected rows go. */
  public interface Rejects {
    void reject(Rejection r, InternalRow row);
  }

  /** What the last batch holds. */
  public enum Kind {
    /** Tokenized rows, in the tensor buffers. */
    TOKENS,
    /** Rows with no text, to be written with null results. */
    EMPTY
  }

  private final TextSpec spec;
  private final TextTokenizer tokenizer;
  private final int ordinal;
  private final int batchSize;
  private final TensorBuffer ids;
  private final TensorBuffer mask;
  private final TensorBuffer types;
  private final Rejects rejects;

  private final InternalRow[] rows;
  private final Tokens[] tokens;
  private final int[] lengths;
  private final InternalRow[] emptyRows;
  private int count;
  private int[] order = new int[0];
  private int pos;
  private int emptyCount;
  private int emptyPos;

  private Kind kind;
  private int width;
  private long rowsRead;
  private long truncatedRows;
  private long realTokens;
  private long paddedTokens;

  /** {@code mask} and {@code types} are null when the model has no such input. */
  public TextBatcher(TextSpec spec, TextTokenizer tokenizer, int ordinal, int batchSize, TensorBuffer ids,
      TensorBuffer mask, TensorBuffer types, Rejects rejects) {
    this.spec = spec;
    this.tokenizer = tokenizer;
    this.ordinal = ordinal;
    this.batchSize = batchSize;
    this.ids = ids;
    this.mask = mask;
    this.types = types;
    this.rejects = rejects;
    int window = Math.multiplyExact(batchSize, spec.windowBatches());
    this.rows = new InternalRow[window];
    this.tokens = new Tokens[window];
    this.lengths = new int[window];
    this.emptyRows = new InternalRow[window];
  }

  /**
   * Fills the next batch: {@code slots} get its rows, {@code counts} their real token counts,
   * {@code truncated} their flags, and the tensor buffers their tokens. Returns the batch's rows,
   * 0 when the input is exhausted.
   */
  public int next(Iterator<InternalRow> input, InternalRow[] slots, int[] counts, boolean[] truncated) {
    while (true) {
      if (emptyPos < emptyCount) {
        int n = Math.min(batchSize, emptyCount - emptyPos);
        for (int r = 0; r < n; r++) {
          slots[r] = emptyRows[emptyPos + r];
          counts[r] = 0;
          truncated[r] = false;
        }
        emptyPos += n;
        kind = Kind.EMPTY;
        width = 0;
        return n;
      }
      if (pos < count) {
        int n = Math.min(batchSize, count - pos);
        fillTokens(n, slots, counts, truncated);
        pos += n;
        return n;
      }
      if (!readWindow(input)) {
        return 0;
      }
    }
  }

  private void fillTokens(int n, InternalRow[] slots, int[] counts, boolean[] truncated) {
    int longest = 1;
    for (int r = 0; r < n; r++) {
      longest = Math.max(longest, lengths[order[pos + r]]);
    }
    ids.reshape(batchSize, longest);
    if (mask != null) {
      mask.reshape(batchSize, longest);
    }
    if (types != null) {
      types.reshape(batchSize, longest);
    }
    for (int r = 0; r < n; r++) {
      int i = order[pos + r];
      Tokens t = tokens[i];
      int len = t.length();
      slots[r] = rows[i];
      counts[r] = len;
      truncated[r] = t.truncated();
      if (t.truncated()) {
        truncatedRows++;
      }
      long[] tokenIds = t.ids();
      long[] typeIds = t.typeIds();
      for (int j = 0; j < longest; j++) {
        boolean real = j < len;
        ids.putIntegral(r, j, real ? tokenIds[j] : 0);
        if (mask != null) {
          mask.putIntegral(r, j, real ? 1 : 0);
        }
        if (types != null) {
          types.putIntegral(r, j, real ? typeIds[j] : 0);
        }
      }
      // Let the window's copies go as soon as their batch is built.
      rows[i] = null;
      tokens[i] = null;
      realTokens += len;
    }
    paddedTokens += (long) n * longest;
    kind = Kind.TOKENS;
    width = longest;
  }

  /** Reads and tokenizes the next window; false when the input had no more rows. */
  private boolean readWindow(Iterator<InternalRow> input) {
    count = 0;
    pos = 0;
    emptyCount = 0;
    emptyPos = 0;
    Arrays.fill(emptyRows, null);
    boolean any = false;
    while (count + emptyCount < rows.length && input.hasNext()) {
      InternalRow row = input.next();
      rowsRead++;
      any = true;
      String text = row.isNullAt(ordinal) ? null : row.getUTF8String(ordinal).toString();
      if (text == null || text.isBlank()) {
        if (spec.empty() == EmptyTextPolicy.NULL) {
          emptyRows[emptyCount++] = row.copy();
        } else {
          rejects.reject(
              new Rejection(RejectReason.EMPTY_TEXT,
                  "column '" + spec.column() + "' is " + (text == null ? "null" : "empty")),
              row);
        }
        continue;
      }
      Tokens t = tokenizer.encode(text);
      if (!spec.truncation() && t.length() > spec.maxLength()) {
        rejects.reject(
            new Rejection(RejectReason.WRONG_LENGTH,
                "column '" + spec.column() + "' has " + t.length() + " tokens, inference.max-length is "
                    + spec.maxLength() + " and inference.text.truncation is false"),
            row);
        continue;
      }
      // Spark reuses input rows: keep a copy for the pass-through columns and the quarantine.
      rows[count] = row.copy();
      tokens[count] = t;
      lengths[count] = t.length();
      count++;
    }
    order = LengthOrder.of(lengths, count, spec.bucketing());
    return any;
  }

  public Kind kind() {
    return kind;
  }

  /** Padded tokens per row of the last batch. */
  public int width() {
    return width;
  }

  public long rowsRead() {
    return rowsRead;
  }

  public long truncatedRows() {
    return truncatedRows;
  }

  /** Real tokens over padded tokens run so far: 1.0 means no padding at all. */
  public double paddingEfficiency() {
    return paddedTokens == 0 ? 1.0 : (double) realTokens / paddedTokens;
  }
}
