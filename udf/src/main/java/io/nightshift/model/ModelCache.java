package io.nightshift.model;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local-disk copy of shipped model files on one machine: {@code <root>/<sha256>/<relative
 * path>}, where root is {@code model.cache-dir} or {@code java.io.tmpdir/nightshift-models}. A
 * JVM fetches a bundle once: it copies each file from its source while digesting it, refuses a
 * file whose sha256 differs from the driver's, and moves it into place atomically. Files already on
 * disk (from another executor or an earlier run) are digested before they are trusted; a corrupt
 * one is fetched again. Once verified, a bundle is remembered for the life of the JVM.
 *
 * <p>{@link #fetches()} counts how often this JVM materialized a shipped model (copied a bundle
 * here, or opened a broadcast payload): with the session cache in front, once per executor, not
 * once per task. Thread-safe.
 */
public final class ModelCache {
  /**
   * The prefix of the driver's java.io.tmpdir folders from which SparkContext.addFile serves an
   * optimized model to a cluster's executors.
   */
  public static final String SHIP_PREFIX = "nightshift-ship-";

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final AtomicLong FETCHES = new AtomicLong();
  private static final Map<Path, Path> VERIFIED = new ConcurrentHashMap<>();

  private ModelCache() {}

  /** Times this JVM fetched a model from what the driver shipped (files copied or broadcast opened). */
  public static long fetches() {
    return FETCHES.get();
  }

  static void countFetch() {
    FETCHES.incrementAndGet();
  }

  /** The cache root for a {@code model.cache-dir} value (empty: under java.io.tmpdir). */
  public static Path root(String cacheDir) {
    return cacheDir == null || cacheDir.isBlank()
        ? Path.of(System.getProperty("java.io.tmpdir"), "nightshift-models")
        : Path.of(cacheDir);
  }

  /** Forgets which bundles this JVM verified, so the next fetch digests the disk copy again. */
  public static void forgetVerified() {
    VERIFIED.clear();
  }

  /**
   * The local path of the bundle's {@code .onnx} file, with every data file beside it in its
   * relative layout; fetched and verified first when this JVM has not done so yet.
   */
  public static synchronized Path fetch(ModelBundle bundle, String cacheDir, Configuration conf) {
    Path dir = root(cacheDir).resolve(bundle.sha256()).toAbsolutePath().normalize();
    Path known = VERIFIED.get(dir);
    if (known != null && Files.isRegularFile(known)) {
      touch(dir);
      return known;
    }
    long start = System.nanoTime();
    long copied = 0;
    for (ModelBundle.File f : bundle.files()) {
      Path target = dir.resolve(f.relativePath()).normalize();
      if (!target.startsWith(dir)) {
        throw new NightshiftException("model file %s would be cached outside %s", f.relativePath(), dir);
      }
      if (Files.isRegularFile(target)) {
        String actual = digest(target);
        if (actual.equals(f.sha256())) {
          continue;
        }
        LOG.warn("Cached model file {} has sha256 {}, expected {}: fetching it again from {}",
            target, actual, f.sha256(), f.source());
      }
      copy(f, target, conf);
      copied += f.size();
    }
    if (copied > 0) {
      FETCHES.incrementAndGet();
      LOG.info("Fetched model {} ({} file(s), {} bytes) into {} in {} ms", bundle.sha256(),
          bundle.files().size(), copied, dir, (System.nanoTime() - start) / 1_000_000);
    }
    Path main = dir.resolve(bundle.main().relativePath());
    VERIFIED.put(dir, main);
    touch(dir);
    return main;
  }

  /**
   * Marks a cache entry as used now: the cleanup of output.cleanup.* deletes entries by the age of
   * their folder, so an entry in use stays young.
   */
  private static void touch(Path dir) {
    try {
      Files.setLastModifiedTime(dir, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
    } catch (IOException e) {
      // Only the cleanup's ordering depends on it; the model itself is fine.
      LOG.warn("Cannot mark cache entry {} as used: {}", dir, e.getMessage());
    }
  }

  /**
   * Writes a model the driver made (an optimized one) into the cache as {@code <sha256>/<name>};
   * returns its path. Not counted as a fetch.
   */
  public static synchronized Path store(byte[] model, String sha256, String name, String cacheDir) {
    Path target = root(cacheDir).resolve(sha256).resolve(name).toAbsolutePath();
    try {
      if (Files.isRegularFile(target) && digest(target).equals(sha256)) {
        return target;
      }
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), name, ".part");
      Files.write(temp, model);
      move(temp, target);
      touch(target.getParent());
      return target;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot write model %s into the cache %s: %s", sha256, target, e.getMessage());
    }
  }

  private static void copy(ModelBundle.File f, Path target, Configuration conf) {
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
      MessageDigest md = ModelBundle.sha();
      try (InputStream in = open(f.source(), conf);
          OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), md)) {
        in.transferTo(out);
      }
      String actual = HexFormat.of().formatHex(md.digest());
      if (!actual.equals(f.sha256())) {
        throw new NightshiftException(
            "model file %s checksum mismatch: expected sha256 %s, actual %s (changed or corrupted"
                + " since the driver read it)",
            f.source(), f.sha256(), actual);
      }
      move(temp, target);
      temp = null;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot fetch model file %s into %s: %s", f.source(), target, e.getMessage());
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.warn("Cannot delete partial model file {}: {}", temp, e.getMessage());
        }
      }
    }
  }

  private static InputStream open(String source, Configuration conf) throws IOException {
    if (source.startsWith(ModelBundle.SPARK_FILES)) {
      return Files.newInputStream(Path.of(SparkFiles.get(source.substring(ModelBundle.SPARK_FILES.length()))));
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(source);
    FileSystem fs = p.getFileSystem(conf);
    return fs.open(p);
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Hex sha256 of a local file. */
  public static String digest(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ModelBundle.digest(in);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot read cached model file %s: %s", file, e.getMessage());
    }
  }
}
