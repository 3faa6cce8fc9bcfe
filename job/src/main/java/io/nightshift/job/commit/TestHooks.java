package io.nightshift.job.commit;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test hooks at the publish steps, for the crash tests; inert unless their JVM system property is
 * set (never by the launch scripts). The steps, in order: {@code staged} (journal written, nothing
 * moved), {@code aside} (the first target's old night moved aside), {@code moving-in} (the first
 * target's new night moved in, the next one's not yet), {@code cleanup} (every new night in, the old
 * ones not yet deleted), {@code registering} (published, not yet registered in output.table's
 * catalog tables; only with output.table). With output.format iceberg only {@code staged} is reached: the night staged
 * and checked, neither table committed.
 *
 * <ul>
 *   <li>{@code -Dnightshift.test.pause-at=STEP -Dnightshift.test.pause-marker=FILE}: at STEP,
 *       creates FILE, prints {@code nightshift: test hook paused at publish step 'STEP'} to stderr
 *       and blocks the thread until the JVM is killed.
 *   <li>{@code -Dnightshift.test.fail-at=STEP}: at STEP, throws a NightshiftException (exit 1).
 * </ul>
 */
final class TestHooks {
  private static final Logger LOG = LoggerFactory.getLogger(TestHooks.class);
  static final String PAUSE_AT = "nightshift.test.pause-at";
  static final String PAUSE_MARKER = "nightshift.test.pause-marker";
  static final String FAIL_AT = "nightshift.test.fail-at";

  private TestHooks() {}

  static void at(String step) {
    if (step.equals(System.getProperty(FAIL_AT))) {
      throw new NightshiftException("test hook %s: failing at publish step '%s'", FAIL_AT, step);
    }
    if (!step.equals(System.getProperty(PAUSE_AT))) {
      return;
    }
    String marker = System.getProperty(PAUSE_MARKER, "");
    try {
      if (!marker.isEmpty()) {
        Files.writeString(Path.of(marker), step);
      }
      LOG.warn("Test hook {}: paused at publish step '{}' until killed", PAUSE_AT, step);
      System.err.println("nightshift: test hook paused at publish step '" + step + "'");
      new CountDownLatch(1).await();
    } catch (IOException e) {
      throw new NightshiftException(e, "test hook %s: cannot write %s", PAUSE_AT, marker);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NightshiftException(e, "test hook %s: interrupted at '%s'", PAUSE_AT, step);
    }
  }
}
