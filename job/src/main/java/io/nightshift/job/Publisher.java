package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.WriteMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Moves a run's staged Parquet into the table folder. With partition columns, each staged leaf
 * partition ({@code dt=2026-11-28/...}) replaces the one of the same name (overwrite) or adds its
 * files (append); every other partition stays. Without partition columns, overwrite replaces the
 * table's data files. Names starting with {@code _} or {@code .} ({@code _nightshift},
 * {@code _rejected}) are never touched: readers skip them.
 */
final class Publisher {
  private final FileSystem fs;

  Publisher(String table, Configuration conf) {
    try {
      this.fs = new Path(table).getFileSystem(conf);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot reach %s: %s", table, Redact.message(e));
    }
  }

  /** Publishes {@code staged} into {@code table}; returns the partitions (or "") written. */
  List<String> publish(String staged, String table, int partitionDepth, WriteMode mode) {
    Path from = new Path(staged);
    Path to = new Path(table);
    List<String> written = new ArrayList<>();
    try {
      fs.mkdirs(to);
      if (!fs.exists(from)) {
        return written;
      }
      if (partitionDepth == 0) {
        if (mode == WriteMode.OVERWRITE) {
          for (FileStatus s : fs.listStatus(to)) {
            if (!hidden(s.getPath())) {
              fs.delete(s.getPath(), true);
            }
          }
        }
        moveFiles(from, to);
        written.add("");
      } else {
        for (Path leaf : leaves(from, partitionDepth)) {
          String rel = relative(from, leaf);
          Path target = new Path(to, rel);
          if (mode == WriteMode.OVERWRITE && fs.exists(target)) {
            fs.delete(target, true);
          }
          if (fs.exists(target)) {
            moveFiles(leaf, target);
          } else {
            fs.mkdirs(target.getParent());
            if (!fs.rename(leaf, target)) {
              throw new IOException("rename " + leaf + " -> " + target + " returned false");
            }
          }
          written.add(rel);
        }
      }
      fs.delete(from, true);
      return written;
    } catch (IOException e) {
      throw new NightshiftException(
          e, "cannot publish %s into %s: %s", staged, table, Redact.message(e));
    }
  }

  private void moveFiles(Path from, Path to) throws IOException {
    fs.mkdirs(to);
    for (FileStatus s : fs.listStatus(from)) {
      if (s.isFile() && !s.getPath().getName().equals("_SUCCESS")) {
        Path target = new Path(to, s.getPath().getName());
        if (!fs.rename(s.getPath(), target)) {
          throw new IOException("rename " + s.getPath() + " -> " + target + " returned false");
        }
      }
    }
  }

  private List<Path> leaves(Path root, int depth) throws IOException {
    List<Path> level = List.of(root);
    for (int d = 0; d < depth; d++) {
      List<Path> next = new ArrayList<>();
      for (Path p : level) {
        for (FileStatus s : fs.listStatus(p)) {
          if (s.isDirectory() && !hidden(s.getPath())) {
            next.add(s.getPath());
          }
        }
      }
      level = next;
    }
    return level;
  }

  private static String relative(Path root, Path leaf) {
    String r = root.toUri().getPath();
    String l = leaf.toUri().getPath();
    return l.substring(r.length()).replaceAll("^/+", "");
  }

  static boolean hidden(Path p) {
    String n = p.getName();
    return n.startsWith("_") || n.startsWith(".");
  }

  /** Whether {@code table} holds anything but hidden entries. */
  boolean hasData(String table) {
    Path to = new Path(table);
    try {
      if (!fs.exists(to)) {
        return false;
      }
      for (FileStatus s : fs.listStatus(to)) {
        if (!hidden(s.getPath())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot list %s: %s", table, Redact.message(e));
    }
  }

  /** Deletes the data (everything not hidden) in {@code dir}. */
  void clearData(String dir) {
    Path p = new Path(dir);
    try {
      if (fs.exists(p)) {
        for (FileStatus s : fs.listStatus(p)) {
          if (!hidden(s.getPath())) {
            fs.delete(s.getPath(), true);
          }
        }
      }
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot clear %s: %s", dir, Redact.message(e));
    }
  }

  void delete(String dir) {
    try {
      fs.delete(new Path(dir), true);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot delete %s: %s", dir, Redact.message(e));
    }
  }
}
