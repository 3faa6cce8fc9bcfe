package io.nightshift.samples.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import io.nightshift.samples.OrtSupport;
import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExternalDataMlpTest {

  @Test
  void weightsLiveInTheDataFile() throws Exception {
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Samples.mlpExternal()));
    String dataName = Samples.mlpExternalData().getFileName().toString();
    long dataSize = Files.size(Samples.mlpExternalData());
    assertThat(model.getGraph().getInitializerList()).hasSize(6);
    for (OnnxMl.TensorProto tensor : model.getGraph().getInitializerList()) {
      assertThat(tensor.getDataLocation()).isEqualTo(OnnxMl.TensorProto.DataLocation.EXTERNAL);
      assertThat(tensor.getRawData().isEmpty()).isTrue();
      Map<String, String> entries =
          tensor.getExternalDataList().stream()
              .collect(
                  Collectors.toMap(
                      OnnxMl.StringStringEntryProto::getKey,
                      OnnxMl.StringStringEntryProto::getValue));
      assertThat(entries)
          .containsOnlyKeys("location", "offset", "length")
          .containsEntry("location", dataName);
      long offset = Long.parseLong(entries.get("offset"));
      long length = Long.parseLong(entries.get("length"));
      long elements = tensor.getDimsList().stream().reduce(1L, (a, b) -> a * b);
      assertThat(offset % ExternalDataMlp.ALIGNMENT).isZero();
      assertThat(length).isEqualTo(elements * Float.BYTES);
      assertThat(offset + length).isLessThanOrEqualTo(dataSize);
    }
    assertThat(Files.size(Samples.mlpExternal())).isLessThan(4096);
  }

  @Test
  void loadsFromItsPathAndMatchesMlpSmall() throws Exception {
    float[][] x = MlpTest.randomRows(64, 32, 42);
    try (OrtSession external = OrtSupport.session(Samples.mlpExternal());
        OrtSession inline = OrtSupport.session(Samples.mlpSmall())) {
      assertThat(external.getInputNames()).containsExactly("features");
      float[][] expected = OrtSupport.run(inline, "features", x, "probabilities");
      float[][] actual = OrtSupport.run(external, "features", x, "probabilities");
      assertThat(actual).isDeepEqualTo(expected);
    }
  }
}
