package io.nightshift.spark;

import java.util.List;

/**
 * How {@link Predictor#score} treats rows: which input columns each result row keeps, whether
 * text columns may hold numbers (CSV, JSON), where rejected rows are staged (null: a rejected
 * row fails its task, so none is ever silently dropped), and whether rejected rows instead stay
 * in the result or are left out of it ({@link RejectedRows}).
 */
public record ScoreOptions(List<String> passThrough, boolean textNumbers, String rejectDir, RejectedRows rejected) {

  /** The column naming a kept rejected row's reason code ({@code null_feature}, ...). */
  public static final String REASON_CODE_COLUMN = "reason_code";
  /** The column holding a kept rejected row's message (which column or input, and why). */
  public static final String REASON_COLUMN = "reason";

  /** What happens to a row that cannot be scored. */
  public enum RejectedRows {
    /** Staged under {@code rejectDir}; with no dir the task fails. The job's behaviour. */
    STAGED,
    /**
     * Kept in the result with null results and two more columns, {@link #REASON_CODE_COLUMN} and
     * {@link #REASON_COLUMN} (null on scored rows). For callers with no quarantine of their own,
     * such as the Spark ML stage.
     */
    KEPT,
    /** Left out of the result (and staged when {@code rejectDir} is set); counted in the task reports. */
    DROPPED
  }

  public static ScoreOptions of(List<String> passThrough) {
    return new ScoreOptions(List.copyOf(passThrough), false, null, RejectedRows.STAGED);
  }

  /** Text columns mapped as numbers are parsed per row; a value that is not a number is rejected. */
  public ScoreOptions parsingTextNumbers() {
    return new ScoreOptions(passThrough, true, rejectDir, rejected);
  }

  /** Rejected rows are staged as JSON lines under {@code dir}. */
  public ScoreOptions rejectingTo(String dir) {
    return new ScoreOptions(passThrough, textNumbers, dir, rejected);
  }

  /** Rejected rows stay in the result, with the reason columns and null results. */
  public ScoreOptions keepingRejected() {
    return new ScoreOptions(passThrough, textNumbers, rejectDir, RejectedRows.KEPT);
  }

  /** Rejected rows are left out of the result. */
  public ScoreOptions droppingRejected() {
    return new ScoreOptions(passThrough, textNumbers, rejectDir, RejectedRows.DROPPED);
  }
}
