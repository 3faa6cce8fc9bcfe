package io.nightshift.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The one Arrow {@link RootAllocator} of this JVM, and named child allocators for tasks. Whoever
 * takes a child closes it; closing a child with memory still allocated throws, so leaks fail
 * loudly. The root is never closed: it lives as long as the executor.
 */
public final class Allocators {
  private static final RootAllocator ROOT = new RootAllocator(Long.MAX_VALUE);

  private Allocators() {}

  /** The root of this JVM. */
  public static BufferAllocator root() {
    return ROOT;
  }

  /** A child for one task (or test), to be closed by the caller. */
  public static BufferAllocator child(String name) {
    return ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
  }
}
