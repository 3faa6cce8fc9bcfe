package io.nightshift.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundsTest {
  @Test
  void warmsEveryCaseThenTimesThemInTurn() throws Exception {
    List<String> calls = new ArrayList<>();
    List<String> closed = new ArrayList<>();
    Map<String, Result.Timing> t;
    try (Rounds rounds = new Rounds()) {
      rounds.add("a", 1, () -> calls.add("a"));
      rounds.add("b", () -> calls.add("b"));
      rounds.closeLater(() -> closed.add("session"));
      t = rounds.run(1, 3);
      assertThat(closed).isEmpty();
    }

    assertThat(calls).containsExactly("a", "a", "b", "a", "b", "a", "b", "a", "b");
    assertThat(t).containsOnlyKeys("a", "b");
    assertThat(t.get("a").wall()).hasSize(3);
    assertThat(t.get("b").cpu()).hasSize(3);
    assertThat(closed).containsExactly("session");
  }

  @Test
  void noWarmUpMeansNoExtraOneEither() throws Exception {
    List<String> calls = new ArrayList<>();
    try (Rounds rounds = new Rounds()) {
      rounds.add("a", 1, () -> calls.add("a"));
      rounds.run(0, 1);
    }
    assertThat(calls).containsExactly("a");
  }

  @Test
  void aCaseAddedTwiceIsRefused() {
    Rounds rounds = new Rounds();
    rounds.add("a", () -> {});
    assertThatThrownBy(() -> rounds.add("a", () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("case added twice: a");
  }
}
