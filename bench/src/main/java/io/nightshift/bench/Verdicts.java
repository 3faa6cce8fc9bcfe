package io.nightshift.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The goals of issue 14 judged on the numbers of one run: every verdict compares medians measured
 * in the same run (the min-run ratio is shown beside it) and says PASS, MISS or "not available"
 * (a case that did not run, or a feature that is not in the build). The goals:
 *
 * <ul>
 *   <li>text models: Nightshift noop ≥ 0.95 of the ceiling, Parquet sink ≥ 0.90;
 *   <li>tabular models: Nightshift noop ≥ 0.90 of the scan+model bound {@code 1/(1/scan + 1/ceiling)},
 *       the Parquet sink ≥ 0.75 of noop (within 25%);
 *   <li>Nightshift noop ≥ the row-at-a-time UDF, and ≥ 3× SynapseML's best setting, per model;
 *   <li>planned partitions ({@link BalanceCase}): {@code auto} wall time ≤ 0.80 of {@code input},
 *       idle share ≤ 0.10, outputs identical;
 *   <li>int8-dynamic (a text model labelled {@code <name>-int8-dynamic} beside {@code <name>-fp32}):
 *       Nightshift noop ≥ 1.8× the fp32 rows/s; figures {@link #COSINE_MEAN} ≥ 0.99, {@link
 *       #COSINE_MIN} ≥ 0.97 and {@link #BIT_IDENTICAL} = 1 (a row alone, in 8 and in 64);
 *   <li>OCR ({@link OcrCase}, issue 15): Nightshift noop ≥ 0.85 of the ceiling in images/s.
 * </ul>
 *
 * Pure computation over the results; not thread-safe (not shared).
 */
final class Verdicts {
  static final String CEILING = "ceiling";
  static final String SCAN = "spark scan only, no model (reference)";
  static final String ROW_UDF = "row-at-a-time UDF";
  static final String TEXT_NOOP = "nightshift noop (text column)";
  static final String TEXT_PARQUET = "nightshift parquet (text column)";
  /**
   * An int8-dynamic model's case: its fp32 model's noop job, timed in the same rounds as the
   * int8-dynamic noop job ({@link Rounds}); the §2 speed goal compares these two.
   */
  static final String FP32_IN_TURN = "nightshift noop, fp32 model (timed in turn)";
  static final String ARRAY_NOOP = "nightshift noop (array<float> column)";
  static final String INT8_DYNAMIC = "-int8-dynamic";
  /** Figures an int8-dynamic case reports (see {@link Figure}). */
  static final String COSINE_MEAN = "cosine to fp32, mean";
  static final String COSINE_MIN = "cosine to fp32, min";
  static final String BIT_IDENTICAL = "bit-identical alone, in 8 and in 64 (1 = yes)";

  static final double TEXT_NOOP_GOAL = 0.95;
  static final double TEXT_PARQUET_GOAL = 0.90;
  static final double TABULAR_BOUND_GOAL = 0.90;
  static final double TABULAR_PARQUET_GOAL = 0.75;
  static final double SYNAPSE_GOAL = 3.0;
  static final double BALANCE_WALL_GOAL = 0.80;
  static final double IDLE_SHARE_GOAL = 0.10;
  static final double INT8_SPEED_GOAL = 1.8;
  static final double COSINE_MEAN_GOAL = 0.99;
  static final double COSINE_MIN_GOAL = 0.97;

  /** PASS, MISS, or not available; {@code what} names the goal and model, {@code detail} the numbers. */
  record Verdict(String status, String what, String detail) {
    static final String PASS = "PASS";
    static final String MISS = "MISS";
    static final String NA = "not available";

    String line() {
      return "- **" + status + "** " + what + ": " + detail;
    }
  }

  private Verdicts() {}

  /** The scan (of the same layout when measured, else the array scan) of the case {@code name}. */
  static Result scanFor(List<Result> all, String model, String name) {
    if (name.contains("float columns")) {
      Result cols = find(all, model, "spark scan only, no model (" + layoutOf(name) + ")");
      if (cols != null) {
        return cols;
      }
    }
    return find(all, model, SCAN);
  }

  private static String layoutOf(String name) {
    int open = name.indexOf('(');
    return open < 0 ? "" : name.substring(open + 1, name.length() - 1);
  }

  /** The scan+model bound {@code 1/(1/scan + 1/ceiling)} of medians; NaN when either did not run. */
  static double bound(List<Result> all, String model, String name) {
    Result scan = scanFor(all, model, name);
    Result ceiling = find(all, model, CEILING);
    if (scan == null || ceiling == null) {
      return Double.NaN;
    }
    return 1 / (1 / scan.medianRate() + 1 / ceiling.medianRate());
  }

  /** The same bound from the min-run rates. */
  static double minBound(List<Result> all, String model, String name) {
    Result scan = scanFor(all, model, name);
    Result ceiling = find(all, model, CEILING);
    if (scan == null || ceiling == null) {
      return Double.NaN;
    }
    return 1 / (1 / scan.minRate() + 1 / ceiling.minRate());
  }

  static List<Verdict> judge(List<Result> all, List<Figure> figures) {
    List<Verdict> v = new ArrayList<>();
    List<String> models = new ArrayList<>();
    for (Result r : all) {
      if (!models.contains(r.model()) && !r.model().equals(BalanceCase.MODEL)) {
        models.add(r.model());
      }
    }
    for (String m : models) {
      if (m.equals(OcrCase.MODEL)) {
        v.add(ratio(all, m, OcrCase.NOOP, CEILING, OcrCase.NOOP_GOAL,
            "OCR, noop ≥ " + OcrCase.NOOP_GOAL + " of the ceiling (images/s, decode included)"));
        continue;
      }
      if (Report.isText(m)) {
        v.add(ratio(all, m, TEXT_NOOP, CEILING, TEXT_NOOP_GOAL, "text, noop ≥ " + TEXT_NOOP_GOAL + " of the ceiling"));
        v.add(ratio(all, m, TEXT_PARQUET, CEILING, TEXT_PARQUET_GOAL,
            "text, Parquet sink ≥ " + TEXT_PARQUET_GOAL + " of the ceiling"));
      } else {
        for (Result r : all) {
          if (r.model().equals(m) && r.name().startsWith("nightshift noop")) {
            v.add(vsBound(all, m, r.name()));
            String parquet = r.name().replace("nightshift noop", "nightshift parquet");
            v.add(ratio(all, m, parquet, r.name(), TABULAR_PARQUET_GOAL,
                "tabular, Parquet sink within 25% of noop (≥ " + TABULAR_PARQUET_GOAL + "), " + layoutOf(r.name())));
          }
        }
      }
      String ours = Report.isText(m) ? TEXT_NOOP : ARRAY_NOOP;
      v.add(ratio(all, m, ours, ROW_UDF, 1.0, "Nightshift noop ≥ the row-at-a-time UDF"));
      v.add(ratio(all, m, ours, SynapsePeer.NAME, SYNAPSE_GOAL, "Nightshift noop ≥ 3× SynapseML's best setting"));
    }
    v.addAll(balance(all, figures));
    v.addAll(int8(all, figures, models));
    return v;
  }

  /** {@code name} over {@code ref} (medians) against {@code goal}; the min-run ratio beside it. */
  static Verdict ratio(List<Result> all, String model, String name, String ref, double goal, String what) {
    Result a = find(all, model, name);
    Result b = find(all, model, ref);
    String title = what + " — " + model;
    if (a == null || b == null) {
      return new Verdict(Verdict.NA, title, (a == null ? "'" + name + "'" : "'" + ref + "'") + " did not run");
    }
    double median = a.medianRate() / b.medianRate();
    double min = a.minRate() / b.minRate();
    return new Verdict(median >= goal ? Verdict.PASS : Verdict.MISS, title, String.format(
        "%s %s / %s %s rows/s = **%.2f** (goal ≥ %.2f; min runs: %s / %s = %.2f)",
        name, rate(a.medianRate()), ref, rate(b.medianRate()), median, goal, rate(a.minRate()), rate(b.minRate()), min));
  }

  private static Verdict vsBound(List<Result> all, String model, String name) {
    Result a = find(all, model, name);
    String title = "tabular, noop ≥ " + TABULAR_BOUND_GOAL + " of the scan+model bound, " + layoutOf(name) + " — " + model;
    double bound = bound(all, model, name);
    if (a == null || Double.isNaN(bound)) {
      return new Verdict(Verdict.NA, title, "the case, its scan or the ceiling did not run");
    }
    Result scan = scanFor(all, model, name);
    double median = a.medianRate() / bound;
    double min = a.minRate() / minBound(all, model, name);
    return new Verdict(median >= TABULAR_BOUND_GOAL ? Verdict.PASS : Verdict.MISS, title, String.format(
        "%s rows/s against the bound %s (scan %s, ceiling %s) = **%.2f** (goal ≥ %.2f; min runs: %.2f)",
        rate(a.medianRate()), rate(bound), rate(scan.medianRate()), rate(find(all, model, CEILING).medianRate()),
        median, TABULAR_BOUND_GOAL, min));
  }

  private static List<Verdict> balance(List<Result> all, List<Figure> figures) {
    String m = BalanceCase.MODEL;
    Result input = find(all, m, BalanceCase.INPUT);
    Result auto = find(all, m, BalanceCase.AUTO);
    String what = "planned partitions (§1), embeddings sample on local[2]";
    if (input == null || auto == null) {
      String why = all.stream().filter(r -> r.model().equals(m) && !r.ran()).map(Result::note).findFirst()
          .orElse("the case did not run");
      return List.of(new Verdict(Verdict.NA, what, why));
    }
    List<Verdict> v = new ArrayList<>();
    // Wall time auto / input = rate(input) / rate(auto).
    double median = input.medianRate() / auto.medianRate();
    double min = input.minRate() / auto.minRate();
    v.add(new Verdict(median <= BALANCE_WALL_GOAL ? Verdict.PASS : Verdict.MISS, what + ", auto wall time ≤ "
        + BALANCE_WALL_GOAL + " of input", String.format(
            "median %.1f s against %.1f s = **%.2f** (goal ≤ %.2f; slowest runs %.1f s against %.1f s = %.2f)",
            auto.rows() / auto.medianRate(), input.rows() / input.medianRate(), median, BALANCE_WALL_GOAL,
            auto.rows() / auto.minRate(), input.rows() / input.minRate(), min)));
    v.add(atMost(figure(figures, m, BalanceCase.IDLE_SHARE), IDLE_SHARE_GOAL, what + ", idle_share ≤ " + IDLE_SHARE_GOAL));
    v.add(isOne(figure(figures, m, BalanceCase.IDENTICAL), what + ", outputs identical (auto and input)"));
    return v;
  }

  private static List<Verdict> int8(List<Result> all, List<Figure> figures, List<String> models) {
    List<Verdict> v = new ArrayList<>();
    for (String m : models) {
      if (!m.endsWith(INT8_DYNAMIC)) {
        continue;
      }
      // The fp32 job timed in the same rounds when there is one; else the fp32 model's own noop case.
      Result a = find(all, m, TEXT_NOOP);
      Result b = find(all, m, FP32_IN_TURN);
      String against = b != null ? "its fp32 model timed in turn" : null;
      if (b == null) {
        String fp32 = m.substring(0, m.length() - INT8_DYNAMIC.length()) + "-fp32";
        b = find(all, fp32, TEXT_NOOP);
        against = "the " + fp32 + " noop case, timed apart";
      }
      String what = "int8-dynamic (§2) ≥ " + INT8_SPEED_GOAL + "× the fp32 rows/s, Nightshift noop — " + m;
      if (a == null || b == null) {
        v.add(new Verdict(Verdict.NA, what, "needs '" + TEXT_NOOP + "' of " + m + " and '" + FP32_IN_TURN
            + "' or the fp32 model's '" + TEXT_NOOP + "'"));
      } else {
        double median = a.medianRate() / b.medianRate();
        v.add(new Verdict(median >= INT8_SPEED_GOAL ? Verdict.PASS : Verdict.MISS, what, String.format(
            "%s against %s rows/s (%s) = **%.2f×** (goal ≥ %.1f×; min runs %.2f×)", rate(a.medianRate()),
            rate(b.medianRate()), against, median, INT8_SPEED_GOAL, a.minRate() / b.minRate())));
      }
      v.add(atLeast(figure(figures, m, COSINE_MEAN), COSINE_MEAN_GOAL, "int8-dynamic, cosine to fp32 mean ≥ "
          + COSINE_MEAN_GOAL + " — " + m));
      v.add(atLeast(figure(figures, m, COSINE_MIN), COSINE_MIN_GOAL, "int8-dynamic, cosine to fp32 min ≥ "
          + COSINE_MIN_GOAL + " — " + m));
      v.add(isOne(figure(figures, m, BIT_IDENTICAL), "int8-dynamic, bit-identical alone, in 8 and in 64 — " + m));
    }
    if (v.isEmpty()) {
      v.add(new Verdict(Verdict.NA, "int8-dynamic (§2)",
          "no model labelled '*" + INT8_DYNAMIC + "' in this run (the precision is not in this build)"));
    }
    return v;
  }

  private static Verdict atMost(Figure f, double goal, String what) {
    if (f == null || Double.isNaN(f.value())) {
      return new Verdict(Verdict.NA, what, f == null ? "not measured" : f.note());
    }
    return new Verdict(f.value() <= goal ? Verdict.PASS : Verdict.MISS, what,
        String.format("**%.3f** (goal ≤ %.2f; %s)", f.value(), goal, f.note()));
  }

  private static Verdict atLeast(Figure f, double goal, String what) {
    if (f == null || Double.isNaN(f.value())) {
      return new Verdict(Verdict.NA, what, f == null ? "not measured" : f.note());
    }
    return new Verdict(f.value() >= goal ? Verdict.PASS : Verdict.MISS, what,
        String.format("**%.4f** (goal ≥ %.2f; %s)", f.value(), goal, f.note()));
  }

  private static Verdict isOne(Figure f, String what) {
    if (f == null || Double.isNaN(f.value())) {
      return new Verdict(Verdict.NA, what, f == null ? "not measured" : f.note());
    }
    return new Verdict(f.value() == 1 ? Verdict.PASS : Verdict.MISS, what,
        (f.value() == 1 ? "**yes**" : "**no**") + " (" + f.note() + ")");
  }

  static Figure figure(List<Figure> figures, String model, String name) {
    for (Figure f : figures) {
      if (f.model().equals(model) && f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  static Result find(List<Result> all, String model, String name) {
    for (Result r : all) {
      if (r.model().equals(model) && r.name().equals(name) && r.ran()) {
        return r;
      }
    }
    return null;
  }

  private static String rate(double r) {
    return r >= 100 ? String.format("%,.0f", r) : String.format("%,.1f", r);
  }
}
