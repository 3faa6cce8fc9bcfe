package io.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The plan's arithmetic: estimated savings of an even spread, local slots. */
class PartitionPlanTest {

  @Test
  void gainModelsSplitsHandedInOrderToTheFirstFreeSlot() {
    // One split for two slots: half the slot time idle.
    assertThat(PartitionPlan.gain(new long[] {100}, 2)).isEqualTo(0.5);
    // Two equal splits on two slots: nothing to gain.
    assertThat(PartitionPlan.gain(new long[] {50, 50}, 2)).isEqualTo(0.0);
    // Three equal splits on two slots: the third runs alone (2 units against 1.5).
    assertThat(PartitionPlan.gain(new long[] {10, 10, 10}, 2)).isEqualTo(0.25);
    // Two splits, one holding three quarters of the cost (the sample mails): 75 against 50.
    assertThat(PartitionPlan.gain(new long[] {25, 75}, 2)).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(PartitionPlan.gain(new long[] {0, 0}, 2)).isEqualTo(0.0);
  }

  @Test
  void makespanHandsSplitsInOrderToTheFirstFreeSlot() {
    // The medium MLP's 3 splits on 2 slots (MiB with open costs): the third is a wave of its own.
    assertThat(PartitionPlan.makespan(new long[] {108, 108, 72}, 2)).isEqualTo(180);
    assertThat(PartitionPlan.makespan(new long[] {72, 72, 72, 72}, 2)).isEqualTo(144);
    assertThat(PartitionPlan.makespan(new long[] {30, 10, 10, 10}, 2)).isEqualTo(30);
    assertThat(PartitionPlan.makespan(new long[] {}, 2)).isEqualTo(0);
  }

  @Test
  void localMastersGiveTheirThreads() {
    assertThat(PartitionPlan.localThreads("local")).isEqualTo(1);
    assertThat(PartitionPlan.localThreads("local[2]")).isEqualTo(2);
    assertThat(PartitionPlan.localThreads("local[3,4]")).isEqualTo(3);
    assertThat(PartitionPlan.localThreads("local[*]")).isEqualTo(Runtime.getRuntime().availableProcessors());
  }
}
