package io.nightshift.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Java main class in its own JVM, keeps its output in a log file and returns its lines. */
final class ChildJvm {
  /** What Spark's own launcher adds on Java 17 (both Spark 3.5 and 4 need it). */
  static final List<String> SPARK_OPENS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private ChildJvm() {}

  /** Output lines of the child; throws when it fails or outlives {@code timeoutMinutes}. */
  static List<String> run(List<String> jvmArgs, String classPath, String mainClass, List<String> args,
      Path log, int timeoutMinutes) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(SPARK_OPENS);
    cmd.addAll(jvmArgs);
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.addAll(args);
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  var w = Files.newBufferedWriter(log)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                  w.write(line);
                  w.newLine();
                }
              } catch (IOException e) {
                // the process ended; what was read is kept
              }
            });
    reader.start();
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      reader.join(5000);
      throw new IOException(mainClass + " did not finish within " + timeoutMinutes + " min; log: " + log);
    }
    reader.join();
    if (p.exitValue() != 0) {
      throw new IOException(mainClass + " exited " + p.exitValue() + ": " + lastError(lines) + " (log: " + log + ")");
    }
    return lines;
  }

  /** The most telling line of a failed child's output. */
  static String lastError(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("Exception in thread") || l.contains("Exception: ") || l.contains("Error: ")) {
        return l.trim();
      }
    }
    return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1).trim();
  }
}
