package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@link PageReader} on Spark's executors (local[2]) over the 4 sample pages read with the {@code
 * binaryFile} source, each task leasing the three sessions from the JVM's {@link SessionCache}:
 * the groundwork of a page job mode. The executors' lines equal a plain loop's on the
 * driver.
 */
class PagesOnSparkTest {
  private static final String DET = Samples.ocrDetModel().toString();
  private static final String CLS = Samples.ocrClsModel().toString();
  private static final String REC = Samples.ocrRecModel().toString();

  /** A task's lease on the cached session of the model at {@code path} (CPU, 1 thread). */
  private static LeaseCache.Lease<ScoringSession> lease(String path) throws Exception {
    Path model = Path.of(path);
    String sha = ModelPayload.sha256(Files.readAllBytes(model));
    return SessionCache.shared()
        .acquire(
            new SessionKey(sha, Device.CPU.id(), Enums.Device.CPU, 1, CudaOptions.DEFAULTS, ""),
            8,
            () -> SessionFactory.create(model, model.getFileName().toString(), Device.CPU,
                Enums.Device.CPU, 1, CudaOptions.DEFAULTS));
  }

  private static String describe(String name, List<PageLine> lines) {
    StringBuilder s = new StringBuilder(name);
    for (PageLine l : lines) {
      s.append(" | ").append(l.text()).append(String.format(" %.5f", l.confidence()))
          .append(java.util.Arrays.toString(l.box().points()));
    }
    return s.toString();
  }

  /**
   * Measured: the 4 pages in 2 partitions on local[2]; both tasks share one session per model
   * (3 created for the three models, not one per task), and each page's
   * lines (text, confidence to 5 decimals, boxes) are what the driver's plain loop reads.
   */
  @Test
  void executorsReadThePagesAsAPlainLoopDoes() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> files =
        spark.read().format("binaryFile").option("pathGlobFilter", "page-*")
            .load(Samples.ocrPagesTruth().getParent().toString())
            .repartition(2);
    CtcDecoder ctc = CtcDecoder.paddle(Samples.ocrKeys());
    PageSettings settings = PageSettings.paddle();
    long before = SessionCache.shared().sessionsCreated();
    List<String> onSpark =
        files
            .select("path", "content")
            .javaRDD()
            .mapPartitions(
                rows -> {
                  PageReader reader = new PageReader(settings, ctc);
                  ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
                  List<String> out = new ArrayList<>();
                  try (LeaseCache.Lease<ScoringSession> det = lease(DET);
                      LeaseCache.Lease<ScoringSession> cls = lease(CLS);
                      LeaseCache.Lease<ScoringSession> rec = lease(REC)) {
                    while (rows.hasNext()) {
                      Row row = rows.next();
                      DecodedImage page = decoder.decode((byte[]) row.get(1)).image();
                      out.add(describe(row.getString(0).replaceAll(".*/", ""),
                          reader.read(page, det.value(), cls.value(), rec.value())));
                    }
                  }
                  return out.iterator();
                })
            .collect();

    // The plain loop: the same reader on the driver, one page after another, on the same (cached) sessions.
    Map<String, String> loop = new TreeMap<>();
    PageReader reader = new PageReader(settings, ctc);
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    try (LeaseCache.Lease<ScoringSession> det = lease(DET);
        LeaseCache.Lease<ScoringSession> cls = lease(CLS);
        LeaseCache.Lease<ScoringSession> rec = lease(REC);
        var pages = Files.list(Samples.ocrPagesTruth().getParent())) {
      for (Path p : pages.filter(p -> p.getFileName().toString().startsWith("page-")).toList()) {
        String name = p.getFileName().toString();
        DecodedImage page = decoder.decode(Files.readAllBytes(p)).image();
        loop.put(name, describe(name, reader.read(page, det.value(), cls.value(), rec.value())));
      }
    }
    onSpark.forEach(s -> System.out.println("[pages-spark] " + s));
    assertThat(loop).hasSize(4);
    assertThat(onSpark).containsExactlyInAnyOrderElementsOf(loop.values());
    assertThat(onSpark).anySatisfy(s -> assertThat(s).contains("| Meeting moved to Thursday at 10:30 "));
    assertThat(SessionCache.shared().sessionsCreated() - before).isEqualTo(3);
    assertThat(SessionCache.shared().leases()).isZero();
  }
}
