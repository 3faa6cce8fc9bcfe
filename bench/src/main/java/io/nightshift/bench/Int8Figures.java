package io.nightshift.bench;

import io.nightshift.bench.TextCases.TextModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The int8-dynamic figures of issue 14 §2, measured on Nightshift's own Parquet output ({@code id},
 * {@code embedding} as {@code array<float>}) over the case's paragraphs: the cosine of every row to
 * the fp32 model's output ({@link Verdicts#COSINE_MEAN}, {@link Verdicts#COSINE_MIN}), and whether
 * every row is bit for bit the same at batch-size 1, 8 and 64 ({@link Verdicts#BIT_IDENTICAL}).
 * Outputs are joined on {@code id} in plain Java (a few thousand rows of 384 floats). Not
 * thread-safe (not shared).
 */
final class Int8Figures {
  /** The batch sizes whose outputs must be identical: a row alone, in 8 and in 64. */
  static final int[] BATCHES = {1, TextCases.BATCH, 64};

  /**
   * Per-row cosines of two outputs joined on {@code id}.
   *
   * @param mean mean over the joined rows (NaN when none)
   * @param min the smallest (NaN when none)
   * @param rows rows in both outputs, with an embedding in both
   * @param unmatched rows in only one of them (or without an embedding in one)
   */
  record Cosines(double mean, double min, long rows, long unmatched) {}

  /**
   * Bitwise comparison of several outputs joined on {@code id}.
   *
   * @param rows ids in any of the outputs
   * @param differ ids missing from one of them, or whose embeddings differ in any bit
   */
  record Identity(long rows, long differ) {
    boolean identical() {
      return rows > 0 && differ == 0;
    }
  }

  private Int8Figures() {}

  /**
   * Runs, untimed, the Parquet job of {@code m} (an int8-dynamic model) at batch-size 1 and 64 and
   * of its fp32 model at batch-size {@value TextCases#BATCH} over {@code data}, and returns the three
   * figures under {@code m}'s label. Call it after {@link TextCases#run}'s timed Parquet case of
   * {@code m}: its output is the batch-{@value TextCases#BATCH} one.
   *
   * @throws IllegalStateException when {@code m} has no fp32 model, or an output repeats an id
   */
  static List<Figure> measure(SparkSession spark, Bench.Options o, TextModel m, Path data) {
    if (m.fp32() == null) {
      throw new IllegalStateException("int8-dynamic model " + m.label() + " names no fp32 model to compare with");
    }
    long start = System.nanoTime();
    String family = m.label().substring(0, m.label().length() - Verdicts.INT8_DYNAMIC.length());
    // Its own label, so its output folder is not the fp32 case's.
    TextModel fp32 = new TextModel(family + "-fp32-reference", m.fp32(), m.tokenizer());
    Bench.runJob(NightshiftJob.writeText(o, fp32, data, true, TextCases.BATCH));
    List<Path> outputs = new ArrayList<>();
    for (int batch : BATCHES) {
      // Batch 8 is the timed Parquet case's output, written just before with the same job file.
      if (batch != TextCases.BATCH) {
        Bench.runJob(NightshiftJob.writeText(o, m, data, true, batch));
      }
      outputs.add(NightshiftJob.textOutput(o, m, true, batch));
    }
    Cosines c = cosines(spark, NightshiftJob.textOutput(o, fp32, true, TextCases.BATCH),
        NightshiftJob.textOutput(o, m, true, TextCases.BATCH));
    Identity id = identical(spark, outputs);

    String jobs = String.format("%,d paragraphs; Nightshift parquet jobs, fp32 vs int8-dynamic, batch-size %d",
        c.rows(), TextCases.BATCH) + (c.unmatched() == 0 ? "" : String.format("; %,d rows in only one", c.unmatched()));
    String same = String.format("%,d rows compared across Nightshift parquet jobs at batch-size 1, %d and 64; %,d differ",
        id.rows(), TextCases.BATCH, id.differ());
    Bench.log("%s cosine to fp32: mean %.5f, min %.5f (%s); bit-identical %s (%s) in %.1f s", m.label(), c.mean(),
        c.min(), jobs, id.identical() ? "yes" : "no", same, (System.nanoTime() - start) / 1e9);
    return List.of(
        new Figure(m.label(), Verdicts.COSINE_MEAN, c.mean(), jobs),
        new Figure(m.label(), Verdicts.COSINE_MIN, c.min(), jobs),
        new Figure(m.label(), Verdicts.BIT_IDENTICAL, id.identical() ? 1 : 0, same));
  }

  /** Cosine of every row of {@code other} to the same {@code id} in {@code reference}. */
  static Cosines cosines(SparkSession spark, Path reference, Path other) {
    Map<String, float[]> a = embeddings(spark, reference);
    Map<String, float[]> b = embeddings(spark, other);
    double sum = 0;
    double min = Double.NaN;
    long rows = 0;
    for (Map.Entry<String, float[]> e : a.entrySet()) {
      float[] y = b.get(e.getKey());
      if (y == null) {
        continue;
      }
      double c = io.nightshift.accuracy.AccuracyCheck.cosine(e.getValue(), y);
      sum += c;
      min = rows == 0 ? c : Math.min(min, c);
      rows++;
    }
    long unmatched = a.size() + b.size() - 2 * rows;
    return new Cosines(rows == 0 ? Double.NaN : sum / rows, min, rows, unmatched);
  }

  /** Whether every id of {@code outputs} has, in all of them, embeddings equal bit for bit. */
  static Identity identical(SparkSession spark, List<Path> outputs) {
    List<Map<String, float[]>> all = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (Path p : outputs) {
      Map<String, float[]> e = embeddings(spark, p);
      all.add(e);
      ids.addAll(e.keySet());
    }
    long differ = 0;
    for (String id : ids) {
      float[] first = all.get(0).get(id);
      for (Map<String, float[]> e : all) {
        if (!sameBits(first, e.get(id))) {
          differ++;
          break;
        }
      }
    }
    return new Identity(ids.size(), differ);
  }

  private static boolean sameBits(float[] a, float[] b) {
    if (a == null || b == null || a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return false;
      }
    }
    return true;
  }

  /** {@code id} → {@code embedding} of a job's Parquet output; rows without an embedding are left out. */
  private static Map<String, float[]> embeddings(SparkSession spark, Path dir) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r : spark.read().parquet(dir.toString()).select("id", "embedding").collectAsList()) {
      if (r.isNullAt(1)) {
        continue;
      }
      List<Float> list = r.getList(1);
      float[] v = new float[list.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = list.get(i);
      }
      if (out.put(r.getString(0), v) != null) {
        throw new IllegalStateException("id " + r.getString(0) + " appears twice in " + dir);
      }
    }
    return out;
  }
}
