package io.nightshift.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How long ONNX Runtime takes to make a CPU session (1 intra-op thread, all graph optimizations)
 * from a model's bytes in a {@code byte[]} (how executors load a broadcast model), from the same
 * bytes copied into a new direct buffer, and from the file's path (how the driver inspects a local
 * model file, see ModelPreparer). Off by default: {@code mvn -o -B -pl udf -am
 * test -Dtest=SessionLoadBench -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}. Prints the
 * min and median milliseconds of {@code bench.rounds} rounds (default 5) per model and way; the
 * three ways interleave in each round.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class SessionLoadBench {
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

  @Test
  void loadTimes() throws Exception {
    for (Path model : List.of(Samples.minilmInt8Model(), Samples.minilmFp32Model(), Samples.bgeSmallEnFp32Model())) {
      byte[] bytes = Files.readAllBytes(model);
      List<List<Long>> millis = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      load(bytes, model, 0); // the first load of a JVM pays for the native library and the JIT
      for (int r = 0; r < ROUNDS; r++) {
        for (int way = 0; way < 3; way++) {
          millis.get(way).add(load(bytes, model, way));
        }
      }
      String[] ways = {"byte[]", "direct buffer", "path"};
      for (int way = 0; way < 3; way++) {
        long[] m = millis.get(way).stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%s (%,d bytes) from %s: min %d ms, median %d ms%n",
            model.getParent().getFileName() + "/" + model.getFileName(), bytes.length, ways[way], m[0],
            m[m.length / 2]);
      }
    }
  }

  private static java.nio.ByteBuffer direct(byte[] bytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(bytes.length);
    b.put(bytes).flip();
    return b;
  }

  private static long load(byte[] bytes, Path model, int way) throws OrtException {
    try (SessionOptions options = new SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      long start = System.nanoTime();
      OrtSession session = switch (way) {
        case 0 -> SessionFactory.environment().createSession(bytes, options);
        case 1 -> SessionFactory.environment().createSession(direct(bytes), options);
        default -> SessionFactory.environment().createSession(model.toString(), options);
      };
      long millis = (System.nanoTime() - start) / 1_000_000;
      try (session) {
        assertThat(session.getInputNames()).contains("input_ids");
      }
      return millis;
    }
  }
}
