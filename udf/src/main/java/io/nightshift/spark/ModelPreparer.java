package io.nightshift.spark;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.Distribution;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.model.optimize.EmbeddingTable;
import io.nightshift.model.optimize.ExternalDataFiles;
import io.nightshift.model.ModelBundle;
import io.nightshift.model.ModelCache;
import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSignature;
import io.nightshift.model.ModelSkeleton;
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

  /** A model file read whole must be at most this fraction (1/n) of the driver's heap. */
  static final int HEAP_FRACTION = 8;

  private ModelPreparer() {}

  /**
   * The model ready to ship.
   *
   * @param bytes the model in memory when it is broadcast, else null
   * @param bundle the files when they are shipped as files, else null
   * @param report what the optimizer did, or null when precision is fp32
   * @param optimized true when the shipped model is not the file read (precision applied)
   * @param batchDependent the shipped model's first node whose result for a row depends on the rows
   *     run with it (dynamic activation quantization), described, or null when there is none
   */
  record Prepared(
      String sha256,
      long size,
      ModelSignature signature,
      Distribution distribution,
      byte[] bytes,
      ModelBundle bundle,
      OptimizeReport report,
      boolean optimized,
      Map<String, EmbeddingTable.Table> embeddings,
      String batchDependent) {

    /** The same, with the embedding tables of the model's integer inputs (text models). */
    Prepared withEmbeddings(Map<String, EmbeddingTable.Table> tables) {
      return new Prepared(sha256, size, signature, distribution, bytes, bundle, report, optimized, tables,
          batchDependent);
    }

    /** The same, knowing whether the shipped graph makes a row's result depend on its batch. */
    Prepared withBatchDependent(ModelProto graph) {
      return new Prepared(sha256, size, signature, distribution, bytes, bundle, report, optimized, embeddings,
          ModelOptimizer.batchDependent(graph).orElse(null));
    }
  }

  static Prepared prepare(SparkContext sc, ModelSpec model) {
    Configuration conf = sc.hadoopConfiguration();
    String uri = model.uri();
    // A model over http(s) is streamed to a local file once, and read from there like any other.
    String source = uri;
    boolean downloaded = ModelSource.isHttp(uri);
    if (downloaded) {
      Path file = ModelSource.download(uri, "model file");
      file.getParent().toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      source = file.toUri().toString();
    }
    long size = ModelSource.length(source, conf, "model file", "an ONNX file");
    long heap = Runtime.getRuntime().maxMemory();
    boolean fits = inMemory(size, model, heap);
    boolean inPlace = fits && !downloaded && readInPlace(sc, model, source);
    if (inPlace || !fits) {
      return prepareFromPath(sc, model, source, size, heap, downloaded, inPlace);
    }
    byte[] bytes = ModelSource.read(source, conf);
    String mainSha = ModelPayload.sha256(bytes);
    if (!model.sha256().isEmpty() && !model.sha256().equals(mainSha)) {
      throw NightshiftException.invalid(
          "model.sha256: model file %s has sha256 %s, the job pins %s", uri, mainSha, model.sha256());
    }
    // Refused before anything is loaded: external data outside the model's folder, and native
    // custom-op code the job did not allow.
    // One pass over the bytes with tensor data skipped serves every check of the graph below: a full
    // parse of a 58-90 MB text model cost 0.1 s or more each, three times per run.
    ModelProto graph = skeleton(bytes, uri);
    io.nightshift.model.ExternalDataGuard.check(graph, uri);
    Predictor.customOpsLibrary(model);
    Map<String, String> locations;
    try {
      locations = ExternalDataFiles.locations(graph, uri);
    } catch (NightshiftException e) {
      throw NightshiftException.invalid(e, "model file %s is not a loadable ONNX model: %s", uri, e.getMessage());
    }
    if (downloaded && !locations.isEmpty()) {
      throw NightshiftException.invalid(
          "model file %s keeps weights in external data file(s) %s; a model read over http(s) must be"
              + " one file: put the folder on a file system (local, hdfs://, s3a://) instead",
          uri, locations.keySet());
    }
    ModelBundle bundle = ModelBundle.of(source, mainSha, bytes.length, locations, conf);
    // A text model's tokenizer is checked against the table its ids index (shapes only).
    Map<String, EmbeddingTable.Table> tables = model.hasTokenizer() ? EmbeddingTable.byInput(graph) : Map.of();

    OptimizeReport report = null;
    if (model.precision() != ModelPrecision.FP32) {
      OptimizedModel optimized = optimize(model, bytes, bundle, conf);
      report = optimized.report();
      if (report.alreadyQuantized()) {
        LOG.warn("model.precision is {} but model {} is quantized already ({}); shipping it as it is",
            model.precision().name().toLowerCase().replace('_', '-'), uri, String.join(", ", report.quantizationMarkers()));
      } else {
        LOG.info("Optimized model {}:\n{}", uri, report.describe());
        if (!report.skipped().isEmpty()) {
          LOG.warn("model.precision {}: {} tensor(s) of {} kept as they were, e.g. {}: {}",
              model.precision().name().toLowerCase().replace('_', '-'), report.skipped().size(), uri,
              report.skipped().get(0).name(), report.skipped().get(0).reason());
        }
        bytes = optimized.bytes();
        String sha = ModelPayload.sha256(bytes);
        bundle = ModelBundle.single(new org.apache.hadoop.fs.Path(uri).getName(), null, bytes.length, sha);
        return ship(sc, model, bundle, bytes, report, true, true).withEmbeddings(tables)
            .withBatchDependent(skeleton(bytes, uri));
      }
    }
    return ship(sc, model, bundle, bundle.externalData().isEmpty() ? bytes : null, report, false, downloaded)
        .withEmbeddings(tables).withBatchDependent(graph);
  }

  /** The graph of a model in memory without its tensor data (cheap: tensor bytes are skipped). */
  private static ModelProto skeleton(byte[] bytes, String uri) {
    return ModelSkeleton.read(new java.io.ByteArrayInputStream(bytes), uri);
  }

  /**
   * Whether the driver reads the model file whole into its heap (to broadcast it, or to rewrite it
   * for {@code model.precision}). Never for a file over 1/{@value #HEAP_FRACTION} of the heap
   * ({@code Runtime.maxMemory()}): the bytes, their parse and the broadcast's copies take several
   * times the file. Below that, unless the model is broadcast, rewritten, or at most {@code
   * model.max-broadcast-size}, it is not needed in memory either: it ships as files.
   */
  static boolean inMemory(long size, ModelSpec model, long heap) {
    if (size > heap / HEAP_FRACTION) {
      return false;
    }
    return model.distribution() == Distribution.BROADCAST || model.precision() != ModelPrecision.FP32
        || size <= model.maxBroadcastSize();
  }

  /**
   * Whether an fp32 model with {@code model.distribution: auto} is read in place: in Spark's local
   * mode the executors are this JVM, so a model on the local file system needs neither the driver's
   * copy in its heap nor a broadcast; its sha256 and skeleton are streamed, and the session is made
   * from the path (which ONNX Runtime loads faster than bytes). Measured per run on the 58 MB
   * int8-dynamic MiniLM: reading it whole took about 0.2 s on this machine.
   */
  static boolean readInPlace(SparkContext sc, ModelSpec model, String source) {
    if (!sc.isLocal() || model.distribution() != Distribution.AUTO || model.precision() != ModelPrecision.FP32) {
      return false;
    }
    try {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(source);
      return path.getFileSystem(sc.hadoopConfiguration()) instanceof org.apache.hadoop.fs.LocalFileSystem;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The model prepared from its file without holding it in memory: sha256 and the graph's skeleton
   * ({@link ModelSkeleton}, no tensor data) streamed in one pass, the signature read by ONNX Runtime
   * from a local path (the file itself on a local file system, else the driver's model cache), and
   * the model shipped as files. What would need it whole is refused with one line naming the file,
   * its size and the heap.
   */
  private static Prepared prepareFromPath(
      SparkContext sc, ModelSpec model, String source, long size, long heap, boolean downloaded, boolean inPlace) {
    String uri = model.uri();
    if (model.precision() != ModelPrecision.FP32) {
      throw NightshiftException.invalid(
          "model.precision %s: model file %s is %d MiB, more than 1/%d of the driver's heap (%d MiB),"
              + " and the optimizer rewrites a model in memory: give the driver more memory"
              + " (spark.driver.memory, at least %d MiB) or use model.precision: fp32",
          model.precision().name().toLowerCase().replace('_', '-'), uri, mib(size), HEAP_FRACTION, mib(heap),
          mib(size) * HEAP_FRACTION + 1);
    }
    if (model.distribution() == Distribution.BROADCAST) {
      throw NightshiftException.invalid(
          "model.distribution is broadcast but model file %s is %d MiB, more than 1/%d of the driver's"
              + " heap (%d MiB): use files or auto, or give the driver more memory (spark.driver.memory)",
          uri, mib(size), HEAP_FRACTION, mib(heap));
    }
    ModelSkeleton.Read read = ModelSkeleton.read(source, sc.hadoopConfiguration());
    if (!model.sha256().isEmpty() && !model.sha256().equals(read.sha256())) {
      throw NightshiftException.invalid(
          "model.sha256: model file %s has sha256 %s, the job pins %s", uri, read.sha256(), model.sha256());
    }
    io.nightshift.model.ExternalDataGuard.check(read.model(), uri);
    Predictor.customOpsLibrary(model);
    Map<String, String> locations = ExternalDataFiles.locations(read.model(), uri);
    if (downloaded && !locations.isEmpty()) {
      throw NightshiftException.invalid(
          "model file %s keeps weights in external data file(s) %s; a model read over http(s) must be"
              + " one file: put the folder on a file system (local, hdfs://, s3a://) instead",
          uri, locations.keySet());
    }
    ModelBundle bundle = ModelBundle.of(source, read.sha256(), size, locations, sc.hadoopConfiguration());
    Map<String, EmbeddingTable.Table> tables = model.hasTokenizer() ? EmbeddingTable.byInput(read.model()) : Map.of();
    if (downloaded && !sc.isLocal()) {
      // The downloaded file exists only on the driver: a cluster's executors get it by addFile.
      String name = bundle.sha256().substring(0, 16) + "-" + bundle.main().relativePath();
      sc.addFile(stage(Path.of(java.net.URI.create(source)), name).toString());
      ModelBundle.File f = bundle.main();
      bundle = ModelBundle.single(f.relativePath(), ModelBundle.SPARK_FILES + name, f.size(), f.sha256());
    }
    ModelBundle checked = bundle;
    ModelSignature signature = signature(bundle.sha256(), model, () -> inspect(checked, model));
    if (inPlace) {
      LOG.info("Model {}: sha256 {}, {} bytes in {} file(s), on the local file system of a local-mode job: read"
          + " in place from its path, shipped by files", uri, bundle.sha256(), bundle.totalSize(), bundle.files().size());
    } else {
      LOG.info("Model {}: sha256 {}, {} bytes in {} file(s), over 1/{} of the driver's heap: read from its"
              + " path, shipped by files", uri, bundle.sha256(), bundle.totalSize(), bundle.files().size(),
          HEAP_FRACTION);
    }
    return new Prepared(bundle.sha256(), bundle.totalSize(), signature, Distribution.FILES, null, bundle, null,
        false, tables, null).withBatchDependent(read.model());
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }

  /**
   * @param onDriverOnly the model's bytes exist only on the driver (optimized here, or downloaded
   *     over http): shipped as files, they are cached and, on a cluster, added with addFile
   */
  private static Prepared ship(SparkContext sc, ModelSpec model, ModelBundle bundle, byte[] bytes,
      OptimizeReport report, boolean optimized, boolean onDriverOnly) {
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
      // ONNX Runtime loads a local file faster than the same bytes from a Java array (0.53 against
      // 0.93 s for the fp32 MiniLM, 0.43 against 1.23 s for bge-small; SessionLoadBench), and every
      // run pays this load on the driver. The bytes read were this file's (checked by prepare()).
      ModelBundle b = bundle;
      byte[] shipped = bytes;
      signature = signature(bundle.sha256(), model, () -> !optimized && !onDriverOnly && localFile(b)
          ? inspect(b, model)
          : Predictor.inspect(shipped, model.uri(), Predictor.customOpsLibrary(model)));
    } else {
      if (onDriverOnly) {
        // The driver made (or downloaded) this file: put it in the driver's cache; a cluster's executors get it
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
      ModelBundle b = bundle;
      signature = signature(bundle.sha256(), model, () -> inspect(b, model));
      bytes = null;
    }
    LOG.info("Model {}: sha256 {}, {} bytes in {} file(s), shipped by {}", model.uri(), bundle.sha256(),
        bundle.totalSize(), bundle.files().size(), distribution.name().toLowerCase());
    return new Prepared(bundle.sha256(), bundle.totalSize(), signature, distribution, bytes, bundle, report, optimized,
        Map.of(), null);
  }

  /**
   * Signatures of the models this JVM's ONNX Runtime has loaded for {@link #inspect}, by the shipped
   * model's sha256 and the custom-op library: a driver that runs several jobs (the tests, the
   * benchmark's repeated runs, a long-lived session) loads a model once to check it, not once per
   * run (0.4-1.2 s for the text models here). Changed bytes have another sha256 and are loaded again.
   * At most {@value #SIGNATURES_KEPT} are kept, least recently used first out. Thread-safe.
   */
  private static final Map<String, ModelSignature> SIGNATURES =
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ModelSignature> eldest) {
          return size() > SIGNATURES_KEPT;
        }
      });

  static final int SIGNATURES_KEPT = 64;

  /** Models this JVM has loaded through ONNX Runtime to read their signatures (for tests). */
  private static final java.util.concurrent.atomic.AtomicLong INSPECTIONS = new java.util.concurrent.atomic.AtomicLong();

  static long inspections() {
    return INSPECTIONS.get();
  }

  /** The signature of the shipped model {@code sha256}: known in this JVM, else {@code load}ed and kept. */
  private static ModelSignature signature(
      String sha256, ModelSpec model, java.util.function.Supplier<ModelSignature> load) {
    String key = sha256 + "\0" + model.customOpsLibrary();
    ModelSignature known = SIGNATURES.get(key);
    if (known != null) {
      LOG.info("Model {}: sha256 {} was loaded by ONNX Runtime earlier in this JVM; its signature is reused",
          model.uri(), sha256);
      return known;
    }
    ModelSignature loaded = load.get();
    INSPECTIONS.incrementAndGet();
    SIGNATURES.put(key, loaded);
    return loaded;
  }

  /** Whether the bundle's one file is on the local file system (not a download, not optimized in memory). */
  private static boolean localFile(ModelBundle bundle) {
    return bundle.files().size() == 1 && bundle.main().source() != null
        && "file".equals(new org.apache.hadoop.fs.Path(bundle.main().source()).toUri().getScheme());
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
    Precision precision = switch (model.precision()) {
      case INT8 -> Precision.INT8;
      case INT8_DYNAMIC -> Precision.INT8_DYNAMIC;
      default -> Precision.FP16;
    };
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
