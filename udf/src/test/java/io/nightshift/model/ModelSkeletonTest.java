package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.nightshift.NightshiftException;
import io.nightshift.model.optimize.EmbeddingTable;
import io.nightshift.model.optimize.ExternalDataFiles;
import io.nightshift.samples.Samples;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streamed skeleton of real sample models, against their full parse. */
class ModelSkeletonTest {

  static Path sample(String name) {
    return switch (name) {
      case "mlp-medium" -> Samples.mlpMedium();
      case "mlp-external" -> Samples.mlpExternal();
      case "bge-small-zh-int8" -> Samples.bgeSmallZhInt8Model();
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp-medium", "mlp-external", "bge-small-zh-int8"})
  void keepsTheGraphWithoutTheWeights(String name) throws Exception {
    Path file = sample(name);
    byte[] bytes = Files.readAllBytes(file);
    ModelProto full = ModelProto.parseFrom(bytes);
    ModelSkeleton.Read read = ModelSkeleton.read(file.toUri().toString(), new Configuration());

    assertThat(read.sha256()).isEqualTo(ModelPayload.sha256(bytes));
    ModelProto skeleton = read.model();
    // Everything but the tensors' data is the same message.
    assertThat(skeleton.getGraph().getNodeList()).isEqualTo(full.getGraph().getNodeList());
    assertThat(skeleton.getGraph().getInputList()).isEqualTo(full.getGraph().getInputList());
    assertThat(skeleton.getGraph().getOutputList()).isEqualTo(full.getGraph().getOutputList());
    assertThat(skeleton.getOpsetImportList()).isEqualTo(full.getOpsetImportList());
    assertThat(skeleton.getGraph().getInitializerCount()).isEqualTo(full.getGraph().getInitializerCount());
    long skipped = 0;
    for (int i = 0; i < full.getGraph().getInitializerCount(); i++) {
      TensorProto f = full.getGraph().getInitializer(i);
      TensorProto s = skeleton.getGraph().getInitializer(i);
      assertThat(s.getName()).isEqualTo(f.getName());
      assertThat(s.getDimsList()).isEqualTo(f.getDimsList());
      assertThat(s.getDataType()).isEqualTo(f.getDataType());
      assertThat(s.getExternalDataList()).isEqualTo(f.getExternalDataList());
      assertThat(s.getDataLocation()).isEqualTo(f.getDataLocation());
      if (f.getRawData().size() > ModelSkeleton.KEEP_BYTES) {
        assertThat(s.getRawData().isEmpty()).isTrue();
        skipped += f.getRawData().size();
      } else {
        assertThat(s.getRawData()).isEqualTo(f.getRawData());
      }
    }
    if (!name.equals("mlp-external")) { // its weights are in the data file already
      assertThat(skipped).isGreaterThan(0);
    }
    // Data cleared from both, the same model: nothing else lost or changed.
    assertThat(withoutData(skeleton)).isEqualTo(withoutData(full));
    // The checks the driver runs give the same answers on the skeleton.
    assertThat(ExternalDataFiles.locations(skeleton, name)).isEqualTo(ExternalDataFiles.locations(bytes, name));
    assertThat(ExternalDataGuard.check(skeleton, name)).isEqualTo(ExternalDataGuard.check(bytes, name));
    assertThat(EmbeddingTable.byInput(skeleton)).isEqualTo(EmbeddingTable.byInput(bytes, name));
    if (name.equals("mlp-external")) {
      assertThat(ExternalDataFiles.locations(skeleton, name)).isNotEmpty();
    }
    if (name.equals("bge-small-zh-int8")) {
      assertThat(EmbeddingTable.byInput(skeleton)).isNotEmpty();
    }
  }

  private static ModelProto withoutData(ModelProto model) {
    ModelProto.Builder b = model.toBuilder();
    var g = b.getGraphBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      g.setInitializer(i, g.getInitializer(i).toBuilder().clearRawData().clearFloatData().clearInt32Data()
          .clearStringData().clearInt64Data().clearDoubleData().clearUint64Data());
    }
    return b.build();
  }

  @Test
  void notAModelIsOneLine() {
    assertThatThrownBy(() -> ModelSkeleton.read(new ByteArrayInputStream(new byte[] {(byte) 0xff, 0x01}), "x.onnx"))
        .isInstanceOf(NightshiftException.class)
        .hasMessageStartingWith("model file x.onnx is not a loadable ONNX model: ");
  }
}
