package io.nightshift.batch;

import io.nightshift.result.ResultWriter;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.nightshift.NightshiftException;
import io.nightshift.arrow.TensorBuffer;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a filled batch through the session. When ONNX Runtime throws on a batch, the batch is split
 * in halves, recursively, until the rows that fail alone are found: those are rejected with the
 * runtime's message, every other row is scored. Runs are logged by ONNX Runtime at FATAL only:
 * a failing row is reported once, in the quarantine, not once per split on stderr. Owns its native
 * run options; not thread-safe: one per task.
 */
public final class BatchScorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

  private final OrtSession session;
  private final OrtEnvironment env;
  private final List<FeatureInput> inputs;
  private final TensorBuffer[] buffers;
  private final ResultWriter writer;
  /** Only the mapped outputs are fetched: an unmapped one (e.g. a ZipMap) costs nothing. */
  private final java.util.Set<String> requested;
  private long bisections;
  private long runs;
  private long inferNanos;
  private final OrtSession.RunOptions runOptions;

  public BatchScorer(OrtSession session, OrtEnvironment env, List<FeatureInput> inputs,
      TensorBuffer[] buffers, ResultWriter writer) {
    try {
      this.runOptions = new OrtSession.RunOptions();
      runOptions.setLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
    } catch (OrtException e) {
      throw new NightshiftException(e, "cannot create ONNX Runtime run options: %s", e.getMessage());
    }
    this.session = session;
    this.env = env;
    this.inputs = inputs;
    this.buffers = buffers;
    this.writer = writer;
    this.requested = writer.modelOutputs();
  }

  /**
   * Scores slots [0, n) whose row widths are {@code widths}; fills {@code failed} with the
   * rejection of every slot that failed alone (null for scored slots).
   */
  public void score(int n, int[] widths, Rejection[] failed) {
    writer.reset();
    scoreRange(0, n, widths, failed);
  }

  private void scoreRange(int from, int to, int[] widths, Rejection[] failed) {
    try {
      run(from, to, widths);
    } catch (OrtException e) {
      if (to - from == 1) {
        failed[from] = new Rejection(RejectReason.MODEL_ERROR, "ONNX Runtime: " + e.getMessage());
        writer.skip(from);
        return;
      }
      bisections++;
      LOG.debug("Batch [{}, {}) failed ({}); splitting it", from, to, e.getMessage());
      int mid = (from + to) >>> 1;
      scoreRange(from, mid, widths, failed);
      scoreRange(mid, to, widths, failed);
    }
  }

  private void run(int from, int to, int[] widths) throws OrtException {
    Map<String, OnnxTensor> feed = new HashMap<>(inputs.size() * 2);
    try {
      for (int i = 0; i < inputs.size(); i++) {
        FeatureInput in = inputs.get(i);
        feed.put(in.modelInput(), buffers[i].tensor(env, from, to, in.dimsFor(widths[i])));
      }
      long start = System.nanoTime();
      try (OrtSession.Result result = session.run(feed, requested, runOptions)) {
        inferNanos += System.nanoTime() - start;
        runs++;
        writer.write(result, from, to - from);
      }
    } finally {
      for (OnnxTensor t : feed.values()) {
        t.close();
      }
    }
  }

  @Override
  public void close() {
    runOptions.close();
  }

  public long bisections() {
    return bisections;
  }

  public long runs() {
    return runs;
  }

  public long inferNanos() {
    return inferNanos;
  }
}
