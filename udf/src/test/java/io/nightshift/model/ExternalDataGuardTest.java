package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalDataGuardTest {
  @TempDir Path tmp;

  static TensorProto external(String name, String location) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(4)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
        .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
        .build();
  }

  static ModelProto withInitializer(TensorProto t) {
    return ModelProto.newBuilder().setGraph(GraphProto.newBuilder().addInitializer(t)).build();
  }

  @Test
  void theSampleExternalDataModelIsAllowedAndItsFileListed() throws Exception {
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(Samples.mlpExternal()));
    assertThat(ExternalDataGuard.check(model, Samples.mlpExternal().getParent(), "mlp-external"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.location()).isEqualTo(Samples.mlpExternalData().getFileName().toString()));
    assertThat(ExternalDataGuard.check(Files.readAllBytes(Samples.mlpSmall()), "mlp-small")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"w.bin", "weights/w.bin", "./w.bin", "a/../w.bin", "a\\b.bin"})
  void locationsInsideTheFolderPass(String location) {
    assertThat(ExternalDataGuard.check(withInitializer(external("w", location)), "m.onnx"))
        .containsExactly(new ExternalDataGuard.ExternalRef("w", location));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../w.bin", "a/../../w.bin", "..\\w.bin", "/etc/passwd", "\\\\server\\share\\w", "C:\\w.bin",
      "file:///etc/passwd", "~/w.bin"})
  void locationsOutsideTheFolderAreRefusedNamingTensorAndLocation(String location) {
    assertThatThrownBy(() -> ExternalDataGuard.check(withInitializer(external("fc1.weight", location)), "m.onnx"))
        .isInstanceOf(NightshiftException.class)
        .hasMessageContaining("model m.onnx: tensor 'fc1.weight' loads external data from '" + location + "'")
        .hasMessageContaining("only files inside the model's own folder")
        .satisfies(e -> assertThat(((NightshiftException) e).exitCode()).isEqualTo(ExitCode.INVALID));
  }

  @Test
  void tensorsInConstantsAndSubgraphsAreCheckedToo() {
    NodeProto constant = NodeProto.newBuilder().setOpType("Constant").addOutput("c")
        .addAttribute(AttributeProto.newBuilder().setName("value").setT(external("const", "../c.bin")))
        .build();
    ModelProto inConstant = ModelProto.newBuilder().setGraph(GraphProto.newBuilder().addNode(constant)).build();
    assertThatThrownBy(() -> ExternalDataGuard.check(inConstant, "m.onnx")).hasMessageContaining("tensor 'const'");

    GraphProto branch = GraphProto.newBuilder().addInitializer(external("inner", "/tmp/x.bin")).build();
    NodeProto ifNode = NodeProto.newBuilder().setOpType("If").addInput("cond").addOutput("y")
        .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(branch))
        .build();
    ModelProto inSubgraph = ModelProto.newBuilder().setGraph(GraphProto.newBuilder().addNode(ifNode)).build();
    assertThatThrownBy(() -> ExternalDataGuard.check(inSubgraph, "m.onnx")).hasMessageContaining("tensor 'inner'");
  }

  @Test
  void aTensorWithoutALocationIsRefused() {
    TensorProto t = TensorProto.newBuilder().setName("w").setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
    assertThatThrownBy(() -> ExternalDataGuard.check(withInitializer(t), "m.onnx"))
        .hasMessageContaining("tensor 'w' keeps its data externally but names no location");
  }

  @Test
  void aSymbolicLinkOutOfTheFolderIsRefusedWhenTheFolderIsKnown() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Path secret = Files.writeString(tmp.resolve("secret.bin"), "secret");
    Files.createSymbolicLink(models.resolve("w.bin"), secret);
    ModelProto model = withInitializer(external("w", "w.bin"));
    assertThat(ExternalDataGuard.check(model, "m.onnx")).hasSize(1);
    assertThatThrownBy(() -> ExternalDataGuard.check(model, models, "m.onnx"))
        .hasMessageContaining("tensor 'w' loads external data from 'w.bin', which resolves to " + secret.toRealPath())
        .hasMessageContaining("outside the model's folder");
  }

  @Test
  void bytesThatAreNotAModelAreRefused() {
    assertThatThrownBy(() -> ExternalDataGuard.check(new byte[] {8, 7, (byte) 0xff, 1}, "junk.onnx"))
        .hasMessageContaining("model file junk.onnx is not a loadable ONNX model");
  }
}
