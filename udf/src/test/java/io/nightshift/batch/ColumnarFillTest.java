package io.nightshift.batch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.arrow.TensorBuffer;
import io.nightshift.config.Enums.NonFinitePolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;

/**
 * The bulk columnar fill against the row reader over the same column vectors: the same values in
 * the same slots, bit for bit, and the same rejections with the same messages in the same order,
 * with bad rows in the middle and at the edges of reader batches, and reader batches smaller and
 * larger than scoring batches.
 */
class ColumnarFillTest {
  static final int WIDTH = 32;

  /** What is wrong with a row, by id. */
  enum Bad { NAN, POS_INF, NEG_INF, NULL_ROW, NULL_VALUE, SHORT, LONG, EMPTY }

  /** Rows 0..n-1 over reader batches of the given sizes: column 0 the id, then the features. */
  static List<ColumnarBatch> batches(boolean array, Map<Integer, Bad> bad, int... sizes) {
    SplittableRandom random = new SplittableRandom(7);
    List<ColumnarBatch> out = new ArrayList<>();
    int id = 0;
    for (int size : sizes) {
      OnHeapColumnVector ids = new OnHeapColumnVector(size, DataTypes.LongType);
      ColumnVector[] cols;
      if (array) {
        OnHeapColumnVector x =
            new OnHeapColumnVector(size, DataTypes.createArrayType(DataTypes.FloatType, true));
        x.arrayData().reserve(size * (WIDTH + 1));
        int off = 0;
        for (int r = 0; r < size; r++, id++) {
          ids.putLong(r, id);
          Bad b = bad.get(id);
          if (b == Bad.NULL_ROW) {
            x.putNull(r);
            continue;
          }
          int len = b == Bad.SHORT ? WIDTH - 1 : b == Bad.LONG ? WIDTH + 1 : b == Bad.EMPTY ? 0 : WIDTH;
          for (int j = 0; j < len; j++) {
            x.arrayData().putFloat(off + j, value(random, b, j));
            if (b == Bad.NULL_VALUE && j == 5) {
              x.arrayData().putNull(off + j);
            }
          }
          x.putArray(r, off, len);
          off += len;
        }
        cols = new ColumnVector[] {ids, x};
      } else {
        OnHeapColumnVector[] f = new OnHeapColumnVector[WIDTH];
        for (int c = 0; c < WIDTH; c++) {
          f[c] = new OnHeapColumnVector(size, DataTypes.FloatType);
        }
        for (int r = 0; r < size; r++, id++) {
          ids.putLong(r, id);
          Bad b = bad.get(id);
          for (int c = 0; c < WIDTH; c++) {
            f[c].putFloat(r, value(random, b, c));
          }
          if (b == Bad.NULL_VALUE) {
            f[5].putNull(r);
          } else if (b == Bad.NULL_ROW) {
            f[0].putNull(r);
          }
        }
        cols = new ColumnVector[WIDTH + 1];
        cols[0] = ids;
        System.arraycopy(f, 0, cols, 1, WIDTH);
      }
      out.add(new ColumnarBatch(cols, size));
    }
    return out;
  }

  static float value(SplittableRandom random, Bad b, int j) {
    float v = (float) random.nextGaussian();
    if (j == 3 && b != null) {
      return switch (b) {
        case NAN -> Float.NaN;
        case POS_INF -> Float.POSITIVE_INFINITY;
        case NEG_INF -> Float.NEGATIVE_INFINITY;
        default -> v;
      };
    }
    return j == 7 ? -0.0f : v;
  }

  static FeatureInput input(boolean array) {
    List<FeatureColumn> cols = new ArrayList<>();
    if (array) {
      cols.add(new FeatureColumn("x", 1, FeatureColumn.Kind.ARRAY_FLOAT));
    } else {
      for (int c = 0; c < WIDTH; c++) {
        cols.add(new FeatureColumn("f" + c, c + 1, FeatureColumn.Kind.FLOAT));
      }
    }
    return new FeatureInput("features", OnnxJavaType.FLOAT, cols, WIDTH, new long[] {WIDTH});
  }

  /** Each scoring batch as "id:bits,bits,... | ..." and each rejection as "id reason detail". */
  record Outcome(List<String> batches, List<String> rejections, long rowsRead, long reread) {}

  static Outcome run(List<ColumnarBatch> data, boolean array, int capacity, boolean bulk, NonFinitePolicy policy) {
    return run(data, array, capacity, bulk, policy, ColumnarFill.BLOCK_VALUES);
  }

