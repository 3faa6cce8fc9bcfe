package io.nightshift.job.commit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.NightshiftException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish journal, {@code <output>/_nightshift/journal/journal-NNNNNN.json}: which run is
 * publishing, in which mode, and per target (the results, the quarantine) where its staged, live
 * and set-aside nights are, whether an old night existed, the staged night's files and the step
 * reached. Each step writes a new numbered file before it acts and then deletes the previous one,
 * so a crash while writing leaves the previous, whole file; the newest readable file counts.
 */
final class Journal {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The steps of one target, in order. */
  enum Step { PENDING, ASIDE, IN, DONE }

  /**
   * One table folder's part of the publish. {@code night}: the night's path relative to {@code
   * root} ({@code dt=2026-11-28}), or "" when the night is the whole table. {@code files}: the
   * staged night's files, relative to the staged night.
   */
  record Target(String name, String root, String night, String staged, String aside, boolean hadOld,
      List<String> files, Step step) {
    Target at(Step next) {
      return new Target(name, root, night, staged, aside, hadOld, files, next);
    }
  }

  /** The whole journal: {@code mode} is the write mode (overwrite, append, error_if_exists). */
  record Entry(String runId, String mode, List<Target> targets) {
    Entry with(int index, Target t) {
      List<Target> copy = new ArrayList<>(targets);
      copy.set(index, t);
      return new Entry(runId, mode, List.copyOf(copy));
    }
  }

  private final FileSystem fs;
  private final Path dir;
  private long seq;

  Journal(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  /** The newest readable entry, or null when no publish was interrupted. */
  Entry read() {
    try {
      if (!fs.exists(dir)) {
        return null;
      }
      List<FileStatus> files = new ArrayList<>(List.of(fs.listStatus(dir, p -> p.getName().startsWith("journal-"))));
      files.sort((a, b) -> b.getPath().getName().compareTo(a.getPath().getName()));
      for (FileStatus f : files) {
        seq = Math.max(seq, number(f.getPath()));
      }
      for (FileStatus f : files) {
        try (InputStream in = fs.open(f.getPath())) {
          return JSON.readValue(in, Entry.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          LOG.warn("Journal file {} is incomplete (a crash while it was written): using the one before", f.getPath());
        }
      }
      return null;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot read the publish journal %s: %s", dir, e.getMessage());
    }
  }

  /** Records {@code entry} as the current state, replacing the previous file. */
  void write(Entry entry) {
    Path previous = seq > 0 ? file(seq) : null;
    seq++;
    Path next = file(seq);
    try {
      io.nightshift.fs.LocalFiles.write(fs, next, JSON.writeValueAsBytes(entry), false);
      if (previous != null) {
        fs.delete(previous, false);
      }
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot write the publish journal %s: %s", next, e.getMessage());
    }
  }

  /** Removes the journal: the publish is complete (or undone). */
  void clear() {
    try {
      fs.delete(dir, true);
      seq = 0;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot delete the publish journal %s: %s", dir, e.getMessage());
    }
  }

  private Path file(long n) {
    return new Path(dir, String.format("journal-%06d.json", n));
  }

  private static long number(Path p) {
    String n = p.getName().replace("journal-", "").replace(".json", "");
    try {
      return Long.parseLong(n);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
