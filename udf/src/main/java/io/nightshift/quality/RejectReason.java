package io.nightshift.quality;

/** Why a row was not scored. The code is what the quarantine's {@code reason_code} column holds. */
public enum RejectReason {
  /** A mapped feature is null. */
  NULL_FEATURE,
  /** An array feature does not have the length the model needs. */
  WRONG_LENGTH,
  /** A feature is NaN or infinite (with inference.non-finite: reject). */
  NON_FINITE,
  /** A CSV/JSON value mapped as a number does not parse as one, or a fraction feeds an integer input. */
  NOT_A_NUMBER,
  /** A value is outside the range of the model input's element type (3000000000 into int32). */
  OUT_OF_RANGE,
  /** A whole number the model input's float type cannot hold exactly (16777217 into float). */
  INEXACT,
  /** A model output is NaN or infinite for this row (with inference.non-finite: reject). */
  NON_FINITE_OUTPUT,
  /** A text to tokenize is null or empty. */
  EMPTY_TEXT,
  /** An image's bytes are null or zero-length. */
  IMAGE_EMPTY,
  /** An image's data ends early (a cut-off download or copy): its header reads, its pixels do not. */
  IMAGE_TRUNCATED,
  /** The bytes are not an image any reader knows, or a reader fails on them. */
  IMAGE_UNDECODABLE,
  /** An image's header declares more pixels than the limit (a decompression bomb, say). */
  IMAGE_TOO_LARGE,
  /** ONNX Runtime failed on this row alone. */
  MODEL_ERROR;

  /** The code as written in the quarantine and manifest. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