  static Outcome run(List<ColumnarBatch> data, boolean array, int capacity, boolean bulk, NonFinitePolicy policy,
      int blockValues) {
    List<FeatureInput> inputs = List.of(input(array));
    try (BufferAllocator allocator = new RootAllocator();
        TensorBuffer buffer = new TensorBuffer(allocator, OnnxJavaType.FLOAT, capacity, WIDTH)) {
      TensorBuffer[] buffers = {buffer};
      RowReader reader = new RowReader(inputs, buffers, policy);
      ColumnarFill fill = bulk ? new ColumnarFill(inputs, buffers, reader, capacity, blockValues) : null;
      assertThat(ColumnarFill.supports(inputs)).isTrue();
      ColumnarRows rows = new ColumnarRows(data.iterator());
      InternalRow[] slots = new InternalRow[capacity];
      List<String> batches = new ArrayList<>();
      List<String> rejections = new ArrayList<>();
      RowReader.Rejected rejected =
          (r, row) -> rejections.add(row.getLong(0) + " " + r.reason().code() + " " + r.detail());
      while (true) {
        int n = bulk ? fill.next(rows, slots, rejected) : reader.next(rows, capacity, slots, rejected);
        if (n == 0) {
          break;
        }
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < n; s++) {
          b.append(slots[s].getLong(0)).append(':');
          for (int j = 0; j < WIDTH; j++) {
            b.append(Integer.toHexString(Float.floatToRawIntBits(buffer.getFloat(s, j)))).append(',');
          }
          b.append(" | ");
        }
        batches.add(b.toString());
      }
      return new Outcome(batches, rejections, bulk ? fill.rowsRead() : reader.rowsRead(),
          bulk ? fill.rowsReread() : -1);
    }
  }

  static final Map<Integer, Bad> BAD = Map.ofEntries(
      Map.entry(0, Bad.NAN), // first row of the first reader batch
      Map.entry(40, Bad.NULL_ROW),
      Map.entry(41, Bad.NULL_VALUE),
      Map.entry(42, Bad.POS_INF),
      Map.entry(73, Bad.SHORT),
      Map.entry(74, Bad.LONG),
      Map.entry(99, Bad.NEG_INF), // last row of the first reader batch
      Map.entry(100, Bad.EMPTY), // first row of the second
      Map.entry(150, Bad.NAN),
      Map.entry(212, Bad.NULL_ROW)); // the very last row

  /** Bulk and row reading agree for every scoring batch size and policy; returns the bulk outcomes. */
  static List<Outcome> sameAsRowReader(boolean array, int badRows, int nonFinite) {
    List<ColumnarBatch> data = batches(array, BAD, 100, 100, 13);
    List<Outcome> out = new ArrayList<>();
    for (int capacity : new int[] {1, 37, 100, 256}) {
      for (NonFinitePolicy policy : NonFinitePolicy.values()) {
        Outcome rows = run(data, array, capacity, false, policy);
        Outcome bulk = run(data, array, capacity, true, policy);
        String what = (array ? "array" : "columns") + ", scoring batches of " + capacity + ", " + policy;
        assertThat(bulk.batches()).as(what).isEqualTo(rows.batches());
        // Wide rows are copied in parts of a scoring batch (here 10 rows at a time): the same again.
        Outcome parts = run(data, array, capacity, true, policy, WIDTH * 10);
        assertThat(parts.batches()).as(what + ", in parts").isEqualTo(rows.batches());
        assertThat(parts.rejections()).as(what + ", in parts").isEqualTo(rows.rejections());
        assertThat(bulk.rejections()).as(what).isEqualTo(rows.rejections());
        assertThat(bulk.rowsRead()).as(what).isEqualTo(rows.rowsRead()).isEqualTo(213);
        // Only the bad rows went through the row reader: the others were copied in bulk.
        assertThat(bulk.reread()).as(what).isEqualTo(badRows);
        assertThat(rows.rejections()).as(what)
            .hasSize(policy == NonFinitePolicy.REJECT ? badRows : badRows - nonFinite);
        if (policy == NonFinitePolicy.REJECT && capacity == 37) {
          out.add(bulk);
        }
      }
    }
    return out;
  }

  /** The row ids of a batch's slots, space-separated. */
  static String ids(String batch) {
    return java.util.Arrays.stream(batch.split(" \\| ")).map(e -> e.substring(0, e.indexOf(':')).trim())
        .collect(java.util.stream.Collectors.joining(" "));
  }

  @Test
  void arrayColumnGivesTheRowReadersValuesAndRejections() {
    Outcome bulk = sameAsRowReader(true, BAD.size(), 4).get(0);
    assertThat(bulk.rejections()).containsExactly(
        "0 non_finite column 'x' is NaN at index 3",
        "40 null_feature column 'x' is null",
        "41 null_feature column 'x' has a null at index 5",
        "42 non_finite column 'x' is Infinity at index 3",
        "73 wrong_length column 'x' has 31 values, model input 'features' needs 32",
        "74 wrong_length column 'x' has 33 values, model input 'features' needs 32",
        "99 non_finite column 'x' is -Infinity at index 3",
        "100 wrong_length column 'x' has 0 values, model input 'features' needs 32",
        "150 non_finite column 'x' is NaN at index 3",
        "212 null_feature column 'x' is null");
    // A scoring batch never spans two reader batches: the first's 93 good rows are 37 + 37 + 19.
    assertThat(bulk.batches()).hasSize(3 + 3 + 1);
    assertThat(ids(bulk.batches().get(2))).startsWith("80 81").endsWith("97 98").hasSize(19 * 3 - 1);
    assertThat(ids(bulk.batches().get(6))).startsWith("200 201").endsWith("210 211");
  }

  @Test
  void floatColumnsGiveTheRowReadersValuesAndRejections() {
    Outcome bulk = sameAsRowReader(false, BAD.size() - 3, 4).get(0);
    assertThat(bulk.rejections()).containsExactly(
        "0 non_finite column 'f3' is NaN",
        "40 null_feature column 'f0' is null",
        "41 null_feature column 'f5' is null",
        "42 non_finite column 'f3' is Infinity",
        "99 non_finite column 'f3' is -Infinity",
        "150 non_finite column 'f3' is NaN",
        "212 null_feature column 'f0' is null");
  }

  /**
   * Each slot keeps one row object, re-pointed at every batch while the reader batch lasts and made
   * anew for the next reader batch (whose vectors are new): the ids are still every batch's own.
   */
  @Test
  void slotRowsAreReusedWithinAReaderBatchAndPointAtTheirOwnRows() {
    List<FeatureInput> inputs = List.of(input(true));
    try (BufferAllocator allocator = new RootAllocator();
        TensorBuffer buffer = new TensorBuffer(allocator, OnnxJavaType.FLOAT, 10, WIDTH)) {
      RowReader reader = new RowReader(inputs, new TensorBuffer[] {buffer}, NonFinitePolicy.REJECT);
      ColumnarFill fill = new ColumnarFill(inputs, new TensorBuffer[] {buffer}, reader, 10);
      // Reader batches of 25 and 5 rows; row 3 is rejected, so slot 3 first holds row 4.
      ColumnarRows rows = new ColumnarRows(batches(true, Map.of(3, Bad.NAN), 25, 5).iterator());
      InternalRow[] slots = new InternalRow[10];
      List<String> rejected = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      List<InternalRow> firstSlots = new ArrayList<>();
      for (int n = fill.next(rows, slots, (r, row) -> rejected.add(row.getLong(0) + " " + r.reason().code()));
          n > 0;
          n = fill.next(rows, slots, (r, row) -> rejected.add(row.getLong(0) + " " + r.reason().code()))) {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < n; s++) {
          b.append(slots[s].getLong(0)).append(s + 1 < n ? " " : "");
        }
        ids.add(b.toString());
        firstSlots.add(slots[0]);
        // The slots of one batch are distinct objects.
        assertThat(java.util.Set.copyOf(java.util.Arrays.asList(slots).subList(0, n))).hasSize(n);
      }
      assertThat(rejected).containsExactly("3 non_finite");
      assertThat(ids).containsExactly(
          "0 1 2 4 5 6 7 8 9 10", "11 12 13 14 15 16 17 18 19 20", "21 22 23 24", "25 26 27 28 29");
      // Slot 0 is one object over the first reader batch's three scoring batches, a new one after.
      assertThat(firstSlots.get(1)).isSameAs(firstSlots.get(0));
      assertThat(firstSlots.get(2)).isSameAs(firstSlots.get(0));
      assertThat(firstSlots.get(3)).isNotSameAs(firstSlots.get(0));
    }
  }
}
