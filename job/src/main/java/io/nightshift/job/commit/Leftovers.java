package io.nightshift.job.commit;

import io.nightshift.config.JobConfig.CleanupSpec;
import io.nightshift.job.Redact;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what runs leave behind, when a run starts (holding the table's lock): the staging of
 * earlier runs of this table that failed or died ({@code <root>/_nightshift/staging/<run.id>}), and
 * on the driver's host the {@code nightshift-ship-*} folders of java.io.tmpdir and the entries of
 * the model cache. Of each kind, an entry goes when it is older than {@code output.cleanup.max-age}
 * or beyond the newest {@code output.cleanup.keep}; an entry touched within the lock timeout is
 * never deleted (it may belong to a run still going). Failures are logged, never fatal.
 */
final class Leftovers {
  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /** One leftover: what it is called, when it was last modified. */
  record Entry(String name, Instant modified) {}

  /**
   * Which of {@code entries} to delete, by the rule above, at {@code now}; {@code spare} is never
   * deleted (the current run's).
   */
  static List<Entry> doomed(List<Entry> entries, CleanupSpec rule, Duration youngest, Instant now, String spare) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.removeIf(e -> e.name().equals(spare));
    sorted.sort(Comparator.comparing(Entry::modified).reversed());
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Entry e = sorted.get(i);
      Duration age = Duration.between(e.modified(), now);
      if (age.compareTo(youngest) <= 0) {
        continue;
      }
      if (age.compareTo(rule.maxAge()) > 0 || i >= rule.keep()) {
        out.add(e);
      }
    }
    return out;
  }

  /** Bounds {@code <root>/_nightshift/staging}, sparing {@code runId}'s. */
  static void staging(FileSystem fs, Path root, String runId, CleanupSpec rule, Duration youngest) {
    Path staging = new Path(root, "_nightshift/staging");
    try {
      if (!fs.exists(staging)) {
        return;
      }
      List<Entry> entries = new ArrayList<>();
      for (FileStatus s : fs.listStatus(staging)) {
        entries.add(new Entry(s.getPath().getName(), Instant.ofEpochMilli(modified(fs, s))));
      }
      for (Entry e : doomed(entries, rule, youngest, Instant.now(), runId)) {
        fs.delete(new Path(staging, e.name()), true);
        LOG.info("Deleted the staging of earlier run {} ({}, last modified {})", e.name(), staging, e.modified());
      }
    } catch (IOException e) {
      LOG.warn("Cannot bound the staging under {}: {}", staging, Redact.message(e));
    }
  }

  /**
   * When a folder was last modified; on object stores, where folders have no time (0), the time of
   * its newest file.
   */
  private static long modified(FileSystem fs, FileStatus s) throws IOException {
    if (s.getModificationTime() > 0 || !s.isDirectory()) {
      return s.getModificationTime();
    }
    long newest = 0;
    var files = fs.listFiles(s.getPath(), true);
    while (files.hasNext()) {
      newest = Math.max(newest, files.next().getModificationTime());
    }
    return newest;
  }

  /**
   * Bounds the sub-folders of the local folder {@code dir} whose names start with {@code prefix}
   * (all when empty), sparing {@code spare}.
   */
  static void local(java.nio.file.Path dir, String prefix, String spare, CleanupSpec rule, Duration youngest) {
    if (!java.nio.file.Files.isDirectory(dir)) {
      return;
    }
    List<Entry> entries = new ArrayList<>();
    try (Stream<java.nio.file.Path> list = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) list::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(prefix) && java.nio.file.Files.isDirectory(p)) {
          entries.add(new Entry(name, java.nio.file.Files.getLastModifiedTime(p).toInstant()));
        }
      }
      for (Entry e : doomed(entries, rule, youngest, Instant.now(), spare)) {
        deleteTree(dir.resolve(e.name()));
        LOG.info("Deleted leftover {} (last modified {})", dir.resolve(e.name()), e.modified());
      }
    } catch (IOException e) {
      LOG.warn("Cannot bound the leftovers in {}: {}", dir, e.getMessage());
    }
  }

  private static void deleteTree(java.nio.file.Path p) throws IOException {
    try (Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(p)) {
      for (java.nio.file.Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(q);
      }
    }
  }
}
