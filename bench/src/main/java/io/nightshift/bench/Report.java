package io.nightshift.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The table (printed and as report.md) and the bar chart (chart.png) of one harness run. */
final class Report {
  private Report() {}

  static void write(Bench.Options o, List<Result> all, List<Figure> figures, String loadBefore, String loadAfter,
      long seconds) throws IOException {
    String table = table(all);
    String verdicts = verdicts(all, figures);
    System.out.println();
    System.out.println(table);
    System.out.println(verdicts);
    Files.createDirectories(o.resultsDir());
    Path chart = o.resultsDir().resolve("chart.png");
    charts(all, o.resultsDir());
    StringBuilder md = new StringBuilder();
    md.append("# Nightshift benchmark, ").append(o.resultsDir().getFileName()).append("\n\n");
    md.append("Made by `bench/run.sh").append(o.mode().equals("full") ? "" : " --" + o.mode())
        .append("` at ").append(Instant.now()).append(" in ").append(seconds).append(" s.\n\n");
    md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.version")).append(", Spark local[2]. ")
        .append("Load average (1/5/15 min, running/total) before: `").append(loadBefore)
        .append("`, after: `").append(loadAfter).append("`.\n");
    md.append(String.format("- Rows: MLPs %,d per case (row-at-a-time UDF and SynapseML's batch-size probe: %,d); "
        + "MiniLM int8 %,d and fp32 %,d mail paragraphs per case (SynapseML's probe: %,d); "
        + "OCR %,d line images per case (its rates are images/s). ",
        o.rows(), o.probeRows(), TextCases.rows(o, "minilm-int8"), TextCases.rows(o, "minilm-fp32"),
        TextCases.probeRows(o), OcrCase.images(o)));
    md.append(o.warmups()).append(" warm-up run(s), then ").append(o.runs())
        .append(" timed runs; rows/s of the slowest (min) and of the median run.\n");
    md.append("- Ratios compare medians. Ceiling = plain ONNX Runtime over the same rows in memory; "
        + "SynapseML = its ONNXModel on the same Parquet, local[2], noop sink.\n");
    md.append("- rows per CPU-s: rows over the CPU time the whole JVM used during the run (all threads, "
        + "ONNX Runtime's too). The machine is shared, so wall-clock rates swing with others' load; CPU "
        + "time barely does. It measures efficiency, not speed on 2 idle cores.\n\n");
    md.append("- scan+model bound = `1/(1/scan + 1/ceiling)` of the model's medians (scan: Spark reading the same "
        + "rows into noop, no model; of the same layout for the float-column cases): on 2 shared cores scan and "
        + "model take turns, so no Spark-based scorer beats it. vs bound = the case's median over it.\n\n");
    md.append(table).append("\n").append(verdicts);
    md.append("\n![tabular MLPs](chart.png)\n\n![MiniLM](chart-minilm.png)\n\n");
    md.append("## Notes per case\n\n");
    for (Result r : all) {
      md.append("- **").append(r.model()).append(" / ").append(r.name()).append("**: ").append(r.note()).append('\n');
    }
    Files.writeString(o.resultsDir().resolve("report.md"), md.toString());
    Bench.log("report: %s, chart: %s", o.resultsDir().resolve("report.md"), chart);
  }

