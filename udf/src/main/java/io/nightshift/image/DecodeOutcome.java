package io.nightshift.image;

import io.nightshift.quality.Rejection;

/**
 * What {@link ImageDecoder#decode} made of one row's bytes: an image, or the reason there is none.
 * Exactly one of the two is non-null.
 */
public record DecodeOutcome(DecodedImage image, Rejection rejection) {
  public DecodeOutcome {
    if ((image == null) == (rejection == null)) {
      throw new IllegalArgumentException("an outcome holds an image or a rejection, not both");
    }
  }

  static DecodeOutcome decoded(DecodedImage image) {
    return new DecodeOutcome(image, null);
  }

  static DecodeOutcome rejected(Rejection rejection) {
    return new DecodeOutcome(null, rejection);
  }

  /** Whether the bytes decoded. */
  public boolean ok() {
    return image != null;
  }
}
