package io.nightshift.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The ceiling: a plain Java ONNX Runtime loop over rows already in memory, as float batches in
 * direct buffers, wrapped as tensors without a copy. {@code callers} threads share one session
 * with {@code intraOp} threads each; the output is read (first value of each batch) and dropped.
 * Same session options as Nightshift (sequential, one inter-op thread, no spinning, all
 * optimizations). Not thread-safe across instances: one at a time.
 */
final class Ceiling implements AutoCloseable {
  private final List<FloatBuffer> batches = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private final int width;
  private final long rows;

  /** Loads the {@code features} column of {@code arrDir} into direct buffers of {@code batch} rows. */
  Ceiling(SparkSession spark, Path arrDir, int width, int batch) {
    this.width = width;
    Iterator<Row> it = spark.read().parquet(arrDir.toString()).select("features").toLocalIterator();
    long n = 0;
    FloatBuffer cur = null;
    int inCur = 0;
    while (it.hasNext()) {
      if (cur == null) {
        cur = ByteBuffer.allocateDirect(batch * width * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        inCur = 0;
      }
      List<Float> values = it.next().getList(0);
      for (int j = 0; j < width; j++) {
        cur.put(inCur * width + j, values.get(j));
      }
      inCur++;
      n++;
      if (inCur == batch) {
        batches.add(cur);
        sizes.add(inCur);
        cur = null;
      }
    }
    if (cur != null) {
      batches.add(cur);
      sizes.add(inCur);
    }
    this.rows = n;
  }

  long rows() {
    return rows;
  }

  /** A session on {@code model} with Nightshift's CPU options and {@code intraOp} threads; the caller closes it. */
  static OrtSession session(Path model, int intraOp) throws Exception {
    try (OrtSession.SessionOptions o = sessionOptions(intraOp)) {
      return OrtEnvironment.getEnvironment().createSession(Files.readAllBytes(model), o);
    }
  }

  /** One pass over every batch by {@code callers} threads sharing {@code session} (created outside the timing). */
  Bench.Body pass(OrtSession session, String input, int callers) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    return () -> pass(env, session, input, callers);
  }

  /**
   * Nightshift's CPU session options (sequential, one inter-op thread, no spinning, all graph
   * optimizations) with {@code intraOp} threads: the ceilings use the same.
   */
  static OrtSession.SessionOptions sessionOptions(int intraOp) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setIntraOpNumThreads(intraOp);
    o.setInterOpNumThreads(1);
    o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    o.addConfigEntry("session.intra_op.allow_spinning", "0");
    return o;
  }

  private void pass(OrtEnvironment env, OrtSession session, String input, int callers) throws Exception {
    onCallers(callers, "ceiling", batches.size(), 1, (from, to) -> score(env, session, input, from));
  }

  /** A caller's share of a pass: items [from, to). */
  interface Chunk {
    void run(int from, int to) throws Exception;
  }

  /**
   * The ceilings' thread loop: items 0..n-1 over {@code callers} threads (named {@code name-i}),
   * each claiming the next {@code step} items in turn until none are left; waits for all and
   * rethrows a failure.
   */
  static void onCallers(int callers, String name, int n, int step, Chunk chunk) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    Exception[] failure = new Exception[1];
    for (int t = 0; t < callers; t++) {
      Thread th = new Thread(() -> {
        try {
          for (int from = next.getAndAdd(step); from < n; from = next.getAndAdd(step)) {
            chunk.run(from, Math.min(n, from + step));
          }
        } catch (Exception e) {
          synchronized (failure) {
            failure[0] = e;
          }
        }
      }, name + "-" + t);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private void score(OrtEnvironment env, OrtSession session, String input, int b) throws OrtException {
    FloatBuffer buf = batches.get(b).duplicate();
    int n = sizes.get(b);
    buf.limit(n * width);
    try (OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {n, width});
        OrtSession.Result r = session.run(Map.of(input, t))) {
      if (((OnnxTensor) r.get(0)).getFloatBuffer().get(0) == Float.MIN_VALUE) {
        throw new IllegalStateException("unreachable");
      }
    }
  }

  @Override
  public void close() {
    batches.clear();
  }
}
