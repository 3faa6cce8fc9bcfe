package io.nightshift.spark;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.Distribution;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.model.optimize.ExternalDataFiles;
import io.nightshift.model.ModelBundle;
import io.nightshift.model.ModelCache;
import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSource;
import io.nightshift.model.optimize.ModelOptimizer;
import io.nightshift.model.optimize.OptimizeReport;
import io.nightshift.model.optimize.OptimizedModel;
import io.nightshift.model.optimize.Precision;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's part of shipping a model: read it (and check its external data files exist), check
 * the sha256 pin, apply {@code model.precision}, read its signature, and choose how it travels
 * ({@code model.distribution}). Every failure here happens before launch and names the file.
 */
final class ModelPreparer {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPreparer.class);

  private ModelPreparer() {}

  /**
   * The model ready to ship.
   *
   * @param bytes the model in memory when it is broadcast, else null
   * @param bundle the files when they are shipped as files, else null
   * @param report what the optimizer did, or null when precision is fp32
   * @param optimized true when the shipped model is not the file read (precision applied)
   */
  record Prepared(
      String sha256,
      long size,
      ModelSignature signature,
      Distribution distribution,
      byte[] bytes,
      ModelBundle bundle,
      OptimizeReport report,
      boolean optimized) {}

  static Prepared prepare(SparkContext sc, ModelSpec model) {
    Configuration conf = sc.hadoopConfiguration();
    String uri = model.uri();
    byte[] bytes = ModelSource.read(uri, conf);
    String mainSha = ModelPayload.sha256(bytes);
    if (!model.sha256().isEmpty() && !model.sha256().equals(mainSha)) {
      throw NightshiftException.invalid(
          "model.sha256: model file %s has sha256 %s, the job pins %s", uri, mainSha, model.sha256());
    }
    // Refused before anything is loaded: external data outside the model's folder, and native
    // custom-op code the job did not allow.
    io.nightshift.model.ExternalDataGuard.check(bytes, uri);
    Predictor.customOpsLibrary(model);
    Map<String, String> locations;
    try {
      locations = ExternalDataFiles.locations(bytes, uri);
    } catch (NightshiftException e) {
      throw NightshiftException.invalid(e, "model file %s is not a loadable ONNX model: %s", uri, e.getMessage());
    }
    ModelBundle bundle = ModelBundle.of(uri, mainSha, bytes.length, locations, conf);

    OptimizeReport report = null;
    if (model.precision() != ModelPrecision.FP32) {
      OptimizedModel optimized = optimize(model, bytes, bundle, conf);
      report = optimized.report();
      if (report.alreadyQuantized()) {
        LOG.warn("model.precision is {} but model {} is quantized already ({}); shipping it as it is",
            model.precision().name().toLowerCase(), uri, String.join(", ", report.quantizationMarkers()));
      } else {
        LOG.info("Optimized model {}:\n{}", uri, report.describe());
        if (!report.skipped().isEmpty()) {
          LOG.warn("model.precision {}: {} tensor(s) of {} kept as they were, e.g. {}: {}",
              model.precision().name().toLowerCase(), report.skipped().size(), uri,
              report.skipped().get(0).name(), report.skipped().get(0).reason());
        }
        bytes = optimized.bytes();
        String sha = ModelPayload.sha256(bytes);
        bundle = ModelBundle.single(new org.apache.hadoop.fs.Path(uri).getName(), null, bytes.length, sha);
        return ship(sc, model, bundle, bytes, report, true);
      }
    }
    return ship(sc, model, bundle, bundle.externalData().isEmpty() ? bytes : null, report, false);
  }

  private static Prepared ship(SparkContext sc, ModelSpec model, ModelBundle bundle, byte[] bytes,
      OptimizeReport report, boolean optimized) {
    Distribution distribution = model.distribution();
    if (distribution == Distribution.BROADCAST && bytes == null) {
      throw NightshiftException.invalid(
          "model.distribution is broadcast but model %s keeps its weights in external data file(s) %s;"
              + " use files or auto", model.uri(), bundle.externalData().stream().map(ModelBundle.File::relativePath).toList());
    }
    if (distribution == Distribution.AUTO) {
      distribution = bytes != null && bundle.totalSize() <= model.maxBroadcastSize()
          ? Distribution.BROADCAST : Distribution.FILES;
    }
    ModelSignature signature;
    if (distribution == Distribution.BROADCAST) {
      signature = Predictor.inspect(bytes, model.uri(), Predictor.customOpsLibrary(model));
    } else {
      if (optimized) {
        // The driver made this file: put it in the driver's cache; a cluster's executors get it
        // through SparkContext.addFile, local mode reads it in place.
        Path local = ModelCache.store(bytes, bundle.sha256(), bundle.main().relativePath(), model.cacheDir());
        String source = local.toUri().toString();
        if (!sc.isLocal()) {
          String name = bundle.sha256().substring(0, 16) + "-" + bundle.main().relativePath();
          Path staged = stage(local, name);
          sc.addFile(staged.toString());
          source = ModelBundle.SPARK_FILES + name;
        }
        ModelBundle.File f = bundle.main();
        bundle = ModelBundle.single(f.relativePath(), source, f.size(), f.sha256());
        bytes = null;
      }
      signature = inspect(bundle, model);
      bytes = null;
    }
    LOG.info("Model {}: sha256 {}, {} bytes in {} file(s), shipped by {}", model.uri(), bundle.sha256(),
        bundle.totalSize(), bundle.files().size(), distribution.name().toLowerCase());
    return new Prepared(bundle.sha256(), bundle.totalSize(), signature, distribution, bytes, bundle, report, optimized);
  }

  /** The signature, read from a local copy of the files through a short-lived CPU session. */
  private static ModelSignature inspect(ModelBundle bundle, ModelSpec model) {
    Path local;
    java.net.URI source = new org.apache.hadoop.fs.Path(bundle.main().source()).toUri();
    if ("file".equals(source.getScheme())) {
      // A local model loads in place, next to its external data.
      local = Path.of(source.getPath());
    } else {
      local = ModelCache.fetch(bundle, model.cacheDir(), new Configuration());
    }
    ScoringSession session;
    try {
      session = SessionFactory.create(
          local, model.uri(), Device.CPU, io.nightshift.config.Enums.Device.CPU, 1,
          io.nightshift.config.JobConfig.CudaOptions.DEFAULTS, Predictor.customOpsLibrary(model));
    } catch (NightshiftException e) {
      if (e.exitCode() == io.nightshift.ExitCode.INVALID) {
        throw e;
      }
      throw NightshiftException.invalid(
          e, "model file %s is not a loadable ONNX model: %s", model.uri(), Predictor.rootMessage(e));
    }
    try (session) {
      return ModelSignature.of(session.session(), model.uri());
    } catch (ai.onnxruntime.OrtException e) {
      throw new NightshiftException(e, "cannot close the inspection session of %s", model.uri());
    }
  }

  private static OptimizedModel optimize(ModelSpec model, byte[] bytes, ModelBundle bundle, Configuration conf) {
    Precision precision = model.precision() == ModelPrecision.INT8 ? Precision.INT8 : Precision.FP16;
    ModelOptimizer optimizer = new ModelOptimizer(model.int8MinElements());
    if (bundle.externalData().isEmpty()) {
      return optimizer.optimize(bytes, model.uri(), precision);
    }
    // External data is read from beside the model file: work on a local copy of the bundle.
    Path local = ModelCache.fetch(bundle, model.cacheDir(), conf);
    try {
      Path out = Files.createTempFile("nightshift-optimized-", ".onnx");
      try {
        OptimizeReport report = optimizer.optimize(local, precision, out);
        return new OptimizedModel(Files.readAllBytes(out), report);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot optimize model %s: %s", model.uri(), e.getMessage());
    }
  }

  private static Path stage(Path local, String name) {
    try {
      Path dir = Files.createTempDirectory(ModelCache.SHIP_PREFIX);
      Path staged = dir.resolve(name);
      // Gone when the driver exits normally (deleteOnExit runs in reverse order: file, then
      // folder); a killed driver's folder is bounded by output.cleanup.* on the next run.
      dir.toFile().deleteOnExit();
      staged.toFile().deleteOnExit();
      try {
        Files.createLink(staged, local);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(local, staged);
      }
      return staged;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot stage model %s for SparkContext.addFile: %s", local, e.getMessage());
    }
  }
}
