package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.image.DecodeOutcome;
import io.nightshift.image.DecodedImage;
import io.nightshift.image.ImageDecoder;
import io.nightshift.image.ImageTensorSpec;
import io.nightshift.result.CtcDecoder;
import io.nightshift.samples.HandMadePngs;
import io.nightshift.samples.Samples;
import io.nightshift.samples.ocr.Cer;
import io.nightshift.samples.ocr.Truth;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image jobs end to end (local[2], the real PaddleOCR models, the 40 rendered sample lines):
 * {@code conf/jobs/sample-ocr.yaml} equals a plain ONNX Runtime loop at batch 1, bad files are
 * quarantined per row with their reasons and the books balance, the orientation classifier finds
 * the turned lines, and a binary column of a table works as well as files.
 */
class ImageJobTest {
  private static final Path ROOT = Samples.root();
  private static final String OCR = ROOT.resolve("conf/jobs/sample-ocr.yaml").toString();
  private static final String CLS = ROOT.resolve("conf/jobs/sample-ocr-cls.yaml").toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Path images;
  /** file name -> its line in truth.csv. */
  private static final Map<String, Truth.Line> truth = new HashMap<>();

  @BeforeAll
  static void files() throws Exception {
    spark = SparkTestSession.get();
    images = Files.createDirectories(tmp.resolve("images"));
    Path lines = Samples.ocrLinesTruth().getParent();
    for (Truth.Line t : Truth.lines(Samples.ocrLinesTruth())) {
      truth.put(t.path(), t);
      Files.copy(lines.resolve(t.path()), images.resolve(t.path()));
    }
    assertThat(truth).hasSize(40);
  }

