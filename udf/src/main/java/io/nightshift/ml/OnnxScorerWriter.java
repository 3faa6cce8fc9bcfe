package io.nightshift.ml;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLWriter;

/**
 * Saves an {@link OnnxScorer}: Spark ML's params metadata under {@code path/metadata}, a copy of
 * the model file under {@code path/model/}, and {@code path/model/model.sha256} holding the copy's
 * sha256 and file name ({@code sha256sum}'s format).
 */
final class OnnxScorerWriter extends MLWriter {
  static final String MODEL_DIR = "model";
  static final String SHA256_FILE = "model.sha256";

  private final OnnxScorer stage;

  OnnxScorerWriter(OnnxScorer stage) {
    this.stage = stage;
  }

  @Override
  public void saveImpl(String path) {
    JobConfig config = stage.config();
    DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sparkSession());
    Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
    String uri = config.model().uri();
    byte[] bytes = ModelSource.read(uri, conf);
    String sha = ModelPayload.sha256(bytes);
    if (!config.model().sha256().isEmpty() && !config.model().sha256().equals(sha)) {
      throw NightshiftException.invalid(
          "model.sha256: model file %s has sha256 %s, the stage pins %s", uri, sha, config.model().sha256());
    }
    String name = uri.substring(uri.lastIndexOf('/') + 1);
    Path dir = new Path(path, MODEL_DIR);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      try (OutputStream out = fs.create(new Path(dir, name), true)) {
        out.write(bytes);
      }
      try (OutputStream out = fs.create(new Path(dir, SHA256_FILE), true)) {
        out.write((sha + "  " + name + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot write the model copy of %s under %s: %s", stage, dir, e.getMessage());
    }
  }
}
