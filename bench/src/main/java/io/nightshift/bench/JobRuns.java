package io.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * One job file run again and again in one JVM, as the benchmark's timed runs are, printing per run
 * the job's wall time and, from the run's manifest, the slowest scoring task's busy time and their
 * difference: what the run costs besides scoring (pre-launch checks, reading and shipping the
 * model, planning, commit, manifest). {@code JobRuns JOB.yaml RUNS} (the first run includes JIT and
 * the first session load). For the driver's timeline, run it with a log4j2 configuration whose
 * pattern has {@code %d{HH:mm:ss.SSS}} (see docs/bench.md, Profiling).
 */
public final class JobRuns {
  private JobRuns() {}

  public static void main(String[] args) throws Exception {
    Path job = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    SparkSession spark = Bench.session();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      if (io.nightshift.job.Nightshift.execute(new String[] {"run", "--config", job.toString()}) != 0) {
        throw new IllegalStateException("run " + i + " of " + job + " failed");
      }
      double wall = (System.nanoTime() - start) / 1e9;
      JsonNode m = latestRun(outputOf(job));
      double busy = m.at("/balance/busy_seconds_max").asDouble();
      Bench.log("run %d: %.2f s wall, slowest task busy %.2f s, the rest %.2f s (%s rows, model %s)", i, wall, busy,
          wall - busy, m.at("/rows/read").asText(), m.at("/model/distribution").asText());
    }
    spark.stop();
  }

  /** The job file's {@code output.path} (the first line under {@code output:} that sets it). */
  private static Path outputOf(Path job) throws Exception {
    boolean inOutput = false;
    for (String line : Files.readAllLines(job)) {
      if (!line.startsWith(" ")) {
        inOutput = line.startsWith("output:");
      } else if (inOutput && line.trim().startsWith("path:")) {
        return Path.of(line.trim().substring("path:".length()).trim());
      }
    }
    throw new IllegalArgumentException(job + " has no output.path");
  }

  private static JsonNode latestRun(Path output) throws Exception {
    try (Stream<Path> runs = Files.list(output.resolve("_nightshift/runs"))) {
      Path newest = runs.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
          .max(Comparator.comparing(p -> p.toFile().lastModified())).orElseThrow();
      return new ObjectMapper().readTree(newest.toFile());
    }
  }
}
