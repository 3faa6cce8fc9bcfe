package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfig.InputSpec;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.config.JobConfig.OutputSpec;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Makes the job's paths absolute URIs on the driver, so executors (whose working folder differs)
 * resolve them to the same place.
 */
final class QualifiedPaths {
  private QualifiedPaths() {}

  static JobConfig of(JobConfig c, Configuration conf) {
    InputSpec in = c.input();
    ModelSpec m = c.model();
    OutputSpec out = c.output();
    return new JobConfig(
        new InputSpec(q(in.path(), conf, "input.path"), in.format(), in.options(), in.columns(), in.schemaDdl()),
        new ModelSpec(q(m.uri(), conf, "model.uri"), m.sha256(), m.device(), m.threads(), m.resourceName(),
            m.requireGpu(), m.sessionCacheSize(), m.multipleGpus(), m.cuda(),
            localAbsolute(m.customOpsLibrary()), m.allowCustomOps(), m.precision(), m.int8MinElements(),
            m.distribution(), m.maxBroadcastSize(), m.cacheDir(), m.accuracy(),
            m.hasTokenizer() ? q(m.tokenizer(), conf, "model.tokenizer") : m.tokenizer()),
        c.inference(),
        new OutputSpec(q(out.path(), conf, "output.path"), out.format(), out.passThrough(), out.partitionBy(),
            out.mode(), q(out.rejectedPath(), conf, "output.rejected-path"), out.maxRejectedRatio(),
            out.lockTimeout(), out.cleanup(), out.table(), out.rejectedTable()),
        c.run());
  }

  /** A native library is loaded from the local disk of each JVM, never through Hadoop. */
  private static String localAbsolute(String path) {
    return path.isEmpty() ? path : java.nio.file.Path.of(path).toAbsolutePath().normalize().toString();
  }

  private static String q(String path, Configuration conf, String key) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).makeQualified(p).toString();
    } catch (IOException | IllegalArgumentException e) {
      throw NightshiftException.invalid(e, "%s: cannot resolve '%s': %s", key, Redact.text(path), Redact.message(e));
    }
  }
}
