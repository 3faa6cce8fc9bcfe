package io.nightshift.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdicts judge each goal on the run's medians, say MISS when a goal is missed, and "not available" when a case is absent. */
class VerdictsTest {
  /** A case of {@code rows} rows whose three runs took these seconds (median = the middle one). */
  private static Result r(String model, String name, long rows, double... seconds) {
    long[] ns = new long[seconds.length];
    for (int i = 0; i < ns.length; i++) {
      ns[i] = Math.round(seconds[i] * 1e9);
    }
    return new Result(model, name, rows, ns, ns.clone(), "");
  }

  @Test
  void tabularBoundAndParquetAgainstNoop() {
    List<Result> all = List.of(
        r("medium", "ceiling", 1_000_000, 0.5, 0.5, 0.5),        // 2M rows/s
        r("medium", Verdicts.SCAN, 1_000_000, 0.5, 0.5, 0.5),    // 2M rows/s: bound 1M rows/s
        r("medium", Verdicts.ARRAY_NOOP, 1_000_000, 1.0, 1.0, 1.25), // 1M: 1.00 of the bound
        r("medium", "nightshift parquet (array<float> column)", 1_000_000, 2.0, 2.0, 2.5)); // 0.5 of noop

    assertThat(Verdicts.bound(all, "medium", Verdicts.ARRAY_NOOP)).isEqualTo(1_000_000.0);
    List<String> lines = Verdicts.judge(all, List.of()).stream().map(Verdicts.Verdict::line).toList();

    assertThat(lines).contains(
        "- **PASS** tabular, noop ≥ 0.9 of the scan+model bound, array<float> column — medium: 1,000,000 rows/s "
            + "against the bound 1,000,000 (scan 2,000,000, ceiling 2,000,000) = **1.00** (goal ≥ 0.90; min runs: 0.80)",
        "- **MISS** tabular, Parquet sink within 25% of noop (≥ 0.75), array<float> column — medium: "
            + "nightshift parquet (array<float> column) 500,000 / nightshift noop (array<float> column) 1,000,000 "
            + "rows/s = **0.50** (goal ≥ 0.75; min runs: 400,000 / 800,000 = 0.50)",
        "- **not available** Nightshift noop ≥ the row-at-a-time UDF — medium: 'row-at-a-time UDF' did not run",
        "- **not available** Nightshift noop ≥ 3× SynapseML's best setting — medium: 'synapseml ONNXModel' did not run");
  }

  @Test
  void ocrNoopAgainstTheCeilingOnly() {
    List<Result> all = List.of(
        r(OcrCase.MODEL, "ceiling", 200, 2.0, 2.0, 2.5),          // 100 images/s
        r(OcrCase.MODEL, OcrCase.NOOP, 200, 2.5, 2.5, 2.5),       // 80 images/s: 0.80
        r(OcrCase.MODEL, OcrCase.PARQUET, 200, 2.6, 2.6, 2.6));

    List<String> lines = Verdicts.judge(all, List.of()).stream().map(Verdicts.Verdict::line).toList();

    assertThat(lines).filteredOn(l -> l.contains(OcrCase.MODEL)).containsExactly(
        "- **MISS** OCR, noop ≥ 0.85 of the ceiling (images/s, decode included) — ocr-rec: "
            + "nightshift noop (image files) 80.0 / ceiling 100 rows/s = **0.80** (goal ≥ 0.85; min runs: 80.0 / 80.0 = 1.00)");
  }

  @Test
  void textAgainstCeilingUdfAndSynapse() {
    List<Result> all = new ArrayList<>(List.of(
        r("minilm-fp32", "ceiling", 300, 1.0, 1.0, 1.0),
        r("minilm-fp32", Verdicts.TEXT_NOOP, 300, 1.0, 1.05, 1.1),     // 0.95 of the ceiling
        r("minilm-fp32", Verdicts.TEXT_PARQUET, 300, 1.2, 1.2, 1.2),  // 0.83
        r("minilm-fp32", Verdicts.ROW_UDF, 300, 1.0, 1.0, 1.0),        // faster than Nightshift
        r("minilm-fp32", SynapsePeer.NAME, 300, 3.0, 3.0, 3.0)));      // 2.86x

    List<Verdicts.Verdict> v = Verdicts.judge(all, List.of());

    assertThat(v).extracting(Verdicts.Verdict::status, Verdicts.Verdict::what).containsSubsequence(
        org.assertj.core.groups.Tuple.tuple("PASS", "text, noop ≥ 0.95 of the ceiling — minilm-fp32"),
        org.assertj.core.groups.Tuple.tuple("MISS", "text, Parquet sink ≥ 0.9 of the ceiling — minilm-fp32"),
        org.assertj.core.groups.Tuple.tuple("MISS", "Nightshift noop ≥ the row-at-a-time UDF — minilm-fp32"),
        org.assertj.core.groups.Tuple.tuple("MISS", "Nightshift noop ≥ 3× SynapseML's best setting — minilm-fp32"),
        org.assertj.core.groups.Tuple.tuple("not available", "planned partitions (§1), embeddings sample on local[2]"),
        org.assertj.core.groups.Tuple.tuple("not available", "int8-dynamic (§2)"));
  }

