package io.nightshift.fs;

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
 * {@link LocalFiles#unchecked}: a local file without a {@code .crc} beside it is read from the raw
 * file system (same bytes, no chunked checksum stream); one with its {@code .crc} is still read
 * checked, so a corrupted file fails with Hadoop's checksum error, also when read as a model.
 */
class LocalFilesTest {
  @Test
  void aFileWithoutChecksumIsReadRawAndOneWithItsChecksumIsStillVerified(@TempDir Path dir) throws Exception {
    byte[] png = new byte[5_000];
    for (int i = 0; i < png.length; i++) {
      png[i] = (byte) (i * 31 + 7);
    }
    LocalFileSystem local = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path plain = new org.apache.hadoop.fs.Path(dir.resolve("plain.png").toUri());
    org.apache.hadoop.fs.Path checked = new org.apache.hadoop.fs.Path(dir.resolve("checked.png").toUri());
    Files.write(dir.resolve("plain.png"), png);
    try (FSDataOutputStream out = local.create(checked)) {
      out.write(png);
    }
    assertThat(dir.resolve(".checked.png.crc")).exists();
    assertThat(dir.resolve(".plain.png.crc")).doesNotExist();

    FileSystem forPlain = LocalFiles.unchecked(local, plain);
    assertThat(forPlain).isInstanceOf(RawLocalFileSystem.class);
    assertThat(read(forPlain, plain, png.length)).isEqualTo(png);
    FileSystem forChecked = LocalFiles.unchecked(local, checked);
    assertThat(forChecked).isSameAs(local);
    assertThat(read(forChecked, checked, png.length)).isEqualTo(png);

    byte[] corrupt = png.clone();
    corrupt[corrupt.length / 2] ^= 0x55;
    Files.write(dir.resolve("checked.png"), corrupt);
    FileSystem again = LocalFiles.unchecked(local, checked);
    assertThat(again).isSameAs(local);
    assertThatThrownBy(() -> read(again, checked, png.length)).isInstanceOf(ChecksumException.class)
        .hasMessageContaining("Checksum error");
    assertThatThrownBy(() -> io.nightshift.model.ModelSource.read(checked.toString(), new Configuration()))
        .isInstanceOf(io.nightshift.NightshiftException.class)
        .hasMessageStartingWith("cannot read model file " + checked + ": Checksum error");
    assertThat(io.nightshift.model.ModelSource.read(plain.toString(), new Configuration())).isEqualTo(png);
  }

  private static byte[] read(FileSystem fs, org.apache.hadoop.fs.Path path, int length) throws Exception {
    byte[] bytes = new byte[length];
    try (FSDataInputStream in = fs.open(path)) {
      in.readFully(0, bytes);
    }
    return bytes;
  }

  @Test
  void filesBelowAFolderAreTheFilesListFilesGivesAndSkippedFoldersAreNotEntered(@TempDir Path dir) throws Exception {
    for (String f : new String[] {"a.parquet", "dt=1/b.parquet", "dt=1/h=2/c.parquet", "_temporary/0/d.parquet",
        "dt=2/.e.parquet.crc", "dt=2/_SUCCESS"}) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.write(dir.resolve(f), new byte[] {7});
    }
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
    for (FileSystem fs : new FileSystem[] {FileSystem.getLocal(new Configuration()),
        FileSystem.getLocal(new Configuration()).getRawFileSystem()}) {
      java.util.Set<String> all = new java.util.TreeSet<>();
      var it = fs.listFiles(root, true);
      while (it.hasNext()) {
        all.add(root.toUri().relativize(it.next().getPath().toUri()).getPath());
      }
      java.util.Set<String> listed = new java.util.TreeSet<>();
      LocalFiles.files(fs, root, p -> false)
          .forEach(s -> listed.add(root.toUri().relativize(s.getPath().toUri()).getPath()));
      // The checksummed file system hides .crc files from its listings; the raw one shows them.
      assertThat(listed).isEqualTo(all).contains("_temporary/0/d.parquet", "a.parquet", "dt=1/b.parquet",
          "dt=1/h=2/c.parquet", "dt=2/_SUCCESS").hasSize(fs instanceof LocalFileSystem ? 5 : 6);

      java.util.Set<String> visited = new java.util.TreeSet<>();
      java.util.Set<String> visible = new java.util.TreeSet<>();
      LocalFiles.files(fs, root, p -> {
        visited.add(p.getName());
        return p.getName().startsWith("_") || p.getName().startsWith(".");
      }).forEach(s -> visible.add(root.toUri().relativize(s.getPath().toUri()).getPath()));
      assertThat(visible).containsExactly("a.parquet", "dt=1/b.parquet", "dt=1/h=2/c.parquet");
      assertThat(visited).contains("_temporary").doesNotContain("0", "d.parquet");
    }
  }

  @Test
  void smallFilesAreWrittenWithTheirFoldersAndAStaleChecksumDoesNotOutliveTheirOldContent(@TempDir Path dir)
      throws Exception {
    LocalFileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.toUri().toString(), "a/b/manifest.json");
    // An earlier write through the checksummed file system left a .crc beside the file.
    try (FSDataOutputStream out = fs.create(file, true)) {
      out.write("old content, longer".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(dir.resolve("a/b/.manifest.json.crc")).exists();

    LocalFiles.write(fs, file, "new".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);

    assertThat(dir.resolve("a/b/.manifest.json.crc")).doesNotExist();
    try (FSDataInputStream in = fs.open(file)) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("new");
    }
    org.apache.hadoop.fs.Path fresh = new org.apache.hadoop.fs.Path(dir.toUri().toString(), "c/d/journal-1.json");
    LocalFiles.write(fs, fresh, new byte[] {1, 2}, false);
    assertThat(Files.readAllBytes(dir.resolve("c/d/journal-1.json"))).containsExactly(1, 2);
    assertThatThrownBy(() -> LocalFiles.write(fs, fresh, new byte[] {3}, false))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(dir.resolve("c/d/journal-1.json"))).containsExactly(1, 2);
  }
}
