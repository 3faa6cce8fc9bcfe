package io.nightshift.samples;

import io.nightshift.samples.mail.MailCorpus;
import io.nightshift.samples.onnx.ExternalDataMlp;
import io.nightshift.samples.onnx.FixedBatchRegressor;
import io.nightshift.samples.onnx.LinearPipelineModel;
import io.nightshift.samples.onnx.TreeEnsembleModel;
import io.nightshift.samples.onnx.TypedInputsModel;
import io.nightshift.samples.onnx.GatherModel;
import io.nightshift.samples.onnx.Mlp;
import io.nightshift.samples.onnx.MlpGenerator;
import io.nightshift.samples.ocr.OcrModels;
import io.nightshift.samples.ocr.TextFonts;
import io.nightshift.samples.ocr.TextLines;
import io.nightshift.samples.ocr.TextPages;
import io.nightshift.samples.penguins.PenguinsClassifier;
import io.nightshift.samples.penguins.PenguinsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The build's sample generator (run by exec-maven-plugin in {@code process-classes}): makes every
 * sample that does not exist yet, from the npm packages the build unpacked before.
 *
 * <p>Usage: {@code GenerateSamples SAMPLES_DIR NPM_DIR}. A step whose outputs all exist is skipped,
 * so a second build costs next to nothing; delete a file (or the folder) to have it made again. The
 * MiniLM files are not made here: the pom unpacks them from their Maven artifacts.
 */
public final class GenerateSamples {
  private GenerateSamples() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: GenerateSamples SAMPLES_DIR NPM_DIR");
    }
    // The OCR samples are drawn with Java2D off-screen: no display is needed or wanted.
    System.setProperty("java.awt.headless", "true");
    Path samples = Paths.get(args[0]).toAbsolutePath().normalize();
    Path npm = Paths.get(args[1]).toAbsolutePath().normalize();
    for (SampleGenerator step : steps(samples, npm)) {
      run(step);
    }
  }

  /** Every step, in the order they run. */
  static List<SampleGenerator> steps(Path samples, Path npm) {
    Path penguins = npm.resolve(Layout.NPM_PENGUINS_JSON);
    TextFonts fonts =
        new TextFonts(npm.resolve(Layout.NPM_DEJAVU_SANS), npm.resolve(Layout.NPM_NOTO_SANS_SC));
    return List.of(
        new PenguinsTable(
            penguins, samples.resolve(Layout.PENGUINS_CSV), samples.resolve(Layout.PENGUINS_JSONL)),
        new PenguinsClassifier(
            penguins,
            samples.resolve(Layout.PENGUINS_CLASSIFIER_ONNX),
            samples.resolve(Layout.PENGUINS_CLASSIFIER_TRIBUO),
            samples.resolve(Layout.PENGUINS_CLASSIFIER_SPEC)),
        new MlpGenerator(Mlp.small(), samples.resolve(Layout.MLP_SMALL)),
        new MlpGenerator(Mlp.medium(), samples.resolve(Layout.MLP_MEDIUM)),
        new ExternalDataMlp(
            Mlp.small(),
            samples.resolve(Layout.MLP_EXTERNAL),
            samples.resolve(Layout.MLP_EXTERNAL_DATA)),
        new GatherModel(samples.resolve(Layout.FAULTY_GATHER)),
        new LinearPipelineModel(samples.resolve(Layout.LINEAR_PIPELINE)),
        new TreeEnsembleModel(samples.resolve(Layout.TREE_ENSEMBLE)),
        new FixedBatchRegressor(samples.resolve(Layout.FIXED_BATCH_REGRESSOR)),
        new TypedInputsModel(samples.resolve(Layout.TYPED_INPUTS)),
        new MailCorpus(npm.resolve(Layout.NPM_SPAM_ASSASSIN_DATA), samples.resolve(Layout.MAILS)),
        new OcrModels(
            npm.resolve(Layout.NPM_OCR_ASSETS),
            List.of(
                samples.resolve(Layout.OCR_REC_MODEL),
                samples.resolve(Layout.OCR_CLS_MODEL),
                samples.resolve(Layout.OCR_DET_MODEL),
                samples.resolve(Layout.OCR_KEYS))),
        new TextLines(fonts, samples.resolve(Layout.OCR_KEYS), samples.resolve(Layout.OCR_LINES_DIR)),
        new TextPages(fonts, samples.resolve(Layout.OCR_KEYS), samples.resolve(Layout.OCR_PAGES_DIR)));
  }

  private static void run(SampleGenerator step) throws IOException {
    if (step.outputs().stream().allMatch(Files::isRegularFile)) {
      System.out.printf("[samples] %s: up to date%n", step.name());
      return;
    }
    long start = System.nanoTime();
    step.generate();
    for (Path output : step.outputs()) {
      if (!Files.isRegularFile(output)) {
        throw new SampleGenerationException("%s did not make %s", step.name(), output);
      }
    }
    System.out.printf(
        "[samples] %s: made %s in %d ms%n",
        step.name(), step.outputs(), (System.nanoTime() - start) / 1_000_000);
  }
}