  @Test
  void balanceAndInt8ReadTheirFigures() {
    List<Result> all = List.of(
        r(BalanceCase.MODEL, BalanceCase.INPUT, 6046, 80, 84, 90),
        r(BalanceCase.MODEL, BalanceCase.AUTO, 6046, 60, 63, 70),   // 0.75 of input's wall time
        r("minilm-fp32", Verdicts.TEXT_NOOP, 300, 1.0, 1.0, 1.0),
        r("minilm-int8-dynamic", Verdicts.TEXT_NOOP, 300, 0.6, 0.6, 0.6)); // 1.67x
    List<Figure> figures = List.of(
        new Figure(BalanceCase.MODEL, BalanceCase.IDLE_SHARE, 0.04, "runs"),
        new Figure(BalanceCase.MODEL, BalanceCase.IDENTICAL, 1, "6,046 and 6,046 rows"),
        new Figure("minilm-int8-dynamic", Verdicts.COSINE_MEAN, 0.995, "mails"),
        new Figure("minilm-int8-dynamic", Verdicts.COSINE_MIN, 0.96, "mails"));

    List<String> lines = Verdicts.judge(all, figures).stream().map(Verdicts.Verdict::line).toList();

    assertThat(lines).contains(
        "- **PASS** planned partitions (§1), embeddings sample on local[2], auto wall time ≤ 0.8 of input: median "
            + "63.0 s against 84.0 s = **0.75** (goal ≤ 0.80; slowest runs 70.0 s against 90.0 s = 0.78)",
        "- **PASS** planned partitions (§1), embeddings sample on local[2], idle_share ≤ 0.1: **0.040** (goal ≤ 0.10; runs)",
        "- **PASS** planned partitions (§1), embeddings sample on local[2], outputs identical (auto and input): "
            + "**yes** (6,046 and 6,046 rows)",
        "- **MISS** int8-dynamic (§2) ≥ 1.8× the fp32 rows/s, Nightshift noop — minilm-int8-dynamic: 500 against "
            + "300 rows/s (the minilm-fp32 noop case, timed apart) = **1.67×** (goal ≥ 1.8×; min runs 1.67×)",
        "- **PASS** int8-dynamic, cosine to fp32 mean ≥ 0.99 — minilm-int8-dynamic: **0.9950** (goal ≥ 0.99; mails)",
        "- **MISS** int8-dynamic, cosine to fp32 min ≥ 0.97 — minilm-int8-dynamic: **0.9600** (goal ≥ 0.97; mails)",
        "- **not available** int8-dynamic, bit-identical alone, in 8 and in 64 — minilm-int8-dynamic: not measured");
  }

  @Test
  void int8SpeedPrefersTheFp32JobTimedInTurn() {
    List<Result> all = List.of(
        r("minilm-fp32", Verdicts.TEXT_NOOP, 300, 1.0, 1.0, 1.0),                  // 300 rows/s: 1.67x
        r("minilm-int8-dynamic", Verdicts.TEXT_NOOP, 300, 0.6, 0.6, 0.7),
        r("minilm-int8-dynamic", Verdicts.FP32_IN_TURN, 300, 1.2, 1.2, 1.3));      // 250 rows/s: 2.00x

    List<String> lines = Verdicts.judge(all, List.of()).stream().map(Verdicts.Verdict::line).toList();

    assertThat(lines).contains(
        "- **PASS** int8-dynamic (§2) ≥ 1.8× the fp32 rows/s, Nightshift noop — minilm-int8-dynamic: 500 against "
            + "250 rows/s (its fp32 model timed in turn) = **2.00×** (goal ≥ 1.8×; min runs 1.86×)");
  }
}
