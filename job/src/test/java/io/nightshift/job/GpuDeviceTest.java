package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device choice on this CPU-only machine: CUDA asked for outright fails before anything is
 * written, with ONNX Runtime's reason and what to check; require-gpu refuses a CPU run; auto runs
 * on CPU. The GPU-only test runs with -DUSE_CUDA=1 on a machine with a GPU.
 */
class GpuDeviceTest {
  @TempDir static Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  private static String[] job(Path out, String... sets) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
        "run", "--config", TabularJobTest.CONFIG, "--set", "output.path=" + out));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args.toArray(String[]::new);
  }

  @Test
  void cudaWithoutCudaLibrariesFailsBeforeAnythingIsWritten() {
    Path out = tmp.resolve("cuda");
    String err = TabularJobTest.failing(2, out, job(out, "model.device=cuda"));
    assertThat(err)
        .contains("model.device")
        .contains("CUDA provider failed for GPU 0")
        .contains("libcublasLt.so.12")
        .contains("LD_LIBRARY_PATH");
  }

  @Test
  void requireGpuRefusesACpuRun() {
    Path out = tmp.resolve("require");
    String err = TabularJobTest.failing(2, out, job(out, "model.require-gpu=true"));
    assertThat(err).contains("model.require-gpu is true").contains("runs on cpu");
  }

  @Test
  void autoRunsOnCpuAndSaysSo() throws Exception {
    Path out = tmp.resolve("auto");
    assertThat(TabularJobTest.run(job(out, "model.device=auto"))).isZero();
    JsonNode m = new ObjectMapper().readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(m.at("/executors/0/device").asText()).isEqualTo("cpu");
    assertThat(m.at("/executors/0/provider").asText()).isEqualTo("CPUExecutionProvider");
  }

  @Test
  @EnabledIfSystemProperty(named = "USE_CUDA", matches = "1")
  void cudaRunsOnTheGpuWhenThereIsOne() throws Exception {
    Path out = tmp.resolve("gpu");
    assertThat(TabularJobTest.run(job(out, "model.device=cuda", "model.require-gpu=true"))).isZero();
    JsonNode m = new ObjectMapper().readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(m.at("/executors/0/provider").asText()).isEqualTo("CUDAExecutionProvider");
  }
}
