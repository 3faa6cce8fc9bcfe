package io.nightshift.model.optimize;

/**
 * Thrown inside this package when a tensor is to be left as it is; the message is the reason the
 * report shows. Never escapes the package: the tensor is kept and listed as skipped.
 */
final class SkipTensor extends Exception {
  SkipTensor(String reason) {
    super(reason, null, false, false); // control flow only: no stack trace needed
  }
}
