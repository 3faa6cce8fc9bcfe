package io.nightshift.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageRows#unchecked}: a local image without a {@code .crc} beside it is read from the raw
 * file system (same bytes, no chunked checksum stream); one with its {@code .crc} is still read
 * checked, so a corrupted file fails with Hadoop's checksum error.
 */
class ImageRowsTest {
  @Test
  void aFileWithoutChecksumIsReadRawAndOneWithItsChecksumIsStillVerified(@TempDir Path dir) throws Exception {
    byte[] png = TestImages.encode(TestImages.halves(40, 8), "png");
    LocalFileSystem local = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path plain = new org.apache.hadoop.fs.Path(dir.resolve("plain.png").toUri());
    org.apache.hadoop.fs.Path checked = new org.apache.hadoop.fs.Path(dir.resolve("checked.png").toUri());
    Files.write(dir.resolve("plain.png"), png);
    try (FSDataOutputStream out = local.create(checked)) {
      out.write(png);
    }
    assertThat(dir.resolve(".checked.png.crc")).exists();
    assertThat(dir.resolve(".plain.png.crc")).doesNotExist();

    FileSystem forPlain = ImageRows.unchecked(local, plain);
    assertThat(forPlain).isInstanceOf(RawLocalFileSystem.class);
    assertThat(read(forPlain, plain, png.length)).isEqualTo(png);
    FileSystem forChecked = ImageRows.unchecked(local, checked);
    assertThat(forChecked).isSameAs(local);
    assertThat(read(forChecked, checked, png.length)).isEqualTo(png);

    byte[] corrupt = png.clone();
    corrupt[corrupt.length / 2] ^= 0x55;
    Files.write(dir.resolve("checked.png"), corrupt);
    FileSystem again = ImageRows.unchecked(local, checked);
    assertThat(again).isSameAs(local);
    assertThatThrownBy(() -> read(again, checked, png.length)).isInstanceOf(ChecksumException.class)
        .hasMessageContaining("Checksum error");
  }

  private static byte[] read(FileSystem fs, org.apache.hadoop.fs.Path path, int length) throws Exception {
    byte[] bytes = new byte[length];
    try (FSDataInputStream in = fs.open(path)) {
      in.readFully(0, bytes);
    }
    return bytes;
  }
}
