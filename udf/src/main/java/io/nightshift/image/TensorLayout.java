package io.nightshift.image;

/** Where the channel axis sits in an image tensor. */
public enum TensorLayout {
  /** [N, C, H, W]: channel planes one after another (PyTorch, Paddle, and so PaddleOCR's ONNX). */
  NCHW,
  /** [N, H, W, C]: the channels of each pixel together (TensorFlow). */
  NHWC
}
