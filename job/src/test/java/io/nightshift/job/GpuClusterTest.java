package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's GPU scheduling on a real standalone cluster, on this GPU-less machine: a discovery
 * script hands the worker the fake addresses 0 and 1, one executor of 2 cores gets both, and each
 * of its tasks one. With model.device auto, each task tries CUDA on its own address, falls back to
 * the CPU with the reason, and the executor's cache holds one session per (model, address).
 */
@Tag("cluster")
class GpuClusterTest {
  @TempDir static Path tmp;
  static StandaloneCluster cluster;
  static Path discovery;

  @BeforeAll
  static void start() throws Exception {
    discovery = tmp.resolve("fake-gpus.sh");
    Files.writeString(discovery, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
    cluster = StandaloneCluster.launch(tmp.resolve("cluster"), 1, 2,
        "-Dspark.worker.resource.gpu.amount=2 -Dspark.worker.resource.gpu.discoveryScript=" + discovery).await();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void tasksUseTheirAssignedGpuAndTheManifestSaysTheyRanOnCpu() throws Exception {
    Path out = tmp.resolve("out");
    String opts = String.join(" ",
        "--conf spark.executor.cores=2",
        "--conf spark.executor.resource.gpu.amount=2",
        "--conf spark.executor.resource.gpu.discoveryScript=" + discovery,
        "--conf spark.task.resource.gpu.amount=1",
        "--conf spark.sql.files.maxPartitionBytes=2000");
    StandaloneCluster.Submitted r = cluster.submit(tmp.resolve("submit"), null, Map.of(), opts, List.of(
        "run", "--config", "conf/jobs/sample-tabular.yaml",
        "--set", "output.path=" + out,
        "--set", "model.device=auto",
        "--set", "inference.batch-size=16"));
    assertThat(r.exitCode()).as(r.tail()).isZero();
    JsonNode m = new ObjectMapper().readTree(out.resolve("_nightshift/manifest-2026-11-28.json").toFile());
    assertThat(m.at("/rows/read").asLong()).isEqualTo(344);
    assertThat(m.at("/executors")).hasSize(1);
    JsonNode executor = m.at("/executors/0");
    assertThat(executor.at("/tasks").asInt()).as("tasks").isGreaterThan(2);
    // One session per (model, address): the executor saw both GPU addresses.
    assertThat(executor.at("/sessionsCreated").asLong()).isEqualTo(2);
    assertThat(executor.at("/device").asText()).isEqualTo("cpu");
    assertThat(executor.at("/provider").asText()).isEqualTo("CPUExecutionProvider");
    assertThat(executor.at("/fallbackReason").asText())
        .containsPattern("CUDA provider failed for GPU [01]")
        .contains("libcublasLt.so.12");
  }
}
