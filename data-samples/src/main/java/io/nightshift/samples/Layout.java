package io.nightshift.samples;

/**
 * Every sample's path relative to the samples folder: the one list that {@link Samples} (readers)
 * and {@link GenerateSamples} (the writer) share. The MiniLM paths are also written in {@code
 * data-samples/pom.xml}, which unpacks them.
 */
final class Layout {
  private Layout() {}

  static final String PENGUINS_CSV = "penguins/penguins.csv";
  static final String PENGUINS_JSONL = "penguins/penguins.jsonl";
  static final String PENGUINS_CLASSIFIER_ONNX = "penguins/penguins-classifier.onnx";
  static final String PENGUINS_CLASSIFIER_SPEC = "penguins/penguins-classifier.json";
  static final String PENGUINS_CLASSIFIER_TRIBUO = "penguins/penguins-classifier.tribuo";

  static final String MLP_SMALL = "mlp/mlp-small.onnx";
  static final String MLP_MEDIUM = "mlp/mlp-medium.onnx";
  static final String MLP_EXTERNAL = "external/mlp-external.onnx";
  static final String MLP_EXTERNAL_DATA = "external/mlp-external.onnx.data";

  static final String FAULTY_GATHER = "faulty/gather.onnx";

  static final String LINEAR_PIPELINE = "sklearn/penguins-linear-pipeline.onnx";
  static final String TREE_ENSEMBLE = "sklearn/penguins-trees.onnx";
  static final String FIXED_BATCH_REGRESSOR = "sklearn/penguins-regressor-batch1.onnx";
  static final String TYPED_INPUTS = "types/typed-inputs.onnx";

  static final String MINILM_FP32_MODEL = "minilm/fp32/model.onnx";
  static final String MINILM_FP32_TOKENIZER = "minilm/fp32/tokenizer.json";
  static final String MINILM_INT8_MODEL = "minilm/int8/model.onnx";
  static final String MINILM_INT8_TOKENIZER = "minilm/int8/tokenizer.json";

  static final String BGE_SMALL_EN_FP32_MODEL = "bge-small-en/fp32/model.onnx";
  static final String BGE_SMALL_EN_FP32_TOKENIZER = "bge-small-en/fp32/tokenizer.json";

  static final String BGE_SMALL_ZH_INT8_MODEL = "bge-small-zh/int8/model.onnx";
  static final String BGE_SMALL_ZH_INT8_TOKENIZER = "bge-small-zh/int8/tokenizer.json";

  static final String MAILS = "mail/mails.jsonl";

  static final String OCR_REC_MODEL = "ocr/models/ch_PP-OCRv4_rec_infer.onnx";
  static final String OCR_CLS_MODEL = "ocr/models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
  static final String OCR_DET_MODEL = "ocr/models/ch_PP-OCRv4_det_infer.onnx";
  static final String OCR_KEYS = "ocr/models/ppocr_keys_v1.txt";
  static final String OCR_LINES_DIR = "ocr/lines";
  static final String OCR_LINES_TRUTH = "ocr/lines/truth.csv";
  static final String OCR_PAGES_DIR = "ocr/pages";
  static final String OCR_PAGES_TRUTH = "ocr/pages/truth.csv";

  /** Inside the npm folder: where each package's tarball is unpacked (see the pom). */
  static final String NPM_PENGUINS_JSON = "vega-datasets/package/data/penguins.json";

  static final String NPM_SPAM_ASSASSIN_DATA = "spam-assassin/package/data";

  static final String NPM_OCR_ASSETS = "ocr-models/package/assets";
  static final String NPM_NOTO_SANS_SC = "noto-sans-sc/package/400Regular/NotoSansSC_400Regular.ttf";
  static final String NPM_DEJAVU_SANS = "dejavu-fonts/package/ttf/DejaVuSans.ttf";
}
