package io.nightshift.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Spark cluster started by {@code deploy/cluster/start.sh} (master and workers as JVMs
 * of their own, on 127.0.0.1) and stopped by {@code deploy/cluster/stop.sh} on close, with every
 * recorded PID killed as a last resort. Submits go through {@code deploy/submit.sh}.
 */
final class StandaloneCluster implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("nightshift.root", ".")).toAbsolutePath();

  final Path dir;
  final String masterUrl;
  private final Map<String, String> env;

  private StandaloneCluster(Path dir, String masterUrl, Map<String, String> env) {
    this.dir = dir;
    this.masterUrl = masterUrl;
    this.env = env;
  }

  /** Starts a master and {@code workers} workers of one core each; returns once all registered. */
  static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
    return launch(dir, workers).await();
  }

  /** Runs deploy/cluster/start.sh without waiting for it: the caller may prepare data meanwhile. */
  static Starting launch(Path dir, int workers) throws IOException {
    return launch(dir, workers, 1, "");
  }

  /** As {@link #launch(Path, int)}, with {@code cores} per worker and extra worker JVM options. */
  static Starting launch(Path dir, int workers, int cores, String workerOpts) throws IOException {
    Map<String, String> env = Map.of(
        "NIGHTSHIFT_CLUSTER_DIR", dir.toString(),
        "NIGHTSHIFT_MASTER_PORT", String.valueOf(S3ProxyServer.freePort()),
        "NIGHTSHIFT_MASTER_UI_PORT", String.valueOf(S3ProxyServer.freePort()),
        "NIGHTSHIFT_WORKER_CORES", String.valueOf(cores),
        "NIGHTSHIFT_WORKER_MEMORY", "1280m",
        "NIGHTSHIFT_WORKER_OPTS", workerOpts);
    Path out = dir.resolve("start.out");
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("deploy/cluster/start.sh").toString(), String.valueOf(workers))
        .directory(ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().putAll(env);
    return new Starting(pb.start(), new StandaloneCluster(dir, null, env), out);
  }

  /** A cluster whose start.sh runs; {@link #await} returns it started, or stops what started. */
  record Starting(Process process, StandaloneCluster partial, Path out) {
    StandaloneCluster await() throws IOException, InterruptedException {
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        partial.close();
        throw new IllegalStateException("deploy/cluster/start.sh did not finish in 3 minutes: " + Files.readString(out));
      }
      List<String> lines = Files.readAllLines(out);
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
      if (process.exitValue() != 0 || !last.startsWith("spark://")) {
        partial.close();
        throw new IllegalStateException(
            "deploy/cluster/start.sh failed (" + process.exitValue() + "): " + String.join("\n", lines));
      }
      return new StandaloneCluster(partial.dir, last.trim(), partial.env);
    }

    /** Stops whatever the start got to (after a failure elsewhere). */
    void abort() throws IOException, InterruptedException {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      partial.close();
    }
  }

  List<Long> workerPids() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (var files = Files.list(dir.resolve("pids"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("worker-")).toList()) {
        pids.add(Long.parseLong(Files.readString(f).trim()));
      }
    }
    return pids;
  }

  /** The executor JVMs (CoarseGrainedExecutorBackend) the workers have started and that still run. */
  List<ProcessHandle> executors() throws IOException {
    List<ProcessHandle> out = new ArrayList<>();
    for (long pid : workerPids()) {
      ProcessHandle.of(pid).ifPresent(w -> w.children()
          .filter(c -> c.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
          .forEach(out::add));
    }
    return out;
  }

  /** Runs {@code deploy/submit.sh} against this cluster (or {@code master}), waiting for its exit. */
  Submitted submit(Path workDir, String master, Map<String, String> extraEnv, String submitOpts, List<String> args)
      throws IOException, InterruptedException {
    return submitAsync(workDir, master, extraEnv, submitOpts, args).await(Duration.ofMinutes(4));
  }

  Running submitAsync(Path workDir, String master, Map<String, String> extraEnv, String submitOpts, List<String> args)
      throws IOException {
    Files.createDirectories(workDir);
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("deploy/submit.sh").toString());
    cmd.addAll(args);
    Path out = workDir.resolve("stdout.txt");
    Path err = workDir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(ROOT.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().putAll(env);
    pb.environment().put("NIGHTSHIFT_MASTER", master == null ? masterUrl : master);
    pb.environment().put("NIGHTSHIFT_WORK_DIR", workDir.toString());
    pb.environment().put("NIGHTSHIFT_SUBMIT_OPTS", submitOpts);
    pb.environment().put("NIGHTSHIFT_JAVA_OPTS", "-Xmx768m");
    pb.environment().putAll(extraEnv);
    return new Running(pb.start(), out, err);
  }

  /** A submit in flight. */
  record Running(Process process, Path stdout, Path stderr) {
    Submitted await(Duration timeout) throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new IllegalStateException("deploy/submit.sh did not finish in " + timeout + "; stderr:\n"
            + Files.readString(stderr));
      }
      return new Submitted(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
  }

  /** A finished submit: exit code and what it printed. */
  record Submitted(int exitCode, String stdout, String stderr) {
    /** The one-line error of a failed run and the tail of stderr, for assertion messages. */
    String tail() {
      String[] lines = stderr.split("\n");
      return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }
  }

  /** Text of every executor log (stdout, stderr) the workers kept. */
  String executorLogs() throws IOException {
    StringBuilder sb = new StringBuilder();
    Path work = dir.resolve("work");
    if (Files.isDirectory(work)) {
      try (var files = Files.walk(work)) {
        for (Path f : files.filter(f -> {
          String n = f.getFileName().toString();
          return n.equals("stderr") || n.equals("stdout");
        }).toList()) {
          sb.append(Files.readString(f));
        }
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("deploy/cluster/stop.sh").toString())
        .directory(ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    // Whatever stop.sh could not stop (or a start that failed half way): kill by recorded PID.
    List<ProcessHandle> left = new ArrayList<>(executors());
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    Path pids = dir.resolve("pids");
    if (Files.isDirectory(pids)) {
      try (var files = Files.list(pids)) {
        for (Path f : files.toList()) {
          ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
    left.forEach(ProcessHandle::destroyForcibly);
  }
}
