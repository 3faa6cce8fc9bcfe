package io.nightshift.job.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.config.JobConfig.CleanupSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds of output.cleanup.*: by age, by count, never an entry younger than the lock timeout
 * (it may be a live run's), never the current run's; on real folders, through Hadoop's local
 * FileSystem for staging and java.nio for the driver's temp folders and model cache.
 */
class LeftoversTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final CleanupSpec RULE = new CleanupSpec(Duration.ofDays(7), 2);

  @TempDir Path tmp;

  static Leftovers.Entry entry(String name, Duration age) {
    return new Leftovers.Entry(name, NOW.minus(age));
  }

  @Test
  void oldOrBeyondTheNewestKeepGoButYoungAndCurrentStay() {
    List<Leftovers.Entry> entries = List.of(
        entry("a", Duration.ofHours(1)),      // newest: kept
        entry("b", Duration.ofHours(10)),     // second: kept
        entry("c", Duration.ofHours(20)),     // beyond keep=2: goes
        entry("d", Duration.ofDays(8)),       // beyond and too old: goes
        entry("live", Duration.ofMinutes(5)), // younger than the lock timeout: stays whatever the count
        entry("mine", Duration.ofDays(30)));  // the current run's: stays
    List<String> doomed = Leftovers.doomed(entries, RULE, Duration.ofHours(6), NOW, "mine").stream()
        .map(Leftovers.Entry::name).toList();
    // Sorted newest first: live, a, b | c, d; live is young, so a and b fill keep=2 with it.
    assertThat(doomed).containsExactly("b", "c", "d");

    List<String> byAge = Leftovers.doomed(entries, new CleanupSpec(Duration.ofDays(7), 100), Duration.ofHours(6),
        NOW, "mine").stream().map(Leftovers.Entry::name).toList();
    assertThat(byAge).containsExactly("d");
  }

  @Test
  void stagingShipFoldersAndCacheEntriesAreBoundedOnDisk() throws Exception {
    Path table = tmp.resolve("table");
    Instant now = Instant.now();
    for (String[] s : new String[][] {{"run-1", "30"}, {"run-2", "3"}, {"run-3", "2"}, {"run-4", "0"}}) {
      Path d = Files.createDirectories(table.resolve("_nightshift/staging/" + s[0] + "/data"));
      Files.writeString(d.resolve("part-0.parquet"), "x");
      Files.setLastModifiedTime(d.getParent(), FileTime.from(now.minus(Duration.ofDays(Long.parseLong(s[1])))));
    }
    FileSystem fs = FileSystem.getLocal(new Configuration());
    // run-4 is the current run; run-1 is over max-age; of run-2 and run-3 the newest keep=1 stays.
    Leftovers.staging(fs, new org.apache.hadoop.fs.Path(table.toUri()), "run-4",
        new CleanupSpec(Duration.ofDays(7), 1), Duration.ofHours(6));
    try (Stream<Path> left = Files.list(table.resolve("_nightshift/staging"))) {
      assertThat(left.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("run-3", "run-4");
    }

    Path temp = Files.createDirectories(tmp.resolve("tmpdir"));
    for (String[] s : new String[][] {{"nightshift-ship-1", "9"}, {"nightshift-ship-2", "1"},
        {"nightshift-ship-3", "0"}, {"other-1", "30"}}) {
      Path d = Files.createDirectories(temp.resolve(s[0]));
      Files.writeString(d.resolve("model.onnx"), "x");
      Files.setLastModifiedTime(d, FileTime.from(now.minus(Duration.ofDays(Long.parseLong(s[1])))));
    }
    Leftovers.local(temp, "nightshift-ship-", "", RULE, Duration.ofHours(6));
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
          .as("ship-1 is over 7 days; other folders are not ours")
          .containsExactly("nightshift-ship-2", "nightshift-ship-3", "other-1");
    }

    Path cache = Files.createDirectories(tmp.resolve("cache"));
    for (int i = 0; i < 4; i++) {
      Path d = Files.createDirectories(cache.resolve("sha-" + i));
      Files.writeString(d.resolve("m.onnx"), "x");
      Files.setLastModifiedTime(d, FileTime.from(now.minus(Duration.ofDays(i + 1))));
    }
    Leftovers.local(cache, "", "", RULE, Duration.ofHours(6));
    try (Stream<Path> left = Files.list(cache)) {
      assertThat(left.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("sha-0", "sha-1");
    }
  }
}
