package io.nightshift.job;

import io.nightshift.NightshiftException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

/** Checks, without writing anything, that the output path can be written. */
final class OutputCheck {
  private OutputCheck() {}

  static void writable(String output, Configuration conf) {
    writable("output.path", output, conf);
  }

  /** As {@link #writable(String, Configuration)}, naming {@code key} in errors. */
  static void writable(String key, String output, Configuration conf) {
    Path path = new Path(output);
    try {
      FileSystem fs = path.getFileSystem(conf);
      Path p = path;
      while (p != null && !fs.exists(p)) {
        p = p.getParent();
      }
      if (p == null) {
        throw NightshiftException.invalid("%s: no existing folder above %s", key, output);
      }
      FileStatus status = fs.getFileStatus(p);
      if (!status.isDirectory()) {
        throw NightshiftException.invalid("%s: %s is a file, not a folder", key, p);
      }
      java.nio.file.Path local = io.nightshift.fs.LocalFiles.local(fs, p);
      if (local == null) {
        fs.access(p, FsAction.WRITE);
      } else if (!java.nio.file.Files.isWritable(local)) {
        // The operating system's own check (access(2)): Hadoop's local access() reads the folder's
        // owner and mode by starting an ls -ld process.
        throw NightshiftException.invalid("%s: %s is not writable: folder %s denies this user (%s) writing",
            key, output, p, System.getProperty("user.name"));
      }
    } catch (AccessControlException e) {
      throw NightshiftException.invalid(e, "%s: %s is not writable: %s", key, output, Redact.message(e));
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "%s: cannot reach %s: %s", key, output, Redact.message(e));
    }
  }
}
