package io.nightshift.fs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Reading and listing local files through Hadoop's file system API without paying for checksums
 * nobody wrote or permissions nobody reads. Stateless and thread-safe.
 */
public final class LocalFiles {
  private LocalFiles() {}

  /**
   * The raw file system under a checksummed one (Hadoop's local file system) when {@code path} has
   * no checksum file beside it, as files copied into a folder (images, models, tokenizers) do not:
   * the checksummed stream then verifies nothing, yet reads through small checked chunks. Reading a
   * PNG that way cost as much CPU as decoding it. A file that has its {@code .crc} is read checked;
   * any other file system is returned as it is.
   *
   * @throws IOException when the checksum file's existence cannot be checked
   */
  public static FileSystem unchecked(FileSystem fs, Path path) throws IOException {
    if (fs instanceof ChecksumFileSystem checked) {
      FileSystem raw = checked.getRawFileSystem();
      if (!raw.exists(checked.getChecksumFile(path))) {
        return raw;
      }
    }
    return fs;
  }

  /**
   * Every file below {@code dir} (a folder), in no set order, for {@code skip} to filter: on the
   * local file system by {@code listStatus} folder by folder, elsewhere by {@code
   * listFiles(dir, true)} (one flat listing on object stores). Without Hadoop's native library the
   * local {@code listFiles} starts one {@code ls -ld} process per file, to fill in permissions that
   * are never read: 9 files took 140-220 ms that way against 3-7 ms by {@code listStatus}, measured
   * on this project's shared 2-core machine. A folder {@code skip} accepts is not entered.
   *
   * @throws IOException when a folder cannot be listed
   */
  public static List<FileStatus> files(FileSystem fs, Path dir, Predicate<Path> skip) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      walk(fs, dir, skip, out);
      return out;
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      if (!skip.test(f.getPath())) {
        out.add(f);
      }
    }
    return out;
  }

  private static void walk(FileSystem fs, Path dir, Predicate<Path> skip, List<FileStatus> out) throws IOException {
    for (FileStatus c : fs.listStatus(dir)) {
      if (skip.test(c.getPath())) {
        continue;
      }
      if (c.isDirectory()) {
        walk(fs, c.getPath(), skip, out);
      } else {
        out.add(c);
      }
    }
  }

  /**
   * Writes {@code bytes} to {@code path}, creating its missing parent folders; with {@code
   * overwrite} false, fails with {@link java.nio.file.FileAlreadyExistsException} or Hadoop's
   * {@link org.apache.hadoop.fs.FileAlreadyExistsException} when the file exists. On the local file
   * system the file is written through {@code java.nio} (created exclusively when not
   * overwriting), and a checksum file left beside it by an earlier write is removed first, so the
   * file is then read unchecked: Hadoop's local {@code create} and {@code mkdirs} start a {@code
   * chmod} process per file, its checksum file and folder when the native library is absent. Small
   * files only (manifests, journals): the bytes are written in one call.
   *
   * @throws IOException when the file cannot be written
   */
  public static void write(FileSystem fs, Path path, byte[] bytes, boolean overwrite) throws IOException {
    java.nio.file.Path file = local(fs, path);
    if (file == null) {
      fs.mkdirs(path.getParent());
      try (java.io.OutputStream out = fs.create(path, overwrite)) {
        out.write(bytes);
      }
      return;
    }
    java.nio.file.Files.createDirectories(file.getParent());
    if (fs instanceof ChecksumFileSystem checked) {
      java.nio.file.Files.deleteIfExists(local(fs, checked.getChecksumFile(path)));
    }
    if (overwrite) {
      java.nio.file.Files.write(file, bytes);
    } else {
      java.nio.file.Files.write(file, bytes, java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE);
    }
  }

  /** The local file behind {@code path} when {@code fs} is the local file system (checked or raw), else null. */
  public static java.nio.file.Path local(FileSystem fs, Path path) {
    if (fs instanceof LocalFileSystem checked) {
      return checked.pathToFile(path).toPath();
    }
    if (fs instanceof RawLocalFileSystem raw) {
      return raw.pathToFile(path).toPath();
    }
    return null;
  }
}
