package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.nightshift.NightshiftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output path's pre-launch check on the local file system (the operating system's own access check). */
class OutputCheckTest {
  @TempDir Path tmp;

  @Test
  void aFolderNotYetMadeIsCheckedAtItsNearestExistingParent() {
    assertThatCode(() -> OutputCheck.writable(tmp.resolve("a/b/out").toUri().toString(), new Configuration()))
        .doesNotThrowAnyException();
  }

  @Test
  void aFileInTheWayIsRefusedNamingIt() throws Exception {
    Files.write(tmp.resolve("a"), new byte[] {1});
    assertThatThrownBy(() -> OutputCheck.writable(tmp.resolve("a/out").toUri().toString(), new Configuration()))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("output.path: " + tmp.resolve("a").toUri().toString().replace("file:///", "file:/")
            + " is a file, not a folder");
  }

  @Test
  void aReadOnlyFolderIsRefusedNamingTheKeyAndTheFolder() throws Exception {
    // root may write anywhere: the refusal can only be seen as another user.
    assumeFalse(System.getProperty("user.name").equals("root"), "run as root");
    Path locked = Files.createDirectories(tmp.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    String out = locked.resolve("out").toUri().toString();
    assertThatThrownBy(() -> OutputCheck.writable("output.rejected-path", out, new Configuration()))
        .isInstanceOf(NightshiftException.class)
        .hasMessageStartingWith("output.rejected-path: " + out + " is not writable: folder ")
        .hasMessageEndingWith(" denies this user (" + System.getProperty("user.name") + ") writing");
  }
}
