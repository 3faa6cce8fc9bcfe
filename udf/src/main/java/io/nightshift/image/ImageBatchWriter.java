package io.nightshift.image;

import io.nightshift.arrow.TensorBuffer;
import java.util.List;

/**
 * Writes a batch of decoded images into one model input's {@link TensorBuffer}: every row at the
 * batch's width (the widest {@link ImageTensorSpec#tensorWidth} among them, so narrower images are
 * padded on the right), through a reused scratch row. Grouping images of similar widths into a
 * batch, so that little is padding, is the caller's business. Not thread-safe: one per task.
 */
public final class ImageBatchWriter {
  private final ImageTensorSpec spec;
  private float[] scratch = new float[0];

  public ImageBatchWriter(ImageTensorSpec spec) {
    this.spec = spec;
  }

  /** The tensor width of a batch of {@code images}: the widest one's. */
  public int batchWidth(List<DecodedImage> images) {
    int width = 0;
    for (DecodedImage image : images) {
      width = Math.max(width, spec.tensorWidth(image));
    }
    return width;
  }

  /**
   * Reshapes {@code buffer} to {@code images.size()} rows of the batch width and writes them;
   * returns the tensor's dimensions after the batch one: {@code [3, H, W]} (NCHW) or {@code [H, W,
   * 3]} (NHWC), for {@link TensorBuffer#tensor}.
   */
  public long[] fill(TensorBuffer buffer, List<DecodedImage> images) {
    int width = batchWidth(images);
    int rowSize = spec.rowSize(width);
    buffer.reshape(images.size(), rowSize);
    if (scratch.length < rowSize) {
      scratch = new float[rowSize];
    }
    for (int i = 0; i < images.size(); i++) {
      spec.write(images.get(i), width, scratch, 0);
      buffer.putFloats(i, scratch, 1);
    }
    return spec.layout() == TensorLayout.NCHW
        ? new long[] {ImageTensorSpec.CHANNELS, spec.height(), width}
        : new long[] {spec.height(), width, ImageTensorSpec.CHANNELS};
  }
}
