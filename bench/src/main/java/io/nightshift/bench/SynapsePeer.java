package io.nightshift.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs SynapseML's ONNXModel (bench/peers/synapseml, its own Maven project and JVM) and parses its
 * result line. Without a built peer the result says why.
 */
final class SynapsePeer {
  static final String NAME = "synapseml ONNXModel";
  private static final Pattern RESULT =
      Pattern.compile("SYNAPSEML result label=(\\S+) batch=(\\d+) rows=(\\d+) ms=([\\d,]+) cpu_ms=([\\d,]+)");
  private static final Pattern PROBE =
      Pattern.compile("SYNAPSEML probe label=(\\S+) batch=(\\d+) rows=(\\d+) ms=(\\d+)");

  private SynapsePeer() {}

  static Result run(Bench.Options o, Bench.Model m, Path data, Path probe) {
    try {
      Path model = PeerModel.forSynapse(m.file(), o.work().resolve("models"));
      return run(o, m.label(), model, data, probe, List.of(m.input()), List.of("features"), m.output(),
          "10,512,4096", "same graph relabelled IR 7 / opset 13 for its ONNX Runtime 1.8.1");
    } catch (java.io.IOException e) {
      return Result.notRun(m.label(), NAME, "failed: cannot relabel " + m.file() + ": " + e.getMessage());
    }
  }

  /**
   * Runs the peer on {@code model}, feeding input {@code inputs[i]} from column {@code columns[i]}
   * and fetching {@code output}; {@code batches} are the mini-batch sizes its probe tries.
   */
  static Result run(Bench.Options o, String label, Path model, Path data, Path probe, List<String> inputs,
      List<String> columns, String output, String batches, String note) {
    if (o.synapseDir() == null) {
      return Result.notRun(label, NAME,
          "not run: " + (o.synapseError() == null ? "no --synapseml peer given" : o.synapseError()));
    }
    Path dir = o.synapseDir();
    Path log = o.work().resolve("logs").resolve("synapseml-" + label + ".log");
    try {
      String cp = dir.resolve("target/classes") + ":" + Files.readString(dir.resolve("target/classpath.txt")).trim();
      List<String> args =
          List.of("--label", label, "--model", model.toString(),
              "--data", data.toAbsolutePath().toString(), "--probe", probe.toAbsolutePath().toString(),
              "--input", String.join(",", inputs), "--column", String.join(",", columns), "--output", output,
              "--runs", Integer.toString(o.runs()), "--batches", batches);
      List<String> lines =
          ChildJvm.run(List.of("-Xmx3g"), cp, "io.nightshift.bench.peer.SynapseBench", args, log, 12);
      List<String> probes = new ArrayList<>();
      for (String line : lines) {
        Matcher p = PROBE.matcher(line);
        if (p.find()) {
          probes.add(String.format("%s: %,.0f rows/s", p.group(2),
              Long.parseLong(p.group(3)) / (Long.parseLong(p.group(4)) / 1e3)));
        }
        Matcher r = RESULT.matcher(line);
        if (r.find()) {
          long[] ns = Arrays.stream(r.group(4).split(",")).mapToLong(s -> Long.parseLong(s) * 1_000_000).toArray();
          long[] cpu = Arrays.stream(r.group(5).split(",")).mapToLong(s -> Long.parseLong(s) * 1_000_000).toArray();
          long probeRows = Long.parseLong(lines.stream().map(PROBE::matcher).filter(Matcher::find)
              .findFirst().map(x -> x.group(3)).orElse("0"));
          Result res = new Result(label, NAME, Long.parseLong(r.group(3)), ns, cpu,
              note + "; miniBatchSize " + r.group(2) + " (best of probe run over "
                  + String.format("%,d", probeRows) + " rows: " + String.join(", ", probes) + ")");
          Bench.log("%s %s [%s]: median %,.0f rows/s", label, NAME, res.note(), res.medianRate());
          return res;
        }
      }
      return Result.notRun(label, NAME, "failed: no result line in " + log);
    } catch (Exception e) {
      Bench.log("%s %s failed: %s", label, NAME, e.getMessage());
      return Result.notRun(label, NAME, "failed: " + e.getMessage());
    }
  }
}
