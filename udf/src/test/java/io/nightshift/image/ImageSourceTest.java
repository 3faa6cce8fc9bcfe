package io.nightshift.image;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.arrow.Allocators;
import io.nightshift.arrow.TensorBuffer;
import io.nightshift.batch.BatchSource;
import io.nightshift.batch.FeatureColumn;
import io.nightshift.config.JobConfig.ImageSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.junit.jupiter.api.Test;

/**
 * {@link ImageSource} on rows of (id, bytes): every batch holds one tensor width, each row's
 * tensor is the one {@link ImageTensorSpec#write} makes for it alone, and bad rows are rejected
 * with their reasons, so rows in = rows batched + rows rejected.
 */
class ImageSourceTest {
  private static final ImageTensorSpec SPEC = new ImageTensorSpec(
      new ImageResize.FixedHeight(8, 8, 64), ChannelOrder.BGR, TensorLayout.NCHW, 1f / 255f,
      new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, 0f);

  @Test
  void batchesHoldOneTensorWidthAndEveryRowsOwnTensor() throws Exception {
    // Widths 8 (minimum), 16 and 32 at height 8, interleaved; a null and an empty value.
    int[] widths = {4, 16, 32, 8, 16, 4, 32, 16, 16, 8, 32, 4, 16};
    List<InternalRow> rows = new ArrayList<>();
    Map<Long, byte[]> bytes = new HashMap<>();
    for (int i = 0; i < widths.length; i++) {
      byte[] png = TestImages.encode(TestImages.halves(widths[i], 8), "png");
      bytes.put((long) i, png);
      rows.add(new GenericInternalRow(new Object[] {(long) i, png}));
    }
    rows.add(new GenericInternalRow(new Object[] {100L, null}));
    rows.add(new GenericInternalRow(new Object[] {101L, new byte[0]}));
    ImageSpec spec = new ImageSpec("content", "", SPEC, 1_000_000, 1 << 20);
    Map<Long, String> rejected = new HashMap<>();
    BatchSource.Rejects rejects = (r, row) -> rejected.put(row.getLong(0), r.reason().code());
    ImageDecoder decoder = new ImageDecoder(1_000_000);
    int batched = 0;
    try (BufferAllocator a = Allocators.child("image-source-test");
        TensorBuffer buffer = new TensorBuffer(a, OnnxJavaType.FLOAT, 3, 1)) {
      ImageSource source = new ImageSource(rows.iterator(), spec,
          FeatureColumn.bytes("content", 1), buffer, 3, new Configuration(), rejects);
      InternalRow[] slots = new InternalRow[3];
      int[] width = new int[1];
      int n;
      while ((n = source.next(slots)) > 0) {
        assertThat(n).isBetween(1, 3);
        source.widths(width);
        for (int i = 0; i < n; i++) {
          DecodedImage image = decoder.decode(bytes.get(slots[i].getLong(0))).image();
          assertThat(SPEC.tensorWidth(image)).as("row %d in a batch of width %d", slots[i].getLong(0), width[0])
              .isEqualTo(width[0]);
          float[] alone = new float[SPEC.rowSize(width[0])];
          SPEC.write(image, width[0], alone, 0);
          for (int j = 0; j < alone.length; j++) {
            assertThat(buffer.getFloat(i, j)).isEqualTo(alone[j]);
          }
        }
        batched += n;
      }
      assertThat(source.rowsRead()).isEqualTo(15);
    }
    assertThat(batched).isEqualTo(13);
    assertThat(rejected).containsExactlyInAnyOrderEntriesOf(Map.of(100L, "image_empty", 101L, "image_empty"));
  }
}
