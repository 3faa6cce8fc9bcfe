package io.nightshift.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.nightshift.image.DecodeOutcome;
import io.nightshift.image.DecodedImage;
import io.nightshift.image.ImageDecoder;
import io.nightshift.image.ImageTensorSpec;
import io.nightshift.result.CtcDecoder;
import io.nightshift.samples.Samples;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The OCR case of issue 15 (model label {@value #MODEL}): PP-OCRv4 recognition over the 40
 * rendered sample lines, copied to {@link #images} files under {@code bench/target/data}. Cases:
 * the ceiling (a plain ONNX Runtime loop in the bench JVM: read the file, {@link ImageDecoder},
 * {@link ImageTensorSpec#paddleRecognition} as {@code conf/jobs/sample-ocr.yaml} says, one image
 * per run, greedy CTC), recognition alone (the same loop over tensors made beforehand), and the
 * sample-ocr job's settings as a Nightshift job with the noop and Parquet sinks. Rates are
 * images/s. Not thread-safe (one harness thread).
 */
final class OcrCase {
  static final String MODEL = "ocr-rec";
  static final String NOOP = "nightshift noop (image files)";
  static final String PARQUET = "nightshift parquet (image files)";
  static final String RECOGNITION = "recognition alone (tensors in memory, no decode)";
  static final double NOOP_GOAL = 0.85;
  /** sample-ocr.yaml's max-width and batch size. */
  static final int MAX_WIDTH = 3200;
  static final int BATCH = 8;
  /** Two callers x one intra-op thread: the two task threads of local[2], each with its own caller. */
  static final int CALLERS = 2;

  private OcrCase() {}

  /**
   * Image files per timed run: 1,200 (full), 300 (quick), 40 (tiny: the sample lines once). A line
   * costs about 23 ms on one thread (~87 images/s on 2), so a full Nightshift run takes ~15 s: its
   * fixed cost per run (the driver's model check and planning, the executors' session, Spark's
   * job; about a second on quiet cores) stays under a tenth, as it would over a night's folder,
   * where it was ~15% of a 600-image run. The case takes about 4 minutes on 2 quiet cores.
   */
  static int images(Bench.Options o) {
    return switch (o.mode()) {
      case "full" -> 1200;
      case "quick" -> 300;
      default -> 40;
    };
  }

  /** The sample line images (not the truth file), sorted by name. */
  static List<Path> sampleLines() throws IOException {
    try (Stream<Path> s = Files.list(Samples.ocrLinesTruth().getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith("line-")).sorted().toList();
    }
  }

  /**
   * {@code n} copies of the sample lines in turn (so the mix of widths is kept), named {@code
   * c<copy>-<original name>}, in a folder of their own; made once, reused while it holds {@code n}
   * files.
   */
  static Path ensure(Path dataRoot, int n) throws IOException {
    Path dir = dataRoot.resolve("ocr-lines-n" + n);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.count() == n) {
          return dir;
        }
      }
    }
    List<Path> lines = sampleLines();
    Files.createDirectories(dir);
    for (int i = 0; i < n; i++) {
      Path src = lines.get(i % lines.size());
      Path dst = dir.resolve(String.format("c%05d-%s", i / lines.size(), src.getFileName()));
      Files.copy(src, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Bench.log("data: copied %d sample lines to %,d files in %s", lines.size(), n, dir);
    return dir;
  }

  static List<Result> run(SparkSession spark, Bench.Options o) throws Exception {
    int n = images(o);
    Path dir = ensure(o.dataRoot(), n);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    List<Result> out = new ArrayList<>();
    ImageTensorSpec spec = ImageTensorSpec.paddleRecognition(MAX_WIDTH);
    CtcDecoder ctc = CtcDecoder.paddle(Samples.ocrKeys());
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    String threads = CALLERS + " caller threads x 1 intra-op thread, batch 1";
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = Ceiling.sessionOptions(1);
        OrtSession session = env.createSession(Files.readAllBytes(Samples.ocrRecModel()), so)) {
      // 1. Ceiling: read, decode, preprocess, run, CTC; one image per run.
      Result.Timing t = Bench.timed(o, () -> parallel(files.size(), i -> {
        byte[] bytes = Files.readAllBytes(files.get(i));
        DecodeOutcome d = decoder.decode(bytes);
        if (!d.ok()) {
          throw new IllegalStateException(files.get(i) + ": " + d.rejection());
        }
        return recognise(env, session, spec, ctc, d.image());
      }));
      Result ceiling = Result.of(MODEL, Verdicts.CEILING, n, t, threads + "; read the file, decode (ImageDecoder), "
          + "preprocess (PaddleOCR rec: height 48, width 320-" + MAX_WIDTH + ", BGR), run, greedy CTC; images/s");
      Bench.log("%s ceiling [%s]: median %,.1f images/s", MODEL, threads, ceiling.medianRate());
      out.add(ceiling);

      // Recognition alone: the same runs over images decoded beforehand (decode outside the timing).
      List<DecodedImage> decoded = new ArrayList<>(files.size());
      for (Path f : files) {
        decoded.add(decoder.decode(Files.readAllBytes(f)).image());
      }
      Result.Timing r = Bench.timed(o, () -> parallel(decoded.size(),
          i -> recognise(env, session, spec, ctc, decoded.get(i))));
      Result rec = Result.of(MODEL, RECOGNITION, n, r, threads + "; images decoded before the timing, "
          + "preprocess + run + CTC only");
      Bench.log("%s %s: median %,.1f images/s", MODEL, rec.name(), rec.medianRate());
      out.add(rec);
    }

    // 2. Nightshift: sample-ocr.yaml's settings over the folder, noop and Parquet sinks.
    for (boolean parquet : new boolean[] {false, true}) {
      Path job = NightshiftJob.writeOcr(o, MODEL, dir, parquet, BATCH, MAX_WIDTH);
      Result.Timing t = Bench.timed(o, () -> Bench.runJob(job));
      String name = parquet ? PARQUET : NOOP;
      Result r = Result.of(MODEL, name, n, t, "input.format image, batch-size " + BATCH + " (batches of equal "
          + "tensor width), post ctc, local[2]; a whole `Nightshift.execute(run --config ...)` per run; images/s");
      Bench.log("%s %s: median %,.1f images/s", MODEL, name, r.medianRate());
      out.add(r);
    }
    return out;
  }

  /** One image through preprocessing, a batch-1 run and greedy CTC: the recognised text. */
  static String recognise(OrtEnvironment env, OrtSession session, ImageTensorSpec spec, CtcDecoder ctc,
      DecodedImage image) throws Exception {
    int w = spec.tensorWidth(image);
    float[] x = new float[spec.rowSize(w)];
    spec.write(image, w, x, 0);
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, spec.height(), w});
        OrtSession.Result res = session.run(java.util.Map.of("x", in))) {
      OnnxTensor probs = (OnnxTensor) res.get(0);
      long[] shape = probs.getInfo().getShape();
      return ctc.decode(probs.getFloatBuffer(), 0, (int) shape[1]).text();
    }
  }

  interface Item {
    String run(int index) throws Exception;
  }

  /** Items 0..n-1 over {@link #CALLERS} threads taking the next index in turn; rethrows a failure. */
  static void parallel(int n, Item item) throws Exception {
    Ceiling.onCallers(CALLERS, "ocr-ceiling", n, 1, (from, to) -> {
      if (item.run(from) == null) {
        throw new IllegalStateException("no text for item " + from);
      }
    });
  }
}
