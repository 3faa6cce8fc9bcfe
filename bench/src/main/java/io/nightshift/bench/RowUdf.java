package io.nightshift.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The row-at-a-time baseline: what a user writes first. A plain Spark Java UDF over the
 * {@code features} array that runs a JVM-wide cached session on one row, and returns the
 * probability of class 1. Thread-safe (OrtSession.run is).
 */
final class RowUdf implements UDF1<scala.collection.Seq<Object>, Float> {
  private static final Map<String, OrtSession> SESSIONS = new ConcurrentHashMap<>();
  private final String model;
  private final String input;

  RowUdf(Path model, String input) {
    this.model = model.toAbsolutePath().toString();
    this.input = input;
  }

  @Override
  public Float call(scala.collection.Seq<Object> features) throws OrtException {
    OrtSession session = SESSIONS.computeIfAbsent(model, RowUdf::open);
    float[][] x = new float[1][features.length()];
    for (int i = 0; i < x[0].length; i++) {
      x[0][i] = (Float) features.apply(i);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor t = OnnxTensor.createTensor(env, x);
        OrtSession.Result r = session.run(Map.of(input, t))) {
      float[][] out = (float[][]) r.get(0).getValue();
      return out[0][out[0].length - 1];
    }
  }

  /** A session with 1 intra-op thread and ONNX Runtime's other defaults, as a user opens one. */
  static OrtSession open(String path) {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      return OrtEnvironment.getEnvironment().createSession(Files.readAllBytes(Path.of(path)), o);
    } catch (Exception e) {
      throw new IllegalStateException("cannot open " + path + ": " + e.getMessage(), e);
    }
  }
}
