package io.nightshift.job.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.config.JobConfig.RunSpec;
import io.nightshift.job.Redact;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the staging folders of earlier failed runs of the same night once a run of that night has
 * published: their results are superseded, and keeping them would only invite someone to publish
 * them by hand. A failed run is known by its manifest ({@code runs/<run.id>.json}, status not
 * "ok", same run_date); staging without a manifest is left to {@link Leftovers}, as are other
 * nights'. {@code roots} are the table folders whose {@code _nightshift/staging} is looked at (the
 * results' and the quarantine's); the manifests are under {@code base}.
 */
final class StagingCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(StagingCleaner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private StagingCleaner() {}

  static void dropSuperseded(String base, List<String> roots, RunSpec run, Configuration conf) {
    for (String root : roots) {
      Path staging = new Path(root, "_nightshift/staging");
      try {
        FileSystem fs = staging.getFileSystem(conf);
        if (!fs.exists(staging)) {
          continue;
        }
        for (FileStatus s : fs.listStatus(staging)) {
          String id = s.getPath().getName();
          Path manifest = new Path(base, "runs/" + id + ".json");
          FileSystem mfs = manifest.getFileSystem(conf);
          if (!s.isDirectory() || id.equals(run.id()) || !mfs.exists(manifest)) {
            continue;
          }
          JsonNode m;
          try (InputStream in = mfs.open(manifest)) {
            m = JSON.readTree(in);
          }
          if (run.date().equals(m.path("run_date").asText()) && !"ok".equals(m.path("status").asText())) {
            fs.delete(s.getPath(), true);
            LOG.info("Dropped the staging of failed run {} of {}: superseded by run {}", id, run.date(), run.id());
          }
        }
      } catch (IOException e) {
        // The night is already published: a leftover folder is worth a warning, not a failed run.
        LOG.warn("Cannot drop superseded staging under {}: {}", staging, Redact.message(e), e);
      }
    }
  }
}
