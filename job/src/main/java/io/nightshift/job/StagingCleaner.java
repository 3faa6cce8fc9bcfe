package io.nightshift.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.config.JobConfig.RunSpec;
import java.io.IOException;
import java.io.InputStream;
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
 * "ok", same run_date); staging without a manifest (a run that died) is left alone, as are
 * other nights' and the manifests themselves.
 */
final class StagingCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(StagingCleaner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private StagingCleaner() {}

  static void dropSuperseded(String base, RunSpec run, Configuration conf) {
    Path staging = new Path(base, "staging");
    try {
      FileSystem fs = staging.getFileSystem(conf);
      if (!fs.exists(staging)) {
        return;
      }
      for (FileStatus s : fs.listStatus(staging)) {
        String id = s.getPath().getName();
        Path manifest = new Path(base, "runs/" + id + ".json");
        if (!s.isDirectory() || id.equals(run.id()) || !fs.exists(manifest)) {
          continue;
        }
        JsonNode m;
        try (InputStream in = fs.open(manifest)) {
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
