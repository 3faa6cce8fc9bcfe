package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.fs.LocalFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The data files of a Parquet folder and what their footers say, read on the driver by up to
 * {@value #THREADS} threads (footers only: no row group is read). Used for the input's column
 * types before launch ({@link InputFooters}) and for the rows of the staged output after the
 * write, which the books compare with the tasks' own counts. Stateless and thread-safe.
 */
final class ParquetFooters {
  static final int THREADS = 16;

  private ParquetFooters() {}

  /** What is read from one file's footer; throws {@link NightshiftException} naming the file. */
  @FunctionalInterface
  interface Reader<T> {
    T read(FileStatus file) throws IOException;
  }

  /**
   * The data files under {@code path} (a file, a folder, or a glob), skipping every name below the
   * root that starts with _ or . (markers, checksums, staging), as Spark's file sources do. {@code
   * key} names the setting in the error (exit 2) when the path cannot be listed.
   */
  static List<FileStatus> files(String path, Configuration conf, String key) {
    List<FileStatus> out = new ArrayList<>();
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matched = fs.globStatus(p);
      if (matched == null) {
        return out;
      }
      for (FileStatus m : matched) {
        if (m.isFile()) {
          out.add(m);
          continue;
        }
        Path root = m.getPath();
        out.addAll(LocalFiles.files(fs, root, f -> hidden(root, f)));
      }
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "%s: cannot list %s: %s", key, path, Redact.message(e));
    }
    return out;
  }

  /** A file Spark skips: any name below the root starting with _ or . (markers, checksums). */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root) && p.depth() > root.depth(); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code reader} applied to every file, in the order of {@code files}. The first failure, in
   * that order, is thrown: a {@link NightshiftException} as it is, anything else wrapped by {@code
   * failure}.
   */
  static <T> List<T> read(List<FileStatus> files, Reader<T> reader, Failure failure) {
    List<T> out = new ArrayList<>(files.size());
    if (files.isEmpty()) {
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size()), r -> {
      Thread t = new Thread(r, "nightshift-footers");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> read = new ArrayList<>();
      for (FileStatus f : files) {
        read.add(pool.submit(() -> {
          try {
            return reader.read(f);
          } catch (IOException | RuntimeException e) {
            if (e instanceof NightshiftException n) {
              throw n;
            }
            throw failure.of(f, e);
          }
        }));
      }
      for (Future<T> f : read) {
        out.add(NightshiftException.await(f, "reading Parquet footers"));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The error for a file whose footer could not be read. */
  @FunctionalInterface
  interface Failure {
    NightshiftException of(FileStatus file, Exception cause);
  }

  /** The first line of an exception's message, or its class name. */
  static String firstLine(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
  }

  /**
   * The rows of the Parquet data files under {@code dir} (partition folders included), summed from
   * their footers' row groups: what a reader of the folder gets, as Spark's {@code count()} gives
   * it, without a Spark job. Fails (exit 1) naming a file whose footer cannot be read.
   */
  static long rows(String dir, Configuration conf) {
    List<FileStatus> files = files(dir, conf, "the staged output");
    long rows = 0;
    for (long n : read(files, f -> rowsOf(f, conf),
        (f, e) -> new NightshiftException(e, "cannot count the rows of staged file %s: %s", f.getPath(), firstLine(e)))) {
      rows += n;
    }
    return rows;
  }

  @SuppressWarnings("deprecation") // readFooter(InputFile, filter) is the footer-only read
  private static long rowsOf(FileStatus f, Configuration conf) throws IOException {
    long n = 0;
    for (BlockMetaData b : ParquetFileReader.readFooter(HadoopInputFile.fromStatus(f, conf),
        ParquetMetadataConverter.NO_FILTER).getBlocks()) {
      n += b.getRowCount();
    }
    return n;
  }
}
