package io.nightshift.fs;

import java.io.IOException;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reading local files through Hadoop's file system API without paying for checksums nobody wrote. */
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
}
