package io.nightshift.image;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import io.nightshift.arrow.Allocators;
import io.nightshift.arrow.TensorBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageBatchWriterTest {
  private final BufferAllocator allocator = Allocators.child("image-batch-writer-test");

  @AfterEach
  void close() {
    allocator.close();
  }

  @Test
  void rowsTakeTheWidestWidthAndTheNarrowerArePaddedRight() {
    // Height 2, width kept: a 2×2 image is 2 wide, a 4×2 one 4 wide; NHWC, raw 0–255 values.
    ImageTensorSpec spec =
        new ImageTensorSpec(
            new ImageResize.FixedHeight(2, 1, 100),
            ChannelOrder.RGB,
            TensorLayout.NHWC,
            1f,
            new float[] {0, 0, 0},
            new float[] {1, 1, 1},
            -1f);
    DecodedImage narrow = uniform(2, 2, 0x010203);
    DecodedImage wide = uniform(4, 2, 0x040506);
    ImageBatchWriter writer = new ImageBatchWriter(spec);
    try (TensorBuffer buffer = new TensorBuffer(allocator, OnnxJavaType.FLOAT, 1, 1)) {
      long[] dims = writer.fill(buffer, List.of(narrow, wide));
      assertThat(dims).containsExactly(2, 4, 3);
      assertThat(buffer.width()).isEqualTo(24);
      // Row 0, image row 0: two pixels of 1 2 3, then two of padding.
      float[] first = new float[12];
      float[] second = new float[12];
      for (int i = 0; i < 12; i++) {
        first[i] = buffer.getFloat(0, i);
        second[i] = buffer.getFloat(1, 12 + i);
      }
      assertThat(first).containsExactly(1, 2, 3, 1, 2, 3, -1, -1, -1, -1, -1, -1);
      assertThat(second).containsExactly(4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 6);
    }
  }

  private static DecodedImage uniform(int w, int h, int rgb) {
    int[] px = new int[w * h];
    Arrays.fill(px, rgb);
    return new DecodedImage(w, h, px);
  }
}