  static String table(List<Result> all) {
    StringBuilder t = new StringBuilder();
    t.append("| model | case | rows/s min | rows/s median | vs ceiling | vs SynapseML | rows per CPU-s | CPU vs ceiling "
        + "| scan+model bound rows/s | vs bound |\n");
    t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : all) {
      Result ceiling = find(all, r.model(), "ceiling");
      Result synapse = find(all, r.model(), SynapsePeer.NAME);
      t.append("| ").append(r.model()).append(" | ").append(r.name()).append(" | ");
      if (!r.ran()) {
        t.append("– | – | – | – | – | – | – | – |\n");
        continue;
      }
      t.append(String.format("%,.0f | %,.0f | ", r.minRate(), r.medianRate()));
      t.append(ceiling == null ? "–" : String.format("%.2f", r.medianRate() / ceiling.medianRate())).append(" | ");
      t.append(synapse == null ? "–" : String.format("%.1f×", r.medianRate() / synapse.medianRate())).append(" | ");
      t.append(String.format("%,.0f | ", r.medianCpuRate()));
      t.append(ceiling == null ? "–" : String.format("%.2f", r.medianCpuRate() / ceiling.medianCpuRate())).append(" | ");
      double bound = Verdicts.bound(all, r.model(), r.name());
      boolean nightshift = r.name().startsWith("nightshift");
      t.append(Double.isNaN(bound) ? "–" : String.format("%,.0f", bound)).append(" | ");
      t.append(Double.isNaN(bound) || !nightshift ? "–" : String.format("%.2f", r.medianRate() / bound)).append(" |\n");
    }
    return t.toString();
  }

  /** The verdict per goal of issue 14, from this run's numbers (see {@link Verdicts}). */
  static String verdicts(List<Result> all, List<Figure> figures) {
    StringBuilder v = new StringBuilder("## Verdicts (issue 14 goals, medians of this run)\n\n");
    for (Verdicts.Verdict verdict : Verdicts.judge(all, figures)) {
      v.append(verdict.line()).append('\n');
    }
    if (!figures.isEmpty()) {
      v.append("\nOther figures of this run:\n\n");
      for (Figure f : figures) {
        v.append("- ").append(f.model()).append(" / ").append(f.name()).append(": ")
            .append(Double.isNaN(f.value()) ? "–" : String.format("%.4f", f.value())).append(" (").append(f.note())
            .append(")\n");
      }
    }
    return v.toString();
  }

  private static Result find(List<Result> all, String model, String name) {
    for (Result r : all) {
      if (r.model().equals(model) && r.name().equals(name) && r.ran()) {
        return r;
      }
    }
    return null;
  }

  /**
   * Draws the charts of {@code dir} again from the table in its {@code report.md} (medians only),
   * e.g. after a change to the charts: {@code Bench --redraw DIR}.
   */
  static void redraw(Path dir) throws IOException {
    List<Result> all = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("report.md"))) {
      String[] c = line.split("\\|");
      if (c.length < 9 || !line.startsWith("| ") || line.startsWith("| model") || c[4].trim().equals("–")) {
        continue;
      }
      long median = Math.round(Double.parseDouble(c[4].trim().replace(",", "")));
      // One second per run: the median rate is the row count.
      all.add(new Result(c[1].trim(), c[2].trim(), median, new long[] {1_000_000_000L},
          new long[] {1_000_000_000L}, "redrawn from report.md"));
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no result rows in " + dir.resolve("report.md"));
    }
    charts(all, dir);
  }

  private static void charts(List<Result> all, Path dir) throws IOException {
    chart(all.stream().filter(r -> !isText(r) && !r.model().equals(BalanceCase.MODEL)
        && !r.model().equals(OcrCase.MODEL)).toList(),
        dir.resolve("chart.png"), "tabular MLPs", " MLP", true);
    // Linear: the text cases are within 10x of each other; the bare scan (no model) would dwarf them.
    chart(all.stream().filter(r -> isText(r) && !r.name().startsWith("spark scan")).toList(),
        dir.resolve("chart-minilm.png"), "text models over mail paragraphs", "", false);
  }

  static boolean isText(Result r) {
    return isText(r.model());
  }

  /** Text models: MiniLM and bge-small, in any precision. */
  static boolean isText(String model) {
    return model.startsWith("minilm") || model.startsWith("bge");
  }

  /** Median rows/s per case (x) and model (series), log scale; nothing when no case ran. */
  static void chart(List<Result> all, Path png, String what, String seriesSuffix, boolean log) throws IOException {
    if (all.stream().noneMatch(Result::ran)) {
      return;
    }
    Set<String> cases = new LinkedHashSet<>();
    Map<String, Map<String, Double>> byModel = new LinkedHashMap<>();
    for (Result r : all) {
      if (r.ran()) {
        // "32 float columns" and "64 float columns" are one case across the two MLPs.
        String name = r.name().replaceAll("\\d+ float columns", "float columns");
        cases.add(name);
        byModel.computeIfAbsent(r.model(), k -> new LinkedHashMap<>()).put(name, r.medianRate());
      }
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1200)
            .height(700)
            .title(what + ": rows/s (median of timed runs), higher is better")
            .xAxisTitle("case")
            .yAxisTitle(log ? "rows/s (log scale)" : "rows/s")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    if (log) {
      chart.getStyler().setYAxisLogarithmic(true);
      double min = byModel.values().stream().flatMap(v -> v.values().stream()).min(Double::compare).orElse(1.0);
      double max = byModel.values().stream().flatMap(v -> v.values().stream()).max(Double::compare).orElse(10.0);
      // Bars start at the axis minimum: a decade below the smallest value keeps every bar visible.
      chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min)) - 1));
      chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max))));
    }
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
    chart.getStyler().setLabelsRotation(90);
    chart.getStyler().setDecimalPattern("#,###");
    // A log axis takes no empty bars: chart the cases that ran for every model (the table has all).
    List<String> x = new ArrayList<>();
    for (String c : cases) {
      if (byModel.values().stream().allMatch(v -> v.containsKey(c))) {
        x.add(c);
      }
    }
    for (var e : byModel.entrySet()) {
      List<Double> y = new ArrayList<>();
      for (String c : x) {
        y.add(e.getValue().get(c));
      }
      chart.addSeries(e.getKey() + seriesSuffix, shortNames(x), y);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static List<String> shortNames(List<String> cases) {
    List<String> s = new ArrayList<>();
    for (String c : cases) {
      s.add(c.replace("array<float> column", "array").replace(" float columns", " cols")
          .replace(" (text column)", "").replace(" (text column, ", " (").replace("synapseml ONNXModel", "SynapseML"));
    }
    return s;
  }
}
