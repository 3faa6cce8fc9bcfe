package io.nightshift.accuracy;

import io.nightshift.config.JobConfig.AccuracySpec;
import io.nightshift.config.JobProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How closely an optimized model's outputs follow the fp32 model's on a sample of input rows, per
 * model output. Immutable.
 *
 * @param rowsCompared rows both models scored (rows either rejected are left out)
 * @param outputs one entry per model output
 */
public record AccuracyReport(long rowsCompared, List<OutputAccuracy> outputs) {

  /** What kind of output, which decides the measures and thresholds that apply. */
  public enum Kind {
    /** A float vector per row (e.g. [batch, dim] or [batch, seq, hidden]): cosine to fp32. */
    EMBEDDING,
    /** Class scores per row (a post-step, or a row of probabilities): top-1 and max difference. */
    CLASSIFIER,
    /** A class id per row: top-1 agreement only. */
    LABEL,
    /** One number per row: the max absolute difference, reported, not gated. */
    SCALAR
  }

  /**
   * One output's measures; NaN where a measure does not apply to its kind.
   *
   * @param maxAbsDiff the largest absolute difference of any value (a probability, for classifiers)
   */
  public record OutputAccuracy(
      String output,
      Kind kind,
      double meanCosine,
      double minCosine,
      double top1Agreement,
      double maxAbsDiff) {}

  public AccuracyReport {
    outputs = List.copyOf(outputs);
  }

  /** Each threshold of {@code spec} this report misses, in words naming the key; empty if none. */
  public List<String> failures(AccuracySpec spec) {
    List<String> out = new ArrayList<>();
    if (rowsCompared == 0) {
      out.add("no sample row was scored by both models");
    }
    for (OutputAccuracy o : outputs) {
      switch (o.kind()) {
        case EMBEDDING -> {
          below(out, o, "mean cosine", o.meanCosine(), spec.minMeanCosine(),
              JobProperties.MODEL_ACCURACY_MIN_MEAN_COSINE);
          below(out, o, "min cosine", o.minCosine(), spec.minCosine(), JobProperties.MODEL_ACCURACY_MIN_COSINE);
        }
        case CLASSIFIER, LABEL -> {
          below(out, o, "top-1 agreement", o.top1Agreement(), spec.minTop1Agreement(),
              JobProperties.MODEL_ACCURACY_MIN_TOP1_AGREEMENT);
          if (o.kind() == Kind.CLASSIFIER && o.maxAbsDiff() > spec.maxProbDiff()) {
            out.add(String.format(Locale.ROOT, "output '%s': max probability difference %.5f > %s %s",
                o.output(), o.maxAbsDiff(), JobProperties.MODEL_ACCURACY_MAX_PROB_DIFF, spec.maxProbDiff()));
          }
        }
        case SCALAR -> {}
      }
    }
    return out;
  }

  private static void below(List<String> out, OutputAccuracy o, String what, double value, double min, String key) {
    if (!(value >= min)) {
      out.add(String.format(Locale.ROOT, "output '%s': %s %.5f < %s %s", o.output(), what, value, key, min));
    }
  }

  /** For people, a few lines. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "accuracy against fp32 on %d row(s):%n", rowsCompared));
    for (OutputAccuracy o : outputs) {
      b.append(switch (o.kind()) {
        case EMBEDDING -> String.format(Locale.ROOT, "  %s (embedding): mean cosine %.6f, min cosine %.6f, max abs diff %.4g%n",
            o.output(), o.meanCosine(), o.minCosine(), o.maxAbsDiff());
        case CLASSIFIER -> String.format(Locale.ROOT, "  %s (classifier): top-1 agreement %.4f, max abs probability diff %.4g%n",
            o.output(), o.top1Agreement(), o.maxAbsDiff());
        case LABEL -> String.format(Locale.ROOT, "  %s (label): top-1 agreement %.4f%n", o.output(), o.top1Agreement());
        case SCALAR -> String.format(Locale.ROOT, "  %s (scalar): max abs diff %.4g%n", o.output(), o.maxAbsDiff());
      });
    }
    return b.toString();
  }
}
