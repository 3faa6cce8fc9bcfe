package io.nightshift.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SamplesTest {

  static Stream<Supplier<Path>> accessors() {
    return Stream.of(
        Samples::penguinsCsv,
        Samples::penguinsJsonl,
        Samples::penguinsClassifier,
        Samples::penguinsClassifierSpec,
        Samples::penguinsClassifierTribuo,
        Samples::mlpSmall,
        Samples::mlpMedium,
        Samples::mlpExternal,
        Samples::mlpExternalData,
        Samples::faultyGather,
        Samples::minilmFp32Model,
        Samples::minilmFp32Tokenizer,
        Samples::minilmInt8Model,
        Samples::minilmInt8Tokenizer,
        Samples::mails,
        Samples::linearPipeline,
        Samples::treeEnsemble,
        Samples::fixedBatchRegressor,
        Samples::typedInputs,
        Samples::bgeSmallEnFp32Model,
        Samples::bgeSmallEnFp32Tokenizer,
        Samples::bgeSmallZhInt8Model,
        Samples::bgeSmallZhInt8Tokenizer,
        Samples::ocrRecModel,
        Samples::ocrClsModel,
        Samples::ocrDetModel,
        Samples::ocrKeys,
        Samples::ocrLinesTruth,
        Samples::ocrPagesTruth);
  }

  @ParameterizedTest
  @MethodSource("accessors")
  void everySampleWasBuilt(Supplier<Path> accessor) throws Exception {
    Path file = accessor.get();
    assertThat(file).startsWith(Samples.dir()).isRegularFile();
    assertThat(Files.size(file)).isPositive();
  }

  @Test
  void generatorsWriteWhereTheAccessorsPoint() {
    List<Path> written =
        GenerateSamples.steps(Samples.dir(), Path.of("npm")).stream()
            .flatMap(step -> step.outputs().stream())
            // The rendered OCR images are reached through their truth.csv, not one accessor each.
            .filter(path -> !path.toString().matches(".*\\.(png|jpg)$"))
            .toList();
    List<Path> read = accessors().map(Supplier::get).toList();
    assertThat(read).containsAll(written);
  }

  @Test
  void rootIsFoundWhenThePropertyNamesTheModuleFolder() {
    Path root = Samples.root();
    String saved = System.getProperty("nightshift.root");
    try {
      // What Maven passes when a build is started inside data-samples/.
      System.setProperty("nightshift.root", root.resolve("data-samples").toString());
      assertThat(Samples.root()).isEqualTo(root);
    } finally {
      if (saved == null) {
        System.clearProperty("nightshift.root");
      } else {
        System.setProperty("nightshift.root", saved);
      }
    }
  }
}
