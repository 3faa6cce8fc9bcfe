package io.nightshift.bench;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model as SynapseML 1.1.0 can load it. Its ONNX Runtime (1.8.1) reads IR version 7 and
 * opsets up to 14 only; the sample MLPs are IR 8 / opset 17. Their ops (Gemm, Relu, Softmax on
 * [batch, n]) mean the same at opset 13, so the same graph and weights are re-labelled IR 7 /
 * opset 13. Nothing else changes.
 */
final class PeerModel {
  static final long IR_VERSION = 7;
  static final long OPSET = 13;

  private PeerModel() {}

  static Path forSynapse(Path model, Path dir) throws IOException {
    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
    OnnxMl.ModelProto.Builder b = proto.toBuilder().setIrVersion(Math.min(proto.getIrVersion(), IR_VERSION));
    for (int i = 0; i < b.getOpsetImportCount(); i++) {
      OnnxMl.OperatorSetIdProto op = b.getOpsetImport(i);
      if (op.getDomain().isEmpty() && op.getVersion() > OPSET) {
        b.setOpsetImport(i, op.toBuilder().setVersion(OPSET));
      }
    }
    Files.createDirectories(dir);
    Path out = dir.resolve(model.getFileName().toString().replace(".onnx", "-ir7.onnx"));
    Files.write(out, b.build().toByteArray());
    return out;
  }
}
