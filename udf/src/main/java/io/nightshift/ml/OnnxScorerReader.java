package io.nightshift.ml;

import io.nightshift.NightshiftException;
import io.nightshift.model.ModelPayload;
import io.nightshift.model.ModelSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads an {@link OnnxScorer} saved by {@link OnnxScorerWriter}: its params, then its model copy,
 * whose sha256 must equal the saved one. The loaded stage reads the copy and pins that sha256, so
 * it scores exactly as the saved stage did.
 */
final class OnnxScorerReader extends MLReader<OnnxScorer> {

  @Override
  public OnnxScorer load(String path) {
    DefaultParamsReader.Metadata metadata =
        DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), OnnxScorer.class.getName());
    OnnxScorer stage = new OnnxScorer(metadata.uid());
    metadata.getAndSetParams(stage, scala.Option.empty());
    Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
    Path dir = new Path(path, OnnxScorerWriter.MODEL_DIR);
    Path shaFile = new Path(dir, OnnxScorerWriter.SHA256_FILE);
    String line;
    FileSystem fs;
    try {
      fs = dir.getFileSystem(conf);
      try (InputStream in = fs.open(shaFile)) {
        line = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "%s: cannot read %s: %s", path, shaFile, e.getMessage());
    }
    String[] parts = line.split("\\s+", 2);
    if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}")) {
      throw NightshiftException.invalid("%s: '%s' is not a sha256 and a file name", shaFile, line);
    }
    String copy = fs.makeQualified(new Path(dir, parts[1])).toString();
    String actual = ModelPayload.sha256(ModelSource.read(copy, conf));
    if (!actual.equals(parts[0])) {
      throw NightshiftException.invalid(
          "%s: the model copy %s has sha256 %s, %s says %s", path, copy, actual, shaFile, parts[0]);
    }
    return stage.setModelUri(copy).setModelSha256(parts[0]);
  }
}
