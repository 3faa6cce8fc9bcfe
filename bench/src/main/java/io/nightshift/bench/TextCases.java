package io.nightshift.bench;

import io.nightshift.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The text cases (all-MiniLM-L6-v2: fp32, langchain4j's int8, and int8-dynamic; bge-small-en-v1.5:
 * fp32 and int8-dynamic) over mail paragraphs ({@link TextData}):
 * ceiling (tokenizer + plain ONNX Runtime), Spark's bare scan, Nightshift text jobs (noop and
 * Parquet out), SynapseML over pre-tokenized array columns, and a row-at-a-time UDF. Every case
 * embeds with max-length 128; the batched ones use batches of 32 (the text jobs' CPU default).
 */
final class TextCases {
  static final int BATCH = 8;
  static final int MAX_LENGTH = 128;
  static final int WINDOW_BATCHES = 8;

  /**
   * A text model: label, ONNX file and its tokenizer.json; {@code fp32} is the fp32 model it was
   * made from (an int8-dynamic model: the reference of its cosine figures), else null.
   */
  record TextModel(String label, Path file, Path tokenizer, Path fp32) {
    TextModel(String label, Path file, Path tokenizer) {
      this(label, file, tokenizer, null);
    }
  }

  /**
   * Ceiling layouts: callers, intra-op threads, batch; the best is kept. Batch 8 is Nightshift's CPU
   * default for text, 1 and 32 are its neighbours. One caller x 2 intra-op threads lost to 2 x 1 by
   * 10-25% in the first runs, so it is not repeated.
   */
  private static final int[][] CEILING_LAYOUTS = {{2, 1, BATCH}, {2, 1, 1}, {2, 1, 32}};

  private TextCases() {}

  /** Whether {@code model}'s rows depend on the rows run with them ({@code ModelOptimizer#batchDependent}). */
  static boolean batchDependent(Path model) throws java.io.IOException {
    try (java.io.InputStream in = Files.newInputStream(model)) {
      return io.nightshift.model.optimize.ModelOptimizer.batchDependent(ai.onnx.proto.OnnxMl.ModelProto.parseFrom(in))
          .isPresent();
    }
  }

  private static String ceilingKey(int[] layout) {
    return "ceiling " + layout[0] + "x" + layout[1] + " batch " + layout[2];
  }

  /**
   * all-MiniLM-L6-v2 fp32 rewritten by {@code optimize --precision int8-dynamic} (written once under
   * the bench's work folder): the job runs it one row per call whatever batch-size says, since it
   * quantizes activations per call.
   */
  static TextModel dynamicInt8(Bench.Options o) {
    return dynamicInt8(o, "minilm-int8-dynamic", io.nightshift.samples.Samples.minilmFp32Model(),
        io.nightshift.samples.Samples.minilmFp32Tokenizer());
  }

  /** The int8-dynamic model files this JVM has written. */
  private static final java.util.Set<String> WRITTEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * {@code fp32} rewritten by {@code optimize --precision int8-dynamic} as {@code label} under the
   * bench's work folder, once per bench run and only when the model runs ({@link Bench#runs}): a
   * file left by an earlier build would hold the earlier quantizer's graph.
   */
  static TextModel dynamicInt8(Bench.Options o, String label, Path fp32, Path tokenizer) {
    Path out = o.work().resolve("models/" + label + ".onnx");
    if (Bench.runs(o, label) && WRITTEN.add(out.toAbsolutePath().toString())) {
      try {
        Files.deleteIfExists(out);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      new io.nightshift.model.optimize.ModelOptimizer().optimize(fp32,
          io.nightshift.model.optimize.Precision.INT8_DYNAMIC, out);
    }
    return new TextModel(label, out, tokenizer, fp32);
  }

  /**
   * Paragraphs per timed case of model {@code label} (the same for both models today). Enough that
   * a job's fixed cost (checks, reading, hashing and broadcasting model and tokenizer, planning:
   * about 0.7 s for fp32) is under a tenth of a run.
   */
  static long rows(Bench.Options o, String label) {
    return switch (o.mode()) {
      case "full" -> 2_000;
      case "quick" -> 256;
      default -> 64;
    };
  }

  /** Paragraphs for SynapseML's batch-size probe. */
  static long probeRows(Bench.Options o) {
    return switch (o.mode()) {
      case "full" -> 256;
      case "quick" -> 128;
      default -> 32;
    };
  }

  /** The paragraphs' token counts (before truncation): median, p90, max, share over max-length. */
  private static String describe(List<String> texts, long rows, byte[] tokenizerJson) {
    int[] n;
    try (TextTokenizer t = TextTokenizer.load(tokenizerJson, "untruncated", 1 << 20, false)) {
      n = texts.stream().mapToInt(x -> t.encode(x).length()).sorted().toArray();
    }
    long over = java.util.Arrays.stream(n).filter(x -> x > MAX_LENGTH).count();
    return String.format("the first %,d mail paragraphs of the corpus, tokens per paragraph median %d, p90 %d, max %,d; "
        + "%.1f%% cut to max-length %d", rows, n[n.length / 2], n[n.length * 9 / 10], n[n.length - 1],
        100.0 * over / n.length, MAX_LENGTH);
  }

  /**
   * Runs every case of {@code m}. {@code figures} is where a case adds numbers that are not rates
   * (the int8-dynamic case: {@link Verdicts#COSINE_MEAN}, {@link Verdicts#COSINE_MIN} and {@link
   * Verdicts#BIT_IDENTICAL} under its label {@code <name>-int8-dynamic}); {@link Verdicts} reads them.
   */
  static List<Result> run(SparkSession spark, Bench.Options o, TextModel m, List<Figure> figures) throws Exception {
    List<Result> out = new ArrayList<>();
    long rows = rows(o, m.label());
    Path data = TextData.ensure(spark, o.dataRoot(), rows);
    Path probe = TextData.ensure(spark, o.dataRoot(), probeRows(o));
    // Every case but SynapseML (its own JVM) timed in turn, round after round (Rounds).
    List<String> texts = TextData.texts(spark, data);
    String input;
    byte[] json = Files.readAllBytes(m.tokenizer());
    Result rowUdf;
    try (TextTokenizer tokenizer = TextTokenizer.load(json, m.tokenizer().toString(), MAX_LENGTH, true);
        Rounds rounds = new Rounds()) {
      input = describe(texts, rows, json);
      Bench.log("%s input: %s", m.label(), input);
      // 1. Ceiling: tokenizer + plain ONNX Runtime on texts in memory, best of the layouts.
      TextCeiling ceiling = new TextCeiling(texts, tokenizer, WINDOW_BATCHES);
      // A model whose rows depend on their batch (per-call activation scales) runs one row per
      // call in the job; its ceiling does the same work, so it runs at batch 1 only.
      int[][] layouts = batchDependent(m.file()) ? new int[][] {{2, 1, 1}} : CEILING_LAYOUTS;
      for (int[] layout : layouts) {
        // The model's first case also warms the JVM (JIT of the tokenizer and pooling paths): one more pass.
        rounds.add(ceilingKey(layout), layout == layouts[0] ? 1 : 0,
            ceiling.pass(rounds.closeLater(Ceiling.session(m.file(), layout[1])), layout[0], layout[2]));
      }
      // Spark alone: the same Parquet into the noop sink.
      rounds.add("scan", () -> spark.read().parquet(data.toString()).write().format("noop").mode("overwrite").save());
      // 2. Nightshift text jobs.
      Map<String, Integer> jobs = new LinkedHashMap<>();
      for (int[] job : new int[][] {{0, BATCH}, {0, 32}, {1, BATCH}}) {
        boolean parquet = job[0] == 1;
        int batch = job[1];
        Path file = NightshiftJob.writeText(o, m, data, parquet, batch);
        String name = "nightshift " + (parquet ? "parquet" : "noop") + " (text column"
            + (batch == BATCH ? "" : ", batch " + batch) + ")";
        rounds.add(name, () -> Bench.runJob(file));
        jobs.put(name, batch);
      }
      if (m.fp32() != null) {
        // §2 compares int8-dynamic with fp32: the fp32 job in the same rounds, so drift cancels.
        TextModel fp32 = new TextModel(m.label() + "-fp32-in-turn", m.fp32(), m.tokenizer());
        Path file = NightshiftJob.writeText(o, fp32, data, false, BATCH);
        rounds.add(Verdicts.FP32_IN_TURN, () -> Bench.runJob(file));
      }
      // 4. Row at a time: tokenizer + session on one row per call, in a plain Java UDF.
      String udf = "row_embed_" + m.label().replace('-', '_');
      spark.udf().register(udf, new TextRowUdf(m.file(), m.tokenizer(), MAX_LENGTH),
          DataTypes.createArrayType(DataTypes.FloatType));
      rounds.add(Verdicts.ROW_UDF, () -> spark.read().parquet(data.toString())
          .selectExpr("id", udf + "(text) AS embedding")
          .write().format("noop").mode("overwrite").save());

      Map<String, Result.Timing> t = rounds.run(o.warmups(), o.runs());
      Result best = null;
      List<String> tried = new ArrayList<>();
      for (int[] layout : layouts) {
        String what = layout[0] + " callers x " + layout[1] + " intra-op thread, batch " + layout[2];
        Result r = Result.of(m.label(), "ceiling", texts.size(), t.get(ceilingKey(layout)), what);
        Bench.log("%s ceiling [%s]: median %,.1f rows/s", m.label(), what, r.medianRate());
        tried.add(String.format("%s: %,.1f rows/s", what, r.medianRate()));
        if (best == null || r.medianRate() > best.medianRate()) {
          best = r;
        }
      }
      out.add(new Result(best.model(), best.name(), best.rows(), best.nanos(), best.cpuNanos(), best.note()
          + "; tokenize, sort each window by length, batches padded to their longest row, mean pooling + L2; "
          + input + " (medians tried: " + String.join("; ", tried) + ")"));
      out.add(Result.of(m.label(), "spark scan only, no model (reference)", rows, t.get("scan"),
          "the paragraphs' Parquet into the noop sink on local[2], no inference"));
      for (Map.Entry<String, Integer> job : jobs.entrySet()) {
        Result r = Result.of(m.label(), job.getKey(), rows, t.get(job.getKey()), "tokenized on the executors, bucketing"
            + " on (windows of " + WINDOW_BATCHES + " batches), batch-size " + job.getValue() + ", mean + l2, local[2];"
            + " a whole `Nightshift.execute(run --config ...)` per run; " + input);
        Bench.log("%s %s: median %,.1f rows/s", m.label(), job.getKey(), r.medianRate());
        out.add(r);
      }
      if (m.fp32() != null) {
        Result r = Result.of(m.label(), Verdicts.FP32_IN_TURN, rows, t.get(Verdicts.FP32_IN_TURN),
            "the fp32 model " + m.fp32().getFileName() + " as the noop job above, batch-size " + BATCH
                + ", timed in the same rounds as this model's cases; " + input);
        Bench.log("%s %s: median %,.1f rows/s", m.label(), r.name(), r.medianRate());
        out.add(r);
      }
      rowUdf = Result.of(m.label(), Verdicts.ROW_UDF, rows, t.get(Verdicts.ROW_UDF),
          "tokenize + one session.run per row (1 intra-op thread), mean + l2, no padding at all; " + input);
      Bench.log("%s %s: median %,.1f rows/s", m.label(), rowUdf.name(), rowUdf.medianRate());
    }
    if (m.label().endsWith(Verdicts.INT8_DYNAMIC)) {
      // Untimed: the accuracy and determinism of the job's own output (§2), from the Parquet job above.
      figures.addAll(Int8Figures.measure(spark, o, m, data));
    }

    // 3. SynapseML over the same rows, tokenized and padded beforehand (outside the timing).
    Path tokens = TextData.tokens(spark, data, m.label(), m.tokenizer(), MAX_LENGTH);
    Path tokensProbe = TextData.tokens(spark, probe, m.label(), m.tokenizer(), MAX_LENGTH);
    List<String> feeds = List.of("input_ids", "attention_mask", "token_type_ids");
    out.add(SynapsePeer.run(o, m.label(), m.file(), tokens, tokensProbe, feeds, feeds, "last_hidden_state",
        "8,32,128", "it cannot tokenize: the rows were tokenized and padded to " + MAX_LENGTH + " outside the timing "
            + "(a batch needs one shape), array<bigint> columns input_ids/attention_mask/token_type_ids; it "
            + "fetches last_hidden_state per row and does no pooling (less work than the other cases); the "
            + "model as is (IR 6 / opset 11)"));

    out.add(rowUdf);
    return out;
  }
}
