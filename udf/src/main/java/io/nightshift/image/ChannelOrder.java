package io.nightshift.image;

/** The order of the colour channels in a model's input tensor. */
public enum ChannelOrder {
  /** Red, green, blue: most models trained from PIL or torchvision. */
  RGB,
  /** Blue, green, red: models trained on OpenCV's {@code imread} output, such as PaddleOCR's. */
  BGR
}
