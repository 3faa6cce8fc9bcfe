package io.nightshift.job;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The nightly job's arguments as the Airflow DAG computes them: {@code deploy/airflow/nightly_args.py}
 * (the module the DAG imports) run with python3, for one {@code ds}. The cluster tests launch
 * exactly these, so what Airflow launches is what was tested.
 */
final class NightlyArgs {
  private NightlyArgs() {}

  static List<String> forDate(Path home, String ds) throws IOException, InterruptedException {
    return python(home, "deploy/airflow/nightly_args.py", "--home", home.toString(), "--ds", ds);
  }

  /** Runs a python3 script of the project that prints a JSON list of strings; returns the list. */
  static List<String> python(Path home, String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("python3", "-B", home.resolve(script).toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(home.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + err);
    }
    return new ObjectMapper().readValue(out, new TypeReference<List<String>>() {});
  }
}