  /** The bad files of every kind, beside the 40 lines. */
  private static Path withBadFiles() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("with-bad"));
    try (var files = Files.list(images)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    byte[] jpeg = Files.readAllBytes(images.resolve("line-03.jpg"));
    Files.write(dir.resolve("bad-empty.png"), new byte[0]);
    Files.write(dir.resolve("bad-cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.writeString(dir.resolve("bad-notes.png"), "not an image at all", StandardCharsets.UTF_8);
    Files.write(dir.resolve("bad-bomb.png"), HandMadePngs.header(30_000, 30_000));
    Files.write(dir.resolve("bad-huge.png"), new byte[3 << 20]);
    Files.write(dir.resolve(".hidden.png"), new byte[0]); // not listed, as Spark skips it
    return dir;
  }

  /**
   * The recognition job over the 40 lines and 5 bad files: every line is read as the plain loop
   * reads it (the same text, confidences within 1e-5), every bad file is quarantined with its
   * reason, and read = written + rejected. CER, measured: the plain loop's over the raw lines
   * (the 8 turned ones unturned, so read as nonsense).
   */
  @Test
  void recognitionEqualsThePlainLoopAndBadFilesAreQuarantinedWithTheirReasons() throws Exception {
    Path out = tmp.resolve("out-ocr");
    assertThat(Nightshift.execute(new String[] {"run", "--config", OCR,
        "--set", "input.path=" + withBadFiles(),
        "--set", "output.path=" + out,
        "--set", "inference.image.max-bytes=2m",
        "--set", "output.max-rejected-ratio=0.2"})).isEqualTo(0);

    Map<String, Row> byFile = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).select("path", "modificationTime", "text", "text_confidence")
        .collectAsList()) {
      assertThat(r.getTimestamp(1)).isNotNull();
      assertThat(byFile.put(name(r.getString(0)), r)).isNull();
    }
    assertThat(byFile.keySet()).containsExactlyInAnyOrderElementsOf(truth.keySet());

    Map<String, String> reasons = new HashMap<>();
    Map<String, String> details = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("_rejected").toString())
        .select("reason_code", "reason", "input_json").collectAsList()) {
      String file = name(JSON.readTree(r.getString(2)).get("path").asText());
      reasons.put(file, r.getString(0));
      details.put(file, r.getString(1));
    }
    assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bad-empty.png", "image_empty",
        "bad-cut.jpg", "image_truncated",
        "bad-notes.png", "image_undecodable",
        "bad-bomb.png", "image_too_large",
        "bad-huge.png", "image_too_large"));
    assertThat(details.get("bad-huge.png"))
        .endsWith("bad-huge.png is 3145728 bytes, above inference.image.max-bytes (2097152)");
    assertThat(details.get("bad-bomb.png")).contains("30000").contains("30000");

    JsonNode m = JSON.readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(m.at("/rows/read").asLong()).isEqualTo(45);
    assertThat(m.at("/rows/written").asLong()).isEqualTo(40);
    assertThat(m.at("/rows/quarantined").asLong()).isEqualTo(5);
    assertThat(m.at("/rows/rejected_by_reason/image_too_large").asLong()).isEqualTo(2);

    // The plain loop: decode, the same preprocessing, the model at batch 1, greedy CTC.
    CtcDecoder ctc = CtcDecoder.paddle(Samples.ocrKeys());
    ImageTensorSpec spec = ImageTensorSpec.paddleRecognition(3200);
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Cer job = new Cer();
    Cer loop = new Cer();
    float worst = 0;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession rec = env.createSession(Samples.ocrRecModel().toString(), options)) {
        for (Map.Entry<String, Truth.Line> e : truth.entrySet()) {
          DecodeOutcome outcome = decoder.decode(Files.readAllBytes(images.resolve(e.getKey())));
          DecodedImage image = outcome.image();
          int width = spec.tensorWidth(image);
          float[] input = new float[spec.rowSize(width)];
          spec.write(image, width, input, 0);
          CtcDecoder.Decoded plain;
          try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, 3, 48, width});
              OrtSession.Result result = rec.run(Map.of("x", x))) {
            FloatBuffer probs = ((OnnxTensor) result.get(0)).getFloatBuffer();
            plain = ctc.decode(probs, 0, probs.remaining() / ctc.classes());
          }
          Row row = byFile.get(e.getKey());
          assertThat(row.getString(2)).as(e.getKey()).isEqualTo(plain.text());
          float diff = Math.abs(row.getFloat(3) - plain.confidence());
          assertThat(diff).as(e.getKey()).isLessThanOrEqualTo(1e-5f);
          worst = Math.max(worst, diff);
          job.add(e.getValue().text(), row.getString(2));
          loop.add(e.getValue().text(), plain.text());
        }
      }
    }
    System.out.printf("[ocr-job] CER %d/%d = %.4f (plain loop %d/%d), largest confidence difference %.2e%n",
        job.edits(), job.chars(), job.rate(), loop.edits(), loop.chars(), worst);
    assertThat(job.chars()).isEqualTo(737);
    assertThat(job.edits()).isEqualTo(loop.edits());
  }

  /** The orientation job: argmax with labels [0, 180] turns exactly the 8 turned lines. */
  @Test
  void theOrientationClassifierFindsTheTurnedLines() {
    Path out = tmp.resolve("out-cls");
    assertThat(Nightshift.execute(new String[] {"run", "--config", CLS,
        "--set", "input.path=" + images,
        "--set", "output.path=" + out})).isEqualTo(0);
    Map<String, String> angles = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).select("path", "angle").collectAsList()) {
      angles.put(name(r.getString(0)), r.getString(1));
    }
    assertThat(angles).hasSize(40);
    truth.forEach((file, t) -> assertThat(angles.get(file)).as(file).isEqualTo(String.valueOf(t.angle())));
    assertThat(angles.values().stream().filter("180"::equals).count()).isEqualTo(8);
  }

  /**
   * Images from a binary column of a table (inference.image.column): the same text as from files;
   * null and empty bytes are image_empty, bytes above max-bytes image_too_large.
   */
  @Test
  void aBinaryColumnOfATableWorksAsFilesDo() throws Exception {
    List<Path> bySize = new ArrayList<>(truth.keySet().stream().map(images::resolve).toList());
    bySize.sort(Comparator.comparingLong(p -> p.toFile().length()));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rows.add(RowFactory.create((long) i, name(bySize.get(i).toString()), Files.readAllBytes(bySize.get(i))));
    }
    Path largest = bySize.get(bySize.size() - 1);
    rows.add(RowFactory.create(3L, name(largest.toString()), Files.readAllBytes(largest)));
    rows.add(RowFactory.create(4L, "null", null));
    rows.add(RowFactory.create(5L, "empty", new byte[0]));
    StructType schema = new StructType().add("id", DataTypes.LongType).add("file", DataTypes.StringType)
        .add("content", DataTypes.BinaryType);
    Path table = tmp.resolve("table");
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(table.toString());

    Path out = tmp.resolve("out-table");
    assertThat(Nightshift.execute(new String[] {"run", "--config", OCR,
        "--set", "input.path=" + table,
        "--set", "input.format=parquet",
        "--set", "inference.image.column=content",
        "--set", "inference.image.max-bytes=" + (largest.toFile().length() - 1),
        "--set", "output.path=" + out,
        "--set", "output.pass-through=[id, file]",
        "--set", "output.max-rejected-ratio=0.6"})).isEqualTo(0);

    Map<Long, Row> written = new HashMap<>();
    spark.read().parquet(out.toString()).select("id", "file", "text").collectAsList()
        .forEach(r -> written.put(r.getLong(0), r));
    assertThat(written.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
    Map<Long, String> reasons = new HashMap<>();
    spark.read().parquet(out.resolve("_rejected").toString()).select("reason_code", "input_json").collectAsList()
        .forEach(r -> {
          try {
            reasons.put(JSON.readTree(r.getString(1)).get("id").asLong(), r.getString(0));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    assertThat(reasons).containsExactlyInAnyOrderEntriesOf(
        Map.of(3L, "image_too_large", 4L, "image_empty", 5L, "image_empty"));
    // Upright lines among the smallest three read as their truth without the margin spaces.
    for (Row r : written.values()) {
      Truth.Line t = truth.get(r.getString(1));
      if (t.angle() == 0) {
        assertThat(r.getString(2).strip()).as(r.getString(1)).isEqualTo(t.text());
      }
    }
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
