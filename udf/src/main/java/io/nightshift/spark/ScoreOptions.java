package io.nightshift.spark;

import java.util.List;

/**
 * How {@link Predictor#score} treats rows: which input columns each result row keeps, whether
 * text columns may hold numbers (CSV, JSON), and where rejected rows are staged (null: a rejected
 * row fails its task, so none is ever silently dropped).
 */
public record ScoreOptions(List<String> passThrough, boolean textNumbers, String rejectDir) {

  public static ScoreOptions of(List<String> passThrough) {
    return new ScoreOptions(List.copyOf(passThrough), false, null);
  }

  /** Text columns mapped as numbers are parsed per row; a value that is not a number is rejected. */
  public ScoreOptions parsingTextNumbers() {
    return new ScoreOptions(passThrough, true, rejectDir);
  }

  /** Rejected rows are staged as JSON lines under {@code dir}. */
  public ScoreOptions rejectingTo(String dir) {
    return new ScoreOptions(passThrough, textNumbers, dir);
  }
}
