package io.nightshift.ocr;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.nightshift.NightshiftException;
import io.nightshift.image.ChannelOrder;
import io.nightshift.image.DecodedImage;
import io.nightshift.image.ImageResize;
import io.nightshift.image.ImageTensorSpec;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionFactory;
import io.nightshift.result.CtcDecoder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opencv.core.Mat;

/**
 * Reads a whole page: text detection (PaddleOCR's DBNet), then, for each detected line, optional
 * orientation classification and text recognition (CRNN + greedy CTC), as PaddleOCR's {@code
 * TextSystem} ({@code tools/infer/predict_system.py}) chains them.
 *
 * <ol>
 *   <li><b>Detection</b>: the page resized to {@link PageSettings#detectionSize} (longest side ≤
 *       960, sides multiples of 32), BGR, ImageNet normalisation ({@link
 *       ImageTensorSpec#imageNet}), NCHW {@code [1, 3, H, W]}; the model's {@code [1, 1, H, W]}
 *       probability map goes through {@link DbPostProcess}.
 *   <li><b>Order and crop</b>: boxes in {@link ReadingOrder} (top to bottom, then left to right),
 *       each cut out and straightened by {@link LineCropper} (perspective transform, vertical crops
 *       turned by 90°).
 *   <li><b>Orientation</b> (when a classifier session is given): {@link
 *       ImageTensorSpec#paddleClassifier()} ({@code [n, 3, 48, 192]}), a line turned by 180° when
 *       the {@code [n, 2]} output says 180° above {@link PageSettings#clsThresh}.
 *   <li><b>Recognition</b>: {@link ImageTensorSpec#paddleRecognition} at height 48, up to {@link
 *       PageSettings#recMaxWidth}; lines are batched only with lines of the same tensor width, so
 *       a line reads as it would alone (padding changes the recognizer's output, see
 *       docs/images.md); {@code [n, T, C]} decoded by the {@link CtcDecoder}. Lines below {@link
 *       PageSettings#dropScore} are left out.
 * </ol>
 *
 * <p><b>Sessions</b> are borrowed, never closed here: callers lease them from the executor's
 * {@link io.nightshift.onnx.SessionCache}, so every task of a JVM shares one session per model.
 * Each model's first input is fed; its first output read.
 *
 * <p><b>Memory</b> is bounded by one page: the page as an 8-bit Mat (3 bytes a pixel), the
 * detection input and map (16 bytes a pixel of the detection size, at most 960 × 960), and the
 * page's line crops; recognition runs at most {@link PageSettings#recBatch} lines at a time.
 *
 * <p>Immutable and thread-safe: {@link #read} may be called from several task threads at once.
 */
public final class PageReader {
  private static final ImageTensorSpec CLS_SPEC = ImageTensorSpec.paddleClassifier();

  private final PageSettings settings;
  private final CtcDecoder ctc;
  private final DbPostProcess post;
  private final ImageTensorSpec recSpec;

  /** A reader with {@code settings}, decoding recognition output with {@code ctc}. */
  public PageReader(PageSettings settings, CtcDecoder ctc) {
    this.settings = settings;
    this.ctc = ctc;
    this.post = new DbPostProcess(settings);
    this.recSpec = ImageTensorSpec.paddleRecognition(settings.recMaxWidth());
  }

  /** The page's lines in reading order, without orientation classification. */
  public List<PageLine> read(DecodedImage page, ScoringSession detection, ScoringSession recognition) {
    return read(page, detection, null, recognition);
  }

  /**
   * The page's lines in reading order, each line turned by 180° first when {@code classifier}
   * says so.
   *
   * @throws NightshiftException if a model fails or its output has an unexpected shape
   */
  public List<PageLine> read(
      DecodedImage page, ScoringSession detection, ScoringSession classifier, ScoringSession recognition) {
    List<TextBox> boxes = ReadingOrder.sort(detect(page, detection));
    if (boxes.isEmpty()) {
      return List.of();
    }
    List<DecodedImage> crops = new ArrayList<>(boxes.size());
    try (OpenCv.Mats mats = new OpenCv.Mats()) {
      Mat bgr = mats.add(OpenCv.bgr(page));
      for (TextBox box : boxes) {
        crops.add(LineCropper.crop(bgr, box, mats));
      }
      if (classifier != null) {
        orient(crops, classifier, mats);
      }
    }
    CtcDecoder.Decoded[] texts = recognize(crops, recognition);
    List<PageLine> lines = new ArrayList<>(boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      if (texts[i].confidence() >= settings.dropScore()) {
        lines.add(new PageLine(boxes.get(i), texts[i].text(), texts[i].confidence()));
      }
    }
    return lines;
  }

