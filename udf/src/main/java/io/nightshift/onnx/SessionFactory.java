package io.nightshift.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates sessions with the options Nightshift uses, on the device asked for. */
public final class SessionFactory {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);
  static final String CPU_PROVIDER = "CPUExecutionProvider";
  static final String CUDA_PROVIDER = "CUDAExecutionProvider";
  static final String CUDA_HINT =
      "check that the executor has an NVIDIA GPU and that CUDA 12 and cuDNN 9 libraries "
          + "(libcudart, libcublasLt, libcudnn) are on its LD_LIBRARY_PATH";

  private SessionFactory() {}

  /** The one environment of this JVM. It is never closed. */
  public static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /**
   * A new session over {@code model} on {@code device}. With {@code wanted == AUTO} a CUDA failure
   * falls back to the CPU and says why; with {@code CUDA} it fails with ONNX Runtime's message.
   */
  public static ScoringSession create(
      byte[] model, String modelName, Device device, Enums.Device wanted, int threads) {
    long start = System.nanoTime();
    Device used = device;
    String fallback = "";
    try (SessionOptions options = baseOptions(threads)) {
      if (device.kind() == Device.Kind.CUDA) {
        try {
          options.addCUDA(device.gpuId());
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
          if (wanted == Enums.Device.CUDA) {
            throw new NightshiftException(
                e, "model.device is cuda but the CUDA provider failed for GPU %d: %s; %s",
                device.gpuId(), e.getMessage(), CUDA_HINT);
          }
          fallback = "CUDA provider failed for GPU " + device.gpuId() + ": " + e.getMessage();
          LOG.warn("Falling back to CPU for model {}: {}; {}", modelName, fallback, CUDA_HINT);
          used = Device.CPU;
        }
      }
      OrtSession session = environment().createSession(model, options);
      long millis = (System.nanoTime() - start) / 1_000_000;
      String provider = used.kind() == Device.Kind.CUDA ? CUDA_PROVIDER : CPU_PROVIDER;
      LOG.info("Loaded model {} on {} ({}) with {} intra-op thread(s) in {} ms",
          modelName, used, provider, threads, millis);
      return new ScoringSession(session, used, provider, fallback, millis);
    } catch (OrtException e) {
      throw new NightshiftException(
          e, "ONNX Runtime cannot load model %s on %s: %s", modelName, used, e.getMessage());
    }
  }

  private static SessionOptions baseOptions(int threads) throws OrtException {
    SessionOptions options = new SessionOptions();
    options.setIntraOpNumThreads(threads);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
    // Several task threads share one session: spinning pool threads would steal their cores.
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    return options;
  }
}
