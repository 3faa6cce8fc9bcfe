package io.nightshift.spark;

import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.model.ModelPayload;
import io.nightshift.text.TextTokenizer;
import io.nightshift.text.TokenizerCache;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/** Builds tokenizers where Spark runs: native library in Spark's folder, one per JVM via the cache. */
final class TextSetup {
  private TextSetup() {}

  /**
   * The folder DJL extracts its native library into: Spark's files folder (the driver's temporary
   * folder, or an executor's working folder), else {@code java.io.tmpdir} outside Spark.
   */
  static Path nativeDir() {
    String root = SparkEnv.get() == null ? System.getProperty("java.io.tmpdir") : SparkFiles.getRootDirectory();
    return Paths.get(root, "nightshift-tokenizers").toAbsolutePath();
  }

  /** A tokenizer built from {@code json}, on the driver (validation) or an executor. */
  static TextTokenizer load(byte[] json, String name, TextSpec spec) {
    TextTokenizer.useNativeDir(nativeDir());
    return TextTokenizer.load(json, name, spec.maxLength(), spec.truncation());
  }

  /** A task's lease on the JVM's tokenizer for the plan. */
  static io.nightshift.cache.LeaseCache.Lease<io.nightshift.text.TextTokenizer> acquire(ScoringPlan plan) {
    TextSpec spec = plan.text();
    ModelPayload payload = plan.tokenizer().value();
    return TokenizerCache.shared()
        .acquire(
            new TokenizerCache.Key(payload.sha256(), spec.maxLength(), spec.truncation()),
            plan.model().sessionCacheSize(),
            () -> load(payload.open(), plan.tokenizerName(), spec));
  }
}
