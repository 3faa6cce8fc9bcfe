package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.cache.LeaseCache;
import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.CudaOptions;
import io.nightshift.image.DecodedImage;
import io.nightshift.image.ImageDecoder;
import io.nightshift.model.ModelPayload;
import io.nightshift.ocr.PageLine;
import io.nightshift.ocr.PageReader;
import io.nightshift.ocr.PageSettings;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionCache;
import io.nightshift.onnx.SessionFactory;
import io.nightshift.onnx.SessionKey;
import io.nightshift.result.CtcDecoder;
import io.nightshift.samples.Samples;
import io.nightshift.samples.ocr.Cer;
import io.nightshift.samples.ocr.Truth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages job ({@code conf/jobs/sample-ocr-pages.yaml}) end to end on local[2] with the real
 * PaddleOCR det/cls/rec models over the 4 rendered sample pages: one row per page with its lines,
 * equal to a plain {@link PageReader} loop on the driver; a bad file quarantined with its reason
 * through the job's one reject path, and the books balance.
 */
class PagesJobTest {
  private static final Path CONFIG = Samples.root().resolve("conf/jobs/sample-ocr-pages.yaml");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Measured 8/327 (as PageReaderTest); pinned there at 10/327. */
  private static final long PINNED_EDITS = 10;

  @TempDir static Path tmp;

  /** A task's lease on the cached session of the model at {@code model} (CPU, 1 thread). */
  private static LeaseCache.Lease<ScoringSession> lease(Path model) throws Exception {
    String sha = ModelPayload.sha256(Files.readAllBytes(model));
    return SessionCache.shared()
        .acquire(
            new SessionKey(sha, Device.CPU.id(), Enums.Device.CPU, 1, CudaOptions.DEFAULTS, ""),
            8,
            () -> SessionFactory.create(model, model.getFileName().toString(), Device.CPU,
                Enums.Device.CPU, 1, CudaOptions.DEFAULTS));
  }

  /**
   * Measured: 5 files read, 4 pages written with 4, 4, 3 and 5 lines (16), the cut PNG quarantined
   * as image_truncated; every page's lines (box, text, confidence) equal to the plain loop's; CER
   * against truth.csv 8/327 (pinned at 10/327).
   */
  @Test
  void thePagesJobReadsEveryLineAsThePlainLoopDoes() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path pagesDir = Samples.ocrPagesTruth().getParent();
    Path in = Files.createDirectories(tmp.resolve("pages"));
    Map<String, List<Truth.PageLine>> truth = Truth.pages(Samples.ocrPagesTruth());
    assertThat(truth).hasSize(4);
    for (String page : truth.keySet()) {
      Files.copy(pagesDir.resolve(page), in.resolve(page));
    }
    byte[] first = Files.readAllBytes(pagesDir.resolve(truth.keySet().iterator().next()));
    Files.write(in.resolve("page-cut.png"), Arrays.copyOf(first, first.length / 2));

    Path out = tmp.resolve("out");
    long sessionsBefore = SessionCache.shared().sessionsCreated();
    assertThat(Nightshift.execute(new String[] {"run", "--config", CONFIG.toString(),
        "--set", "input.path=" + in,
        "--set", "output.path=" + out,
        "--set", "output.max-rejected-ratio=0.25"})).isEqualTo(0);

