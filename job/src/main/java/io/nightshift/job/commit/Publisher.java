package io.nightshift.job.commit;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The moves of a publish on one Hadoop FileSystem. Every move is idempotent and resumable: moving
 * a folder onto a path that does not exist is one rename (atomic on HDFS and local disk; a copy per
 * file on s3a), and moving onto an existing folder (an earlier, interrupted move) moves what is
 * left, child by child. Names starting with {@code _} or {@code .} ({@code _nightshift},
 * {@code _rejected}, {@code _SUCCESS}) are never data: readers skip them, and so do the moves that
 * work on a table's root. Not thread-safe.
 */
final class Publisher {
  private final FileSystem fs;

  Publisher(FileSystem fs) {
    this.fs = fs;
  }

  FileSystem fs() {
    return fs;
  }

  /** Moves {@code from} (a file or folder) to {@code to}, merging into what an earlier try moved. */
  void moveAll(Path from, Path to) throws IOException {
    if (!fs.exists(from)) {
      return;
    }
    if (!fs.exists(to)) {
      fs.mkdirs(to.getParent());
      if (!fs.rename(from, to)) {
        throw new IOException("rename " + from + " -> " + to + " returned false");
      }
      return;
    }
    if (fs.getFileStatus(from).isFile()) {
      // Both exist only when a per-file copy (s3a) finished the copy and not the delete.
      fs.delete(from, false);
      return;
    }
    moveChildren(from, to);
    fs.delete(from, true);
  }

  /** Moves every non-hidden child of {@code from} into the folder {@code to}. */
  void moveChildren(Path from, Path to) throws IOException {
    if (!fs.exists(from)) {
      return;
    }
    fs.mkdirs(to);
    for (FileStatus s : fs.listStatus(from)) {
      if (!hidden(s.getPath())) {
        moveAll(s.getPath(), new Path(to, s.getPath().getName()));
      }
    }
  }

  /** The files under {@code dir}, relative to it, skipping hidden names at every level. */
  List<String> files(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    String root = fs.makeQualified(dir).toUri().getPath().replaceAll("/+$", "");
    for (FileStatus f : io.nightshift.fs.LocalFiles.files(fs, dir, p -> false)) {
      String p = f.getPath().toUri().getPath();
      String rel = p.substring(root.length()).replaceAll("^/+", "");
      boolean visible = true;
      for (String part : rel.split("/")) {
        visible &= !part.startsWith("_") && !part.startsWith(".");
      }
      if (visible) {
        out.add(rel);
      }
    }
    out.sort(null);
    return out;
  }

  /** The partition folders {@code depth} levels below {@code root}, relative to it. */
  List<String> leaves(Path root, int depth) throws IOException {
    if (!fs.exists(root)) {
      return List.of();
    }
    if (depth == 0) {
      return hasData(root) ? List.of("") : List.of();
    }
    List<String> level = List.of("");
    for (int d = 0; d < depth; d++) {
      List<String> next = new ArrayList<>();
      for (String rel : level) {
        for (FileStatus s : fs.listStatus(rel.isEmpty() ? root : new Path(root, rel))) {
          if (s.isDirectory() && !hidden(s.getPath())) {
            next.add(rel.isEmpty() ? s.getPath().getName() : rel + "/" + s.getPath().getName());
          }
        }
      }
      level = next;
    }
    List<String> sorted = new ArrayList<>(level);
    sorted.sort(null);
    return sorted;
  }

  static boolean hidden(Path p) {
    String n = p.getName();
    return n.startsWith("_") || n.startsWith(".");
  }

  boolean exists(Path p) throws IOException {
    return fs.exists(p);
  }

  /** Whether {@code dir} holds anything but hidden entries. */
  boolean hasData(Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return false;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      if (!hidden(s.getPath())) {
        return true;
      }
    }
    return false;
  }

  void delete(Path p) throws IOException {
    fs.delete(p, true);
  }

  /** {@link #hasData}, with an I/O failure as a NightshiftException naming the folder. */
  boolean holdsData(Path dir) {
    try {
      return hasData(dir);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot list %s: %s", dir, e.getMessage());
    }
  }
}
