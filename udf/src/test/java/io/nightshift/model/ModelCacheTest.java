package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftException;
import io.nightshift.model.optimize.ExternalDataFiles;
import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local model cache and the payload checksum, on the real external-data sample. */
class ModelCacheTest {
  @TempDir Path tmp;

  static ModelBundle bundle(Path model) throws Exception {
    byte[] bytes = Files.readAllBytes(model);
    return ModelBundle.of(model.toString(), ModelPayload.sha256(bytes), bytes.length,
        ExternalDataFiles.locations(bytes, model.toString()), new Configuration());
  }

  @Test
  void fetchesABundleOnceKeepingItsLayout() throws Exception {
    ModelBundle bundle = bundle(Samples.mlpExternal());
    assertThat(bundle.files()).extracting(ModelBundle.File::relativePath)
        .containsExactly("mlp-external.onnx", Samples.mlpExternalData().getFileName().toString());
    long before = ModelCache.fetches();
    Path main = ModelCache.fetch(bundle, tmp.toString(), new Configuration());
    assertThat(main).isEqualTo(tmp.resolve(bundle.sha256()).resolve("mlp-external.onnx").toAbsolutePath());
    assertThat(main.resolveSibling(Samples.mlpExternalData().getFileName())).hasSameBinaryContentAs(Samples.mlpExternalData());
    assertThat(ModelCache.fetch(bundle, tmp.toString(), new Configuration())).isEqualTo(main);
    assertThat(ModelCache.fetches() - before).isEqualTo(1);
  }

  @Test
  void aCorruptCachedFileIsCaughtAndFetchedAgain() throws Exception {
    ModelBundle bundle = bundle(Samples.mlpExternal());
    Path main = ModelCache.fetch(bundle, tmp.toString(), new Configuration());
    Path data = main.resolveSibling(Samples.mlpExternalData().getFileName());
    byte[] bytes = Files.readAllBytes(data);
    bytes[7] ^= 0x01;
    Files.write(data, bytes);
    ModelCache.forgetVerified(); // as a new executor JVM on the same machine
    long before = ModelCache.fetches();
    ModelCache.fetch(bundle, tmp.toString(), new Configuration());
    assertThat(ModelCache.fetches() - before).as("fetched again").isEqualTo(1);
    assertThat(data).hasSameBinaryContentAs(Samples.mlpExternalData());
  }

  @Test
  void aSourceThatNoLongerMatchesTheDriversDigestIsRefused() throws Exception {
    Path folder = tmp.resolve("src");
    Files.createDirectories(folder);
    Path model = folder.resolve("mlp-external.onnx");
    Files.copy(Samples.mlpExternal(), model);
    Path data = folder.resolve(Samples.mlpExternalData().getFileName());
    Files.copy(Samples.mlpExternalData(), data);
    ModelBundle bundle = bundle(model);
    Files.write(data, new byte[] {1, 2, 3});
    String expected = bundle.files().get(1).sha256();
    assertThatThrownBy(() -> ModelCache.fetch(bundle, tmp.resolve("cache").toString(), new Configuration()))
        .isInstanceOf(NightshiftException.class)
        .hasMessageContaining("checksum mismatch: expected sha256 " + expected + ", actual ")
        .hasMessageContaining(data.getFileName().toString());
    assertThat(tmp.resolve("cache").resolve(bundle.sha256()).resolve(data.getFileName())).doesNotExist();
  }

  @Test
  void missingExternalDataIsNamed() throws Exception {
    Path model = tmp.resolve("lonely.onnx");
    Files.copy(Samples.mlpExternal(), model);
    assertThatThrownBy(() -> bundle(model))
        .hasMessageContaining("lonely.onnx: external data file '" + Samples.mlpExternalData().getFileName() + "'")
        .hasMessageContaining("does not exist");
  }

  @Test
  void aFlippedByteInThePayloadIsCaught() throws Exception {
    byte[] model = Files.readAllBytes(Samples.mlpMedium());
    ModelPayload payload = ModelPayload.of(model);
    assertThat(payload.open()).isEqualTo(model);
    ModelPayload corrupt = payload.corruptedForTest((int) (payload.compressedSize() / 2));
    assertThatThrownBy(corrupt::open)
        .isInstanceOf(NightshiftException.class)
        .hasMessageMatching("(?s).*(checksum mismatch: expected sha256 " + payload.sha256() + ", actual [0-9a-f]{64}"
            + "|model payload " + payload.sha256() + " does not decompress).*");
  }

  @Test
  void anUncompressedPayloadShipsTheModelAsItIsAndStillChecksItsDigest() throws Exception {
    byte[] model = Files.readAllBytes(Samples.mlpMedium());
    String sha = ModelPayload.sha256(model);
    ModelPayload stored = ModelPayload.of(model, sha, false);
    assertThat(stored.compressedSize()).isEqualTo(model.length);
    assertThat(stored.size()).isEqualTo(model.length);
    assertThat(stored.open()).isEqualTo(model);
    ModelPayload zstd = ModelPayload.of(model, sha, true);
    assertThat(zstd.compressedSize()).isLessThan(model.length);
    assertThat(zstd.open()).isEqualTo(model);
    assertThatThrownBy(stored.corruptedForTest(model.length / 2)::open)
        .isInstanceOf(NightshiftException.class)
        .hasMessageMatching("model payload checksum mismatch: expected sha256 " + sha + ", actual [0-9a-f]{64}");
  }
}