  /** The page's text boxes, in the order they are found. */
  public List<TextBox> detect(DecodedImage page, ScoringSession detection) {
    int[] size = settings.detectionSize(page.width(), page.height());
    int h = size[0];
    int w = size[1];
    ImageTensorSpec spec = ImageTensorSpec.imageNet(new ImageResize.Fixed(h, w), ChannelOrder.BGR);
    float[] input = new float[spec.rowSize(w)];
    spec.write(page, w, input, 0);
    Output out = run(detection, "detection", input, new long[] {1, 3, h, w});
    if (out.shape.length != 4 || out.shape[0] != 1 || out.shape[1] != 1 || out.shape[2] != h || out.shape[3] != w) {
      throw new NightshiftException(
          "the detection model's output has shape %s, expected [1, 1, %d, %d]",
          Arrays.toString(out.shape), h, w);
    }
    return post.boxes(out.values, 0, w, h, page.width(), page.height());
  }

  /** Turns each crop the classifier finds upside down, in place. */
  private void orient(List<DecodedImage> crops, ScoringSession classifier, OpenCv.Mats mats) {
    int width = CLS_SPEC.resize().tensorWidth(1, 1); // 192 for every image: min = max width
    for (int from = 0; from < crops.size(); from += settings.recBatch()) {
      int n = Math.min(settings.recBatch(), crops.size() - from);
      int row = CLS_SPEC.rowSize(width);
      float[] input = new float[n * row];
      for (int i = 0; i < n; i++) {
        CLS_SPEC.write(crops.get(from + i), width, input, i * row);
      }
      Output out = run(classifier, "orientation", input, new long[] {n, 3, CLS_SPEC.height(), width});
      if (out.shape.length != 2 || out.shape[0] != n || out.shape[1] != 2) {
        throw new NightshiftException(
            "the orientation model's output has shape %s, expected [%d, 2]",
            Arrays.toString(out.shape), n);
      }
      for (int i = 0; i < n; i++) {
        float upright = out.values[2 * i];
        float turned = out.values[2 * i + 1];
        if (turned > upright && turned > settings.clsThresh()) {
          crops.set(from + i, LineCropper.turn180(crops.get(from + i), mats));
        }
      }
    }
  }

  /** Each crop's text, batched by equal tensor width. */
  private CtcDecoder.Decoded[] recognize(List<DecodedImage> crops, ScoringSession recognition) {
    TreeMap<Integer, List<Integer>> byWidth = new TreeMap<>();
    for (int i = 0; i < crops.size(); i++) {
      byWidth.computeIfAbsent(recSpec.tensorWidth(crops.get(i)), k -> new ArrayList<>()).add(i);
    }
    CtcDecoder.Decoded[] texts = new CtcDecoder.Decoded[crops.size()];
    for (Map.Entry<Integer, List<Integer>> group : byWidth.entrySet()) {
      int width = group.getKey();
      List<Integer> rows = group.getValue();
      int row = recSpec.rowSize(width);
      for (int from = 0; from < rows.size(); from += settings.recBatch()) {
        int n = Math.min(settings.recBatch(), rows.size() - from);
        float[] input = new float[n * row];
        for (int i = 0; i < n; i++) {
          recSpec.write(crops.get(rows.get(from + i)), width, input, i * row);
        }
        Output out = run(recognition, "recognition", input, new long[] {n, 3, recSpec.height(), width});
        if (out.shape.length != 3 || out.shape[0] != n) {
          throw new NightshiftException(
              "the recognition model's output has shape %s, expected [%d, T, %d]",
              Arrays.toString(out.shape), n, ctc.classes());
        }
        ctc.checkClasses("recognition output", out.shape[2]);
        int steps = (int) out.shape[1];
        for (int i = 0; i < n; i++) {
          texts[rows.get(from + i)] = ctc.decode(out.values, i * steps * ctc.classes(), steps);
        }
      }
    }
    return texts;
  }

  private record Output(float[] values, long[] shape) {}

  /** Runs {@code session} on one float input; its first output's values and shape. */
  private static Output run(ScoringSession session, String what, float[] input, long[] shape) {
    OrtSession ort = session.session();
    String name = ort.getInputNames().iterator().next();
    try (OnnxTensor x = OnnxTensor.createTensor(SessionFactory.environment(), FloatBuffer.wrap(input), shape);
        OrtSession.Result result = ort.run(Map.of(name, x))) {
      OnnxTensor out = (OnnxTensor) result.get(0);
      FloatBuffer values = out.getFloatBuffer();
      float[] copy = new float[values.remaining()];
      values.get(copy);
      return new Output(copy, out.getInfo().getShape());
    } catch (OrtException e) {
      throw new NightshiftException(e, "the %s model failed on input %s: %s",
          what, Arrays.toString(shape), e.getMessage());
    }
  }
}
