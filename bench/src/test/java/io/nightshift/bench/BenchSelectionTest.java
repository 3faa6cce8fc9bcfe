package io.nightshift.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** BENCH_MODELS names models that exist, or the run stops before it starts, naming the known ones. */
class BenchSelectionTest {
  private static final List<String> KNOWN = List.of("small", "medium", "minilm-int8", "minilm-fp32");

  @Test
  void knownNamesOrNothingPass() {
    assertThatCode(() -> Bench.checkSelection("", KNOWN)).doesNotThrowAnyException();
    assertThatCode(() -> Bench.checkSelection("small,minilm-fp32", KNOWN)).doesNotThrowAnyException();
  }

  @Test
  void unknownNameIsAnError() {
    assertThatThrownBy(() -> Bench.checkSelection("small,minilm", KNOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("BENCH_MODELS / bench.models: unknown model 'minilm' "
            + "(known: small, medium, minilm-int8, minilm-fp32)");
  }

  @Test
  void bgeRunsOutsideTheHarnessTestOnly() {
    java.nio.file.Path root = java.nio.file.Path.of("root");
    Bench.Options tiny = Bench.options("tiny", root, root, null, "not run");
    Bench.Options quick = Bench.options("quick", root, root, null, "not run");
    assertThat(Bench.runs(tiny, "bge-int8-dynamic")).isFalse();
    assertThat(Bench.runs(tiny, "minilm-int8-dynamic")).isTrue();
    assertThat(Bench.runs(quick, "bge-int8-dynamic")).isTrue();
    assertThat(Bench.runs(quick, "bge-fp32")).isTrue();
  }
}
