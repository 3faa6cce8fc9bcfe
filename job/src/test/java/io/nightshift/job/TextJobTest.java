package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.accuracy.AccuracyCheck;
import io.nightshift.arrow.Allocators;
import io.nightshift.samples.Samples;
import io.nightshift.text.TokenizerCache;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text job end to end on real Spark local[2] with the real all-MiniLM-L6-v2 and its
 * tokenizer: embeddings against a plain tokenizer + ONNX Runtime loop, the reference sentence
 * pair, truncation flags, bucketing and batch size not changing a row's embedding, and every bad
 * input (null/empty text under both policies, a non-string or missing column, a missing or broken
 * tokenizer).
 */
class TextJobTest {
  static final Path ROOT = Samples.root();
  static final String CONFIG = ROOT.resolve("conf/jobs/sample-embeddings.yaml").toString();
  static final int MAX_LENGTH = 128;
  static final String EAT_FOOD = "A man is eating food.";
  static final String EAT_BREAD = "A man is eating a piece of bread.";
  static final StructType SCHEMA =
      new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType);

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path texts;
  static Path fewTexts;
  static Map<Long, String> byId = new HashMap<>();

  /** 200 texts of mixed length cut from real mails (a few longer than max-length), in 3 partitions. */
  @BeforeAll
  static void data() throws Exception {
    spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(0L, EAT_FOOD));
    rows.add(RowFactory.create(1L, EAT_BREAD));
    try (BufferedReader in = Files.newBufferedReader(Samples.mails(), StandardCharsets.UTF_8)) {
      ObjectMapper json = new ObjectMapper();
      long id = 2;
      String line;
      while (id < 200 && (line = in.readLine()) != null) {
        String[] words = json.readTree(line).get("text").asText().trim().split("\\s+");
        // Lengths from 1 to ~60 words, and every 40th row whole (usually over max-length).
        int n = id % 40 == 0 ? words.length : 1 + (int) ((id * 37) % 60);
        String text = String.join(" ", Arrays.copyOf(words, Math.min(n, words.length)));
        if (!text.isBlank()) {
          rows.add(RowFactory.create(id, text));
          id++;
        }
      }
    }
    rows.forEach(r -> byId.put(r.getLong(0), r.getString(1)));
    texts = tmp.resolve("texts");
    spark.createDataFrame(rows, SCHEMA).repartition(3).write().parquet(texts.toString());
    fewTexts = tmp.resolve("few-texts");
    spark.createDataFrame(rows.subList(0, 60), SCHEMA).repartition(2).write().parquet(fewTexts.toString());
  }

  static String[] job(Path out, Path input, String... sets) {
    List<String> args = new ArrayList<>(List.of("run", "--config", CONFIG,
        "--set", "input.path=" + input,
        "--set", "input.format=parquet",
        "--set", "input.schema=",
        "--set", "output.path=" + out,
        "--set", "output.pass-through=[id]",
        "--set", "inference.batch-size=16",
        "--set", "inference.window-batches=4",
        "--set", "inference.max-length=" + MAX_LENGTH));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args.toArray(String[]::new);
  }

  /** Runs the job, expects success, returns id -> embedding. */
  static Map<Long, float[]> embed(Path out, Path input, String... sets) {
    assertThat(Nightshift.execute(job(out, input, sets))).isEqualTo(0);
    Map<Long, float[]> result = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).select("id", "embedding").collectAsList()) {
      List<Float> v = r.getList(1);
      float[] f = new float[v.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = v.get(i);
      }
      assertThat(result.put(r.getLong(0), f)).as("row %s written once", r.getLong(0)).isNull();
    }
    return result;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Test
  void embeddingsEqualAPlainTokenizerAndOnnxRuntimeLoop() throws Exception {
    Path out = tmp.resolve("out-plain");
    TokenizerCache.shared().clear();
    long tokenizersBefore = TokenizerCache.shared().tokenizersCreated();
    Map<Long, float[]> job = embed(out, texts);
    assertThat(job).hasSize(byId.size());
    assertThat(TokenizerCache.shared().tokenizersCreated() - tokenizersBefore)
        .as("one tokenizer in this JVM for 3 partitions").isEqualTo(1);

    // The plain loop: the same tokenizer.json, one row per ONNX Runtime call, mean-pool, normalize.
    Map<Long, float[]> plain = new HashMap<>();
    Map<Long, Boolean> longer = new HashMap<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, String> options = Map.of("padding", "false", "truncation", "false");
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(Samples.minilmFp32Tokenizer(), options);
        OrtSession session = env.createSession(Samples.minilmFp32Model().toString(), new OrtSession.SessionOptions())) {
      for (Map.Entry<Long, String> e : byId.entrySet()) {
        Encoding enc = tokenizer.encode(e.getValue());
        long[] ids = enc.getIds();
        longer.put(e.getKey(), ids.length > MAX_LENGTH);
        if (ids.length > MAX_LENGTH) {
          // Keep [CLS] and the first tokens, end with [SEP], as truncation does.
          long sep = ids[ids.length - 1];
          ids = Arrays.copyOf(ids, MAX_LENGTH);
          ids[MAX_LENGTH - 1] = sep;
        }
        plain.put(e.getKey(), plainEmbedding(env, session, ids));
      }
    }
    double worstCosine = 1;
    double worstDiff = 0;
    for (Map.Entry<Long, float[]> e : plain.entrySet()) {
      float[] got = job.get(e.getKey());
      assertThat(got).as("row %s", e.getKey()).hasSize(384);
      worstCosine = Math.min(worstCosine, AccuracyCheck.cosine(got, e.getValue()));
      worstDiff = Math.max(worstDiff, maxAbsDiff(got, e.getValue()));
    }
    assertThat(worstCosine).as("lowest per-row cosine job vs plain loop").isGreaterThanOrEqualTo(0.99999);
    assertThat(worstDiff).as("largest abs difference job vs plain loop").isLessThanOrEqualTo(1e-5);

    double pair = AccuracyCheck.cosine(job.get(0L), job.get(1L));
    assertThat(pair).as("cosine of the reference pair").isBetween(0.745, 0.765);

    // Truncated rows are flagged, kept, and only those.
    Map<Long, Boolean> flagged = new HashMap<>();
    spark.read().parquet(out.toString()).select("id", "text_truncated").collectAsList()
        .forEach(r -> flagged.put(r.getLong(0), r.getBoolean(1)));
    assertThat(flagged).isEqualTo(longer);
    assertThat(longer.values()).contains(true).contains(false);

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(manifest.at("/rows/read").asLong()).isEqualTo(byId.size());
    assertThat(manifest.at("/rows/written").asLong()).isEqualTo(byId.size());
    assertThat(manifest.at("/model/tokenizer_sha256").asText()).hasSize(64);
    assertThat(Allocators.root().getAllocatedMemory()).as("Arrow bytes outstanding").isZero();
  }

  static float[] plainEmbedding(OrtEnvironment env, OrtSession session, long[] ids) throws Exception {
    long[][] x = {ids};
    long[][] mask = {new long[ids.length]};
    Arrays.fill(mask[0], 1);
    long[][] types = {new long[ids.length]};
    try (OnnxTensor a = OnnxTensor.createTensor(env, x);
        OnnxTensor b = OnnxTensor.createTensor(env, mask);
        OnnxTensor c = OnnxTensor.createTensor(env, types);
        OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
      float[][] h = ((float[][][]) r.get("last_hidden_state").orElseThrow().getValue())[0];
      float[] mean = new float[h[0].length];
      for (float[] token : h) {
        for (int j = 0; j < mean.length; j++) {
          mean[j] += token[j] / h.length;
        }
      }
      double norm = 0;
      for (float v : mean) {
        norm += v * v;
      }
      for (int j = 0; j < mean.length; j++) {
        mean[j] /= (float) Math.sqrt(norm);
      }
      return mean;
    }
  }

  @Test
  void bucketingAndBatchSizeDoNotChangeARowsEmbedding() {
    Map<Long, float[]> reference = embed(tmp.resolve("out-b64"), texts, "inference.batch-size=64");
    List<Map<Long, float[]>> others = List.of(
        embed(tmp.resolve("out-b7"), texts, "inference.batch-size=7"),
        embed(tmp.resolve("out-nobucket"), texts, "inference.bucketing=false", "inference.batch-size=16"),
        embed(tmp.resolve("out-b1"), fewTexts, "inference.batch-size=1"));
    for (Map<Long, float[]> other : others) {
      assertThat(other).hasSizeGreaterThanOrEqualTo(60);
      assertThat(reference.keySet()).containsAll(other.keySet());
      double worst = 0;
      for (Map.Entry<Long, float[]> e : other.entrySet()) {
        worst = Math.max(worst, maxAbsDiff(e.getValue(), reference.get(e.getKey())));
      }
      assertThat(worst).as("largest abs difference between batchings").isLessThanOrEqualTo(1e-5);
    }
    assertThat(others.get(0)).hasSameSizeAs(reference);
    assertThat(others.get(1)).as("bucketing off: same rows").hasSameSizeAs(reference);
  }

  /** Rows with null, empty and blank text among good ones. */
  static Path withEmptyTexts() {
    Path p = tmp.resolve("with-empty");
    if (!Files.exists(p)) {
      List<Row> rows = new ArrayList<>();
      for (long id = 0; id < 40; id++) {
        String text = switch ((int) (id % 10)) {
          case 3 -> null;
          case 6 -> "";
          case 9 -> "   ";
          default -> byId.get(id);
        };
        rows.add(RowFactory.create(id, text));
      }
      spark.createDataFrame(rows, SCHEMA).repartition(2).write().parquet(p.toString());
    }
    return p;
  }

  @Test
  void emptyTextIsRejectedOrNullNeverLost() {
    Path input = withEmptyTexts();
    Path rejectOut = tmp.resolve("out-empty-reject");
    assertThat(Nightshift.execute(job(rejectOut, input, "inference.text.empty=reject",
        "output.max-rejected-ratio=0.5"))).isEqualTo(0);
    assertThat(spark.read().parquet(rejectOut.toString()).count()).isEqualTo(28);
    Dataset<Row> rejected = spark.read().parquet(rejectOut.resolve("_rejected").toString());
    assertThat(rejected.count()).isEqualTo(12);
    assertThat(rejected.select("reason_code").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("empty_text");
    assertThat(rejected.filter("reason like '%is null'").count()).isEqualTo(4);

    Path nullOut = tmp.resolve("out-empty-null");
    assertThat(Nightshift.execute(job(nullOut, input, "inference.text.empty=null"))).isEqualTo(0);
    Dataset<Row> all = spark.read().parquet(nullOut.toString());
    assertThat(all.count()).isEqualTo(40);
    assertThat(all.filter("embedding is null").count()).isEqualTo(12);
    assertThat(all.filter("embedding is null and text_reason = 'empty_text'").count()).isEqualTo(12);
    assertThat(all.filter("embedding is not null and text_reason is null and size(embedding) = 384").count())
        .isEqualTo(28);
    assertThat(nullOut.resolve("_rejected")).doesNotExist();
  }

  @Test
  void withoutTruncationLongRowsAreRejectedAndTokenVectorsCanBeKept() {
    Path out = tmp.resolve("out-tokens");
    assertThat(Nightshift.execute(job(out, texts, "inference.text.truncation=false",
        "inference.outputs.last_hidden_state.post=none", "inference.outputs.last_hidden_state.normalize=none",
        "inference.outputs.last_hidden_state.column=tokens", "output.max-rejected-ratio=0.1"))).isEqualTo(0);
    Dataset<Row> rejected = spark.read().parquet(out.resolve("_rejected").toString());
    assertThat(rejected.count()).isPositive();
    assertThat(rejected.select("reason_code").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("wrong_length");
    assertThat(rejected.first().getAs("reason").toString()).contains("inference.max-length is 128");
    Row eat = spark.read().parquet(out.toString()).filter("id = 0")
        .selectExpr("size(tokens)", "size(tokens[0])", "size(tokens[7])").first();
    // [CLS] a man is eating food . [SEP]: 8 token vectors of 384, none of the batch's padding.
    assertThat(List.of(eat.getInt(0), eat.getInt(1), eat.getInt(2))).containsExactly(8, 384, 384);
    assertThat(spark.read().parquet(out.toString()).count() + rejected.count()).isEqualTo(byId.size());
  }

  /** Runs a job expected to fail before anything is written; returns what it printed. */
  static String failing(Path out, String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    int code;
    try {
      code = Nightshift.execute(args);
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(out).doesNotExist();
    return err.toString();
  }

  @Test
  void badTextInputsFailBeforeTheRun() throws Exception {
    Path out = tmp.resolve("out-bad");
    assertThat(failing(out, job(out, texts, "inference.text.column=body")))
        .contains("inference.text.column").contains("column 'body' is not in the input");
    assertThat(failing(out, job(out, texts, "inference.text.column=id")))
        .contains("inference.text.column").contains("column 'id' is bigint").contains("must be a string column");
    assertThat(failing(out, job(out, texts, "model.tokenizer=" + tmp.resolve("no-tokenizer.json"))))
        .contains("tokenizer file not found").contains("no-tokenizer.json");
    Path broken = tmp.resolve("broken-tokenizer.json");
    Files.writeString(broken, "{\"version\": \"1.0\", \"model\": {\"type\": \"nonsense\"}}");
    assertThat(failing(out, job(out, texts, "model.tokenizer=" + broken)))
        .contains("broken-tokenizer.json").contains("not a valid Hugging Face tokenizer.json");
    assertThat(failing(out, job(out, texts, "inference.text.ids-input=tokens")))
        .contains("inference.text.ids-input").contains("has no input 'tokens'");
    assertThat(failing(out, job(out, texts, "inference.outputs.last_hidden_state.post=softmax")))
        .contains("inference.outputs.last_hidden_state.normalize").contains("not to softmax");
    assertThat(failing(out, job(out, texts, "inference.outputs.last_hidden_state.post=softmax",
        "inference.outputs.last_hidden_state.normalize=none")))
        .contains("inference.outputs.last_hidden_state.post").contains("needs a [batch, classes] output");
    assertThat(failing(out, job(out, texts, "inference.text.empty=maybe")))
        .contains("inference.text.empty").contains("'maybe'");
  }
}
