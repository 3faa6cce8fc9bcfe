package io.nightshift.job.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.JobProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per table: a marker file {@code <output>/_nightshift/lock}, created only if absent,
 * holding the run id, host, process id (and that process's start time), start and expiry. A lock
 * is stale, and taken over with a warning, when it has expired ({@code output.lock-timeout}) or
 * when its holder ran on this host and that process is gone (a killed driver). Otherwise a second
 * run fails with {@link ExitCode#CONFLICT}, naming the holder.
 *
 * <p>Create-if-absent is atomic on HDFS ({@code create(path, false)}) and on local disk
 * ({@code O_CREAT|O_EXCL}); on object stores it is a check and a write, so two runs starting in
 * the same instant may both pass (docs/deploy.md). Not thread-safe; one per run.
 */
final class TableLock {
  private static final Logger LOG = LoggerFactory.getLogger(TableLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path path;
  private final String token;
  private boolean held;

  private TableLock(FileSystem fs, Path path, String token) {
    this.fs = fs;
    this.path = path;
    this.token = token;
    this.held = true;
  }

  /** Takes the lock at {@code path} for {@code runId}, or throws (exit 4) naming the live holder. */
  static TableLock acquire(FileSystem fs, Path path, String runId, Duration timeout) {
    String token = UUID.randomUUID().toString();
    byte[] mine = content(runId, token, timeout);
    try {
      fs.mkdirs(path.getParent());
      for (int attempt = 0; attempt < 2; attempt++) {
        if (createIfAbsent(fs, path, mine)) {
          LOG.info("Run {} holds the lock {} (expires in {})", runId, path, timeout);
          return new TableLock(fs, path, token);
        }
        Optional<JsonNode> holder = read(fs, path);
        if (holder.isEmpty()) {
          continue; // released between our attempt and the read
        }
        String why = staleReason(holder.get());
        if (why == null) {
          JsonNode h = holder.get();
          throw new NightshiftException(ExitCode.CONFLICT,
              "output is locked by run %s on host %s (pid %s) since %s, until %s (%s): another run of this"
                  + " table is in progress; retry when it ends, or after %s if it died",
              h.path("run_id").asText(), h.path("host").asText(), h.path("pid").asText(),
              h.path("started_at").asText(), h.path("expires_at").asText(), path,
              JobProperties.OUTPUT_LOCK_TIMEOUT);
        }
        // Renaming is the takeover: of two runs taking over the same stale lock, one rename wins.
        Path stale = new Path(path.getParent(), "lock.stale-" + token);
        if (fs.rename(path, stale)) {
          LOG.warn("Run {} takes over the lock of run {} on host {}: {}", runId,
              holder.get().path("run_id").asText(), holder.get().path("host").asText(), why);
          fs.delete(stale, false);
        }
      }
      Optional<JsonNode> holder = read(fs, path);
      throw new NightshiftException(ExitCode.CONFLICT, "output is locked by run %s (%s): another run took it first",
          holder.map(h -> h.path("run_id").asText()).orElse("?"), path);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot take the lock %s: %s", path, e.getMessage());
    }
  }

  /** Deletes the lock if it is still this run's. */
  void release() {
    if (!held) {
      return;
    }
    held = false;
    try {
      Optional<JsonNode> now = read(fs, path);
      if (now.isPresent() && token.equals(now.get().path("token").asText())) {
        fs.delete(path, false);
      } else {
        LOG.warn("The lock {} is no longer this run's (taken over after it expired?): left as it is", path);
      }
    } catch (IOException e) {
      LOG.warn("Cannot release the lock {}: {}; it expires by itself", path, e.getMessage());
    }
  }

  /** Why the holder's lock may be taken over, or null when the holder may still be running. */
  private static String staleReason(JsonNode holder) {
    Instant expires = Instant.parse(holder.path("expires_at").asText(Instant.EPOCH.toString()));
    if (Instant.now().isAfter(expires)) {
      return "it expired at " + expires;
    }
    if (host().equals(holder.path("host").asText())) {
      long pid = holder.path("pid").asLong(-1);
      String started = holder.path("pid_started_at").asText("");
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      boolean alive = p.isPresent() && p.get().isAlive()
          && p.get().info().startInstant().map(Instant::toString).orElse("").equals(started);
      if (!alive) {
        return "its process " + pid + " on this host is gone";
      }
    }
    return null;
  }

  private static byte[] content(String runId, String token, Duration timeout) {
    Instant now = Instant.now();
    ProcessHandle self = ProcessHandle.current();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("host", host());
    m.put("pid", self.pid());
    m.put("pid_started_at", self.info().startInstant().map(Instant::toString).orElse(""));
    m.put("started_at", now.toString());
    m.put("expires_at", now.plus(timeout).toString());
    m.put("token", token);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot write the lock's content: %s", e.getMessage());
    }
  }

  private static boolean createIfAbsent(FileSystem fs, Path path, byte[] bytes) throws IOException {
    if (fs instanceof LocalFileSystem local) {
      return createLocal(local.pathToFile(path).toPath(), bytes);
    }
    if (fs instanceof RawLocalFileSystem raw) {
      return createLocal(raw.pathToFile(path).toPath(), bytes);
    }
    try (OutputStream out = fs.create(path, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(path)) {
        return false; // HDFS reports a racing create as an IOException subtype of its own
      }
      throw e;
    }
  }

  private static boolean createLocal(java.nio.file.Path file, byte[] bytes) throws IOException {
    try {
      Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  private static Optional<JsonNode> read(FileSystem fs, Path path) throws IOException {
    String text;
    try (InputStream in = fs.open(path)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(text);
      return Optional.of(n == null ? JSON.createObjectNode() : n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // A holder killed while writing its lock: no expiry to honour, so the lock is stale.
      LOG.warn("The lock {} is unreadable ({}): treated as expired", path, e.getOriginalMessage());
      return Optional.of(JSON.createObjectNode());
    }
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
