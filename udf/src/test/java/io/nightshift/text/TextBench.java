package io.nightshift.text;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.nightshift.config.Enums;
import io.nightshift.config.Enums.EmptyTextPolicy;
import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.samples.Samples;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Sentences per second of all-MiniLM-L6-v2 (fp32 and int8) on the first {@code bench.rows}
 * paragraphs of the mail corpus (default 2,000; a word to several hundred tokens, max-length
 * {@code bench.max-length}, default 128), min and median
 * of {@code bench.runs} runs (default 3), for: a plain Java loop (2 caller threads x 1 ONNX
 * Runtime thread sharing one session, same tokenizer, same window sort and batch size), the job
 * on local[2] with bucketing, and without. Also the cosine of a row embedded alone vs inside its
 * batch (the int8 neighbour effect). Skipped unless {@code -Dbench=true}:
 *
 * <pre>
 * mvn -o -B -pl udf -am test -Dtest=TextBench -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class TextBench {
  static final int ROWS = Integer.getInteger("bench.rows", 2000);
  static final int RUNS = Integer.getInteger("bench.runs", 3);
  static final int MAX_LENGTH = Integer.getInteger("bench.max-length", 128);
  static final int BATCH = 32;
  static final int WINDOW_BATCHES = 8;

  @Test
  void sentencesPerSecond() throws Exception {
    TextTokenizer.useNativeDir(Files.createTempDirectory("text-bench-djl"));
    SparkSession spark = SparkSession.builder().master("local[2]").appName("text-bench")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    // Paragraphs of real mails: from a word to far over max-length, in corpus order.
    Dataset<Row> mails = spark.read().schema("id STRING, label STRING, text STRING")
        .json(Samples.mails().toString())
        .select(functions.col("id"), functions.explode(functions.split(functions.col("text"), "\n\\s*\n")).as("text"))
        .select(functions.col("id"), functions.trim(functions.col("text")).as("text"))
        .filter("length(text) > 0").limit(ROWS).repartition(2).cache();
    long n = mails.count();
    List<String> texts = mails.select("text").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    Path rejects = Files.createTempDirectory("text-bench-rejects");
    int[] lengths;
    try (TextTokenizer t = TextTokenizer.load(Files.readAllBytes(Samples.minilmFp32Tokenizer()), "fp32", 100_000, false)) {
      lengths = texts.stream().mapToInt(x -> t.encode(x).length()).sorted().toArray();
    }
    System.out.printf("TextBench: tokens per paragraph: median %d, p90 %d, max %d; %.1f%% over max-length%n",
        lengths[lengths.length / 2], lengths[lengths.length * 9 / 10], lengths[lengths.length - 1],
        100.0 * Arrays.stream(lengths).filter(l -> l > MAX_LENGTH).count() / lengths.length);
    System.out.printf("TextBench: %d mail paragraphs, max-length %d, batch %d, window %d batches, %d runs each%n",
        n, MAX_LENGTH, BATCH, WINDOW_BATCHES, RUNS);
    for (String precision : List.of("fp32", "int8")) {
      Path model = precision.equals("fp32") ? Samples.minilmFp32Model() : Samples.minilmInt8Model();
      Path tokenizerFile = precision.equals("fp32") ? Samples.minilmFp32Tokenizer() : Samples.minilmInt8Tokenizer();
      byte[] json = Files.readAllBytes(tokenizerFile);
      try (TextTokenizer tokenizer = TextTokenizer.load(json, tokenizerFile.toString(), MAX_LENGTH, true)) {
        PlainLoop plain = new PlainLoop(model, tokenizer);
        report(precision, "plain loop 2x1", times(() -> plain.run(texts)), n);
        report(precision, "job local[2] bucketing", times(() -> job(spark, mails, model, tokenizerFile, true, rejects)), n);
        report(precision, "job local[2] no bucketing", times(() -> job(spark, mails, model, tokenizerFile, false, rejects)), n);
        plain.neighbourEffect(texts.subList(0, Math.min(256, texts.size())), precision);
        plain.close();
      }
    }
  }

  interface Run {
    void run() throws Exception;
  }

  static double[] times(Run r) throws Exception {
    double[] s = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      r.run();
      s[i] = (System.nanoTime() - start) / 1e9;
    }
    return s;
  }

  static void report(String precision, String what, double[] seconds, long rows) {
    double[] rate = Arrays.stream(seconds).map(s -> rows / s).sorted().toArray();
    System.out.printf("TextBench %s %-28s min %7.1f  median %7.1f sentences/s  (runs: %s s)%n",
        precision, what, rate[0], rate[rate.length / 2], Arrays.toString(Arrays.stream(seconds)
            .map(s -> Math.round(s * 10) / 10.0).toArray()));
  }

  static void job(SparkSession spark, Dataset<Row> mails, Path model, Path tokenizer, boolean bucketing, Path rejects) {
    ModelSpec m = new ModelSpec(model.toString(), "", Enums.Device.CPU, 1, "gpu", false, 4,
        Enums.MultipleGpus.FAIL, io.nightshift.config.JobConfig.CudaOptions.DEFAULTS, "", false,
        Enums.ModelPrecision.FP32, 1024, Enums.Distribution.AUTO, 512L << 20, "",
        new io.nightshift.config.JobConfig.AccuracySpec(0, 0.99, 0.97, 0.99, 0.1), tokenizer.toString());
    TextSpec text = new TextSpec("text", "input_ids", "attention_mask", "token_type_ids", MAX_LENGTH, true,
        "text_truncated", EmptyTextPolicy.REJECT, "", bucketing, WINDOW_BATCHES);
    InferenceSpec inference = new InferenceSpec(BATCH, BATCH, List.of(),
        List.of(new OutputMapping("last_hidden_state", "embedding", PostStep.MEAN, 3, List.of(), Normalize.L2)),
        NonFinitePolicy.REJECT, text);
    Predictor p = Predictor.create(spark, m, inference);
    p.score(mails, ScoreOptions.of(List.of("id")).rejectingTo(rejects.toString()))
        .rows().write().format("noop").mode("overwrite").save();
  }

  /** Tokenizer + ONNX Runtime, nothing else: 2 threads sharing one 1-thread session. */
  static final class PlainLoop implements AutoCloseable {
    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final OrtSession session;
    final TextTokenizer tokenizer;

    PlainLoop(Path model, TextTokenizer tokenizer) throws Exception {
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      o.setIntraOpNumThreads(1);
      o.setInterOpNumThreads(1);
      o.addConfigEntry("session.intra_op.allow_spinning", "0");
      this.session = env.createSession(model.toString(), o);
      this.tokenizer = tokenizer;
    }

    void run(List<String> texts) throws Exception {
      int window = BATCH * WINDOW_BATCHES;
      AtomicInteger next = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      Exception[] failure = new Exception[1];
      for (int t = 0; t < 2; t++) {
        Thread th = new Thread(() -> {
          try {
            int start;
            while ((start = next.getAndAdd(window)) < texts.size()) {
              List<TextTokenizer.Tokens> tokens = new ArrayList<>();
              for (String s : texts.subList(start, Math.min(texts.size(), start + window))) {
                tokens.add(tokenizer.encode(s));
              }
              tokens.sort((a, b) -> Integer.compare(a.length(), b.length()));
              for (int b = 0; b < tokens.size(); b += BATCH) {
                embed(tokens.subList(b, Math.min(tokens.size(), b + BATCH)));
              }
            }
          } catch (Exception e) {
            failure[0] = e;
          }
        });
        th.start();
        threads.add(th);
      }
      for (Thread th : threads) {
        th.join();
      }
      if (failure[0] != null) {
        throw failure[0];
      }
    }

    /** Mean-pooled, L2-normalized embeddings of one batch, padded to its longest row. */
    float[][] embed(List<TextTokenizer.Tokens> batch) throws Exception {
      int rows = batch.size();
      int longest = batch.stream().mapToInt(TextTokenizer.Tokens::length).max().orElse(1);
      long[] ids = new long[rows * longest];
      long[] mask = new long[rows * longest];
      long[] types = new long[rows * longest];
      for (int r = 0; r < rows; r++) {
        long[] t = batch.get(r).ids();
        System.arraycopy(t, 0, ids, r * longest, t.length);
        Arrays.fill(mask, r * longest, r * longest + t.length, 1L);
      }
      long[] shape = {rows, longest};
      try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
          OnnxTensor b = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
          OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
          OrtSession.Result res = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
        FloatBuffer h = ((OnnxTensor) res.get("last_hidden_state").orElseThrow()).getFloatBuffer();
        int hidden = (int) (h.remaining() / (rows * longest));
        float[][] out = new float[rows][hidden];
        for (int r = 0; r < rows; r++) {
          Pooling.mean(h, r * longest * hidden, hidden, batch.get(r).length(), out[r]);
          Pooling.l2(out[r]);
        }
        return out;
      }
    }

    /** Cosine of each row embedded alone vs inside its sorted batch of 32: min and median. */
    void neighbourEffect(List<String> texts, String precision) throws Exception {
      List<TextTokenizer.Tokens> tokens = new ArrayList<>();
      for (String s : texts) {
        tokens.add(tokenizer.encode(s));
      }
      tokens.sort((a, b) -> Integer.compare(a.length(), b.length()));
      double[] cos = new double[tokens.size()];
      for (int b = 0; b < tokens.size(); b += BATCH) {
        List<TextTokenizer.Tokens> batch = tokens.subList(b, Math.min(tokens.size(), b + BATCH));
        float[][] together = embed(batch);
        for (int r = 0; r < batch.size(); r++) {
          float[] alone = embed(List.of(batch.get(r)))[0];
          double dot = 0;
          for (int j = 0; j < alone.length; j++) {
            dot += (double) alone[j] * together[r][j];
          }
          cos[b + r] = dot;
        }
      }
      Arrays.sort(cos);
      System.out.printf("TextBench %s alone vs in batch of %d (%d rows): cosine min %.6f, median %.6f%n",
          precision, BATCH, cos.length, cos[0], cos[cos.length / 2]);
    }

    @Override
    public void close() throws Exception {
      session.close();
    }
  }
}
