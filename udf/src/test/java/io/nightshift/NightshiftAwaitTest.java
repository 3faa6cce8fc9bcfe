package io.nightshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A failure on another thread surfaces as it was thrown there. */
class NightshiftAwaitTest {
  @Test
  void aValueIsReturnedAndUncheckedFailuresAreThrownAsTheyWere() {
    assertThat(NightshiftException.await(CompletableFuture.completedFuture(7), "x")).isEqualTo(7);
    NightshiftException invalid = NightshiftException.invalid("input.path: file f is not Parquet");
    assertThatThrownBy(() -> NightshiftException.await(CompletableFuture.failedFuture(invalid), "x"))
        .isSameAs(invalid);
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertThatThrownBy(() -> NightshiftException.await(CompletableFuture.failedFuture(oom), "x")).isSameAs(oom);
  }

  @Test
  void aCheckedFailureIsWrappedNamingWhatFailed() {
    IOException io = new IOException("disk gone");
    assertThatThrownBy(() -> NightshiftException.await(CompletableFuture.failedFuture(io), "the text cost pass"))
        .isInstanceOfSatisfying(NightshiftException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE))
        .hasMessage("the text cost pass failed: disk gone")
        .hasCause(io);
  }

  @Test
  void anInterruptedWaitKeepsTheFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> NightshiftException.await(new CompletableFuture<Integer>(), "the model's preparation"))
          .isInstanceOf(NightshiftException.class)
          .hasMessage("interrupted while waiting for the model's preparation");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
