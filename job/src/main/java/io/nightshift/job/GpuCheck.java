package io.nightshift.job;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSignature.TensorSpec;
import io.nightshift.model.ModelSource;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionFactory;
import io.nightshift.spark.Predictor;
import java.nio.FloatBuffer;
import java.util.EnumSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code check-gpu}: which providers this ONNX Runtime offers, which one a real inference on GPU
 * {@code N} used (or why CUDA failed), and the model's throughput on CPU and on that GPU, on
 * random rows. Needs a model with one float input of shape [batch, n] (the tabular samples).
 */
final class GpuCheck {
  private GpuCheck() {}

  static String run(String modelUri, int gpu, int batch, int seconds) {
    StringBuilder out = new StringBuilder();
    EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
    out.append("ONNX Runtime providers compiled in: ").append(providers).append('\n');
    byte[] bytes = ModelSource.read(modelUri, new Configuration());
    ModelSignature sig = Predictor.inspect(bytes, modelUri);
    if (sig.inputs().size() != 1) {
      throw NightshiftException.invalid("check-gpu needs a model with one input; %s has %s", modelUri, sig.inputs().keySet());
    }
    TensorSpec in = sig.inputs().values().iterator().next();
    long width = in.elementsPerRow();
    if (width <= 0 || in.shape().length != 2) {
      throw NightshiftException.invalid("check-gpu needs an input of shape [batch, n]; %s is %s", modelUri, in);
    }
    float[] data = new float[(int) (batch * width)];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    measure(out, "cpu", bytes, modelUri, Device.CPU, Enums.Device.CPU, in, data, batch, width, seconds);
    measure(out, "gpu " + gpu, bytes, modelUri, Device.cuda(gpu), Enums.Device.AUTO, in, data, batch, width, seconds);
    return out.toString();
  }

  private static void measure(StringBuilder out, String label, byte[] bytes, String name, Device device,
      Enums.Device wanted, TensorSpec in, float[] data, int batch, long width, int seconds) {
    OrtEnvironment env = SessionFactory.environment();
    try (ScoringSession s = SessionFactory.create(bytes, name, device, wanted, 1)) {
      out.append(label).append(": provider used ").append(s.provider());
      if (!s.fallbackReason().isEmpty()) {
        out.append(" (fell back to CPU: ").append(s.fallbackReason()).append(')');
      }
      long rows = 0;
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long start = System.nanoTime();
      while (System.nanoTime() < end) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {batch, width});
            OrtSession.Result r = s.session().run(Map.of(in.name(), t))) {
          rows += batch;
        }
      }
      double secs = (System.nanoTime() - start) / 1e9;
      out.append(String.format(", %.0f rows/s (batch %d, %.1f s)%n", rows / secs, batch, secs));
    } catch (OrtException e) {
      throw new NightshiftException(e, "check-gpu: inference failed on %s: %s", label, e.getMessage());
    }
  }
}
