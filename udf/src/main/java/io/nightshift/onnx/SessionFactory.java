package io.nightshift.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import io.nightshift.config.JobConfig.CudaOptions;
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
    return create(model, modelName, device, wanted, threads, CudaOptions.DEFAULTS);
  }

  /** As {@link #create(byte[], String, Device, Enums.Device, int)}, with CUDA provider options. */
  public static ScoringSession create(
      byte[] model, String modelName, Device device, Enums.Device wanted, int threads, CudaOptions cuda) {
    return create(Source.of(model), modelName, device, wanted, threads, cuda, "");
  }

  /**
   * As {@link #create(byte[], String, Device, Enums.Device, int, CudaOptions)}, registering the
   * native custom-op library at {@code customOpsLibrary} first (empty: none). Callers pass a library
   * only when the job allowed native code ({@code model.allow-custom-ops}); this class does not
   * re-check that.
   */
  public static ScoringSession create(
      byte[] model, String modelName, Device device, Enums.Device wanted, int threads, CudaOptions cuda,
      String customOpsLibrary) {
    return create(Source.of(model), modelName, device, wanted, threads, cuda, customOpsLibrary);
  }

  /**
   * A new session over the model file at {@code path}, loaded by ONNX Runtime from disk (external
   * data is read from beside it), never through a Java array; otherwise as {@link #create(byte[],
   * String, Device, Enums.Device, int, CudaOptions)}.
   */
  public static ScoringSession create(
      java.nio.file.Path path, String modelName, Device device, Enums.Device wanted, int threads,
      CudaOptions cuda) {
    return create(Source.of(path), modelName, device, wanted, threads, cuda, "");
  }

  /** As {@link #create(java.nio.file.Path, String, Device, Enums.Device, int, CudaOptions)}, with a custom-op library. */
  public static ScoringSession create(
      java.nio.file.Path path, String modelName, Device device, Enums.Device wanted, int threads,
      CudaOptions cuda, String customOpsLibrary) {
    return create(Source.of(path), modelName, device, wanted, threads, cuda, customOpsLibrary);
  }

  /** Bytes or a path: what ONNX Runtime loads a model from. */
  private record Source(byte[] bytes, String path) {
    static Source of(byte[] bytes) {
      return new Source(bytes, null);
    }

    static Source of(java.nio.file.Path path) {
      return new Source(null, path.toAbsolutePath().toString());
    }

    OrtSession open(SessionOptions options) throws OrtException {
      return bytes != null
          ? environment().createSession(bytes, options)
          : environment().createSession(path, options);
    }
  }

  private static ScoringSession create(
      Source model, String modelName, Device device, Enums.Device wanted, int threads, CudaOptions cuda,
      String customOpsLibrary) {
    // The environment first: in a fresh executor JVM, CUDA provider options made before it fail
    // with "Attempt to use DefaultLogger but none has been registered" instead of the real reason.
    environment();
    long start = System.nanoTime();
    Device used = device;
    String fallback = "";
    try (SessionOptions options = baseOptions(threads)) {
      if (!customOpsLibrary.isEmpty()) {
        try {
          options.registerCustomOpLibrary(customOpsLibrary);
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
          throw NightshiftException.invalid(
              e, "model.custom-ops-library: ONNX Runtime cannot load %s: %s", customOpsLibrary, e.getMessage());
        }
        LOG.warn("Registered native custom-op library {} for model {}", customOpsLibrary, modelName);
      }
      if (device.kind() == Device.Kind.CUDA) {
        try {
          addGpuProviders(options, device.gpuId(), cuda);
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
      OrtSession session = model.open(options);
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

  private static void addGpuProviders(SessionOptions options, int gpuId, CudaOptions cuda)
      throws OrtException {
    if (cuda.tensorrt()) {
      options.addTensorrt(gpuId);
    }
    try (OrtCUDAProviderOptions provider = new OrtCUDAProviderOptions(gpuId)) {
      if (cuda.memoryLimit() > 0) {
        provider.add("gpu_mem_limit", Long.toString(cuda.memoryLimit()));
      }
      provider.add("arena_extend_strategy",
          cuda.arenaStrategy() == Enums.ArenaStrategy.NEXT_POWER_OF_TWO ? "kNextPowerOfTwo" : "kSameAsRequested");
      provider.add("cudnn_conv_algo_search", cuda.convAlgoSearch().name());
      provider.add("do_copy_in_default_stream", cuda.copyInDefaultStream() ? "1" : "0");
      options.addCUDA(provider);
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
