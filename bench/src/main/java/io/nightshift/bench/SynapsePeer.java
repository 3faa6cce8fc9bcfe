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
    if (o.synapseDir() == null) {
      return Result.notRun(m.label(), NAME,
          "not run: " + (o.synapseError() == null ? "no --synapseml peer given" : o.synapseError()));
    }
    Path dir = o.synapseDir();
    Path log = o.work().resolve("logs").resolve("synapseml-" + m.label() + ".log");
    try {
      String cp = dir.resolve("target/classes") + ":" + Files.readString(dir.resolve("target/classpath.txt")).trim();
      List<String> args =
          List.of("--label", m.label(), "--model", PeerModel.forSynapse(m.file(), o.work().resolve("models")).toString(),
              "--data", data.toAbsolutePath().toString(), "--probe", probe.toAbsolutePath().toString(),
              "--input", m.input(), "--column", "features", "--output", m.output(),
              "--runs", Integer.toString(o.runs()), "--batches", "10,512,4096");
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
          Result res = new Result(m.label(), NAME, Long.parseLong(r.group(3)), ns, cpu,
              "same graph relabelled IR 7 / opset 13 for its ONNX Runtime 1.8.1; miniBatchSize "
                  + r.group(2) + " (best of probe run over " + String.format("%,d", o.probeRows())
                  + " rows: " + String.join(", ", probes) + ")");
          Bench.log("%s %s [%s]: median %,.0f rows/s", m.label(), NAME, res.note(), res.medianRate());
          return res;
        }
      }
      return Result.notRun(m.label(), NAME, "failed: no result line in " + log);
    } catch (Exception e) {
      Bench.log("%s %s failed: %s", m.label(), NAME, e.getMessage());
      return Result.notRun(m.label(), NAME, "failed: " + e.getMessage());
    }
  }
}
