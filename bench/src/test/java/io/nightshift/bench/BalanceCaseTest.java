package io.nightshift.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The planned-partition case runs the sample embeddings job as it is, with only the setting, the output and the paths changed. */
class BalanceCaseTest {
  @Test
  void jobIsTheSampleWithTheSetting() throws Exception {
    Path root = Samples.root();
    Bench.Options o = Bench.options("quick", root, root.resolve("bench/target/test-results"), null, "not run");
    String sample = Files.readString(root.resolve("conf/jobs/sample-embeddings.yaml"));

    String auto = Files.readString(BalanceCase.job(o, sample, "auto"));
    String input = Files.readString(BalanceCase.job(o, sample.replace("\ninference:\n",
        "\ninference:\n  partitioning: auto\n"), "input"));

    String samples = root.resolve("data-samples/target/samples").toAbsolutePath().toString();
    assertThat(auto).contains("\ninference:\n  partitioning: auto\n  batch-size: 8",
        "  path: " + samples + "/mail/mails.jsonl\n",
        "  path: " + o.work().resolve("out/embeddings-sample-auto").toAbsolutePath() + "\n",
        "  date: 2026-11-28\n");
    assertThat(auto.lines().filter(l -> l.contains("partitioning:")).count()).isEqualTo(1);
    // A sample that sets the key already gets its value replaced, not a second key.
    assertThat(input.lines().filter(l -> l.contains("partitioning:")).toList()).containsExactly("  partitioning: input");
  }
}