    assertThat(spark.read().parquet(out.toString()).schema().simpleString()).isEqualTo(
        "struct<path:string,modificationTime:timestamp,"
            + "lines:array<struct<box:array<int>,text:string,confidence:float>>>");
    Map<String, List<Row>> byPage = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      assertThat(r.getTimestamp(1)).isNotNull();
      assertThat(byPage.put(name(r.getString(0)), r.getList(2))).isNull();
    }
    assertThat(byPage.keySet()).containsExactlyInAnyOrderElementsOf(truth.keySet());

    List<Row> rejected = spark.read().parquet(out.resolve("_rejected").toString())
        .select("reason_code", "input_json").collectAsList();
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).getString(0)).isEqualTo("image_truncated");
    assertThat(name(JSON.readTree(rejected.get(0).getString(1)).get("path").asText())).isEqualTo("page-cut.png");

    JsonNode m = JSON.readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(m.at("/rows/read").asLong()).isEqualTo(5);
    assertThat(m.at("/rows/written").asLong()).isEqualTo(4);
    assertThat(m.at("/rows/quarantined").asLong()).isEqualTo(1);
    // Each page read counts as one batch; the three models are named by sha256.
    assertThat(m.at("/batches").asLong()).isEqualTo(4);
    assertThat(m.at("/inference_seconds").asDouble()).isPositive();
    assertThat(m.at("/model/sha256").asText()).isEqualTo(sha256(Samples.ocrDetModel()));
    assertThat(m.at("/model/recognition_sha256").asText()).isEqualTo(sha256(Samples.ocrRecModel()));
    assertThat(m.at("/model/classifier_sha256").asText()).isEqualTo(sha256(Samples.ocrClsModel()));
    // One session per model per JVM: the three models' sessions, made once (or already cached).
    assertThat(SessionCache.shared().sessionsCreated() - sessionsBefore).isLessThanOrEqualTo(3);
    assertThat(SessionCache.shared().leases()).isZero();

    // The plain loop: the same reader on the driver, page after page.
    PageReader reader = new PageReader(PageSettings.paddle(), CtcDecoder.paddle(Samples.ocrKeys()));
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    Cer cer = new Cer();
    try (LeaseCache.Lease<ScoringSession> det = lease(Samples.ocrDetModel());
        LeaseCache.Lease<ScoringSession> cls = lease(Samples.ocrClsModel());
        LeaseCache.Lease<ScoringSession> rec = lease(Samples.ocrRecModel())) {
      for (Map.Entry<String, List<Truth.PageLine>> page : truth.entrySet()) {
        DecodedImage image = decoder.decode(Files.readAllBytes(pagesDir.resolve(page.getKey()))).image();
        List<PageLine> plain = reader.read(image, det.value(), cls.value(), rec.value());
        List<Row> job = byPage.get(page.getKey());
        assertThat(job).as(page.getKey()).hasSize(plain.size());
        for (int i = 0; i < plain.size(); i++) {
          Row line = job.get(i);
          assertThat(line.getList(0)).as(page.getKey() + " box " + i)
              .containsExactlyElementsOf(Arrays.stream(plain.get(i).box().points()).boxed().toList());
          assertThat(line.getString(1)).as(page.getKey() + " text " + i).isEqualTo(plain.get(i).text());
          assertThat(Math.abs(line.getFloat(2) - plain.get(i).confidence())).as(page.getKey() + " confidence " + i)
              .isLessThanOrEqualTo(1e-5f);
        }
        List<Truth.PageLine> want = page.getValue();
        assertThat(job).as(page.getKey()).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
          cer.add(want.get(i).text(), job.get(i).getString(1));
        }
      }
    }
    System.out.printf("[pages-job] %d lines, CER %d/%d = %.4f%n",
        cer.lines(), cer.edits(), cer.chars(), cer.rate());
    assertThat(cer.lines()).isEqualTo(16);
    assertThat(cer.chars()).isEqualTo(327);
    assertThat(cer.edits()).isLessThanOrEqualTo(PINNED_EDITS);
  }

  /** A dictionary of another model is refused before launch (exit 2), naming the key and both counts. */
  @Test
  void aDictionaryOfAnotherModelIsRefused() throws Exception {
    Path dictionary = Files.writeString(tmp.resolve("keys.txt"), "a\nb\nc\n", StandardCharsets.UTF_8);
    Path out = tmp.resolve("out-refused");
    String message = RowQualityJobTest.refusedBeforeLaunch(out, CONFIG,
        "input.path=" + Samples.ocrPagesTruth().getParent().resolve("page-*"), "output.path=" + out,
        "inference.pages.dictionary=" + dictionary);
    assertThat(message).isEqualTo("nightshift: inference.pages.dictionary: dictionary " + dictionary
        + " gives 5 classes (blank + 3 entries + space), but "
        + "data-samples/target/samples/ocr/models/ch_PP-OCRv4_rec_infer.onnx (inference.pages.recognition-model) outputs 6625 per step: they belong to different models");
  }

  private static String sha256(Path file) throws Exception {
    return ModelPayload.sha256(Files.readAllBytes(file));
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
