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
 * runtime's message, every other row is scored. Runs are logged by ONNX Runtime at FATAL only: a
 * failing row is reported once, in the quarantine, not once per split on stderr.
 *
 * <p>A model whose inputs have a fixed batch dimension B gets runs of exactly B rows: a shorter
 * batch is padded with copies of its first row (their results discarded), and when such a run
 * fails each row is run alone, copied B times into the buffers' scratch rows [B, 2B), which the
 * caller allocates. So a row's fate never depends on its position.
 *
 * <p>Owns its native run options; not thread-safe: one per task.
 */
public final class BatchScorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

  private final OrtSession session;
  private final OrtEnvironment env;
  private final List<FeatureInput> inputs;
  private final TensorBuffer[] buffers;
  private final ResultWriter writer;
  /** The model's fixed batch size, or 0 when the batch dimension is dynamic. */
  private final int fixedBatch;
  /** Only the mapped outputs are fetched: an unmapped one (e.g. a ZipMap) costs nothing. */
  private final java.util.Set<String> requested;
  private long bisections;
  private long runs;
  private long inferNanos;
  private final OrtSession.RunOptions runOptions;

  /**
   * A scorer for a model whose batch dimension is fixed at {@code fixedBatch} (0: dynamic); then
   * every buffer holds at least 2 × fixedBatch rows when fixedBatch is above 1.
   */
  public BatchScorer(OrtSession session, OrtEnvironment env, List<FeatureInput> inputs,
      TensorBuffer[] buffers, ResultWriter writer, int fixedBatch) {
    this.fixedBatch = fixedBatch;
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
    if (fixedBatch > 0) {
      scoreFixed(n, widths, failed);
    } else {
      scoreRange(0, n, widths, failed);
    }
  }

  private void scoreRange(int from, int to, int[] widths, Rejection[] failed) {
    try {
      run(from, to, widths, from, to - from, failed);
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

  /** Scores n rows (at most the fixed batch) in one run of exactly the fixed batch size. */
  private void scoreFixed(int n, int[] widths, Rejection[] failed) {
    int b = fixedBatch;
    for (TensorBuffer buf : buffers) {
      for (int pad = n; pad < b; pad++) {
        buf.moveRow(0, pad);
      }
    }
    try {
      run(0, b, widths, 0, n, failed);
      return;
    } catch (OrtException e) {
      if (b == 1) {
        failed[0] = new Rejection(RejectReason.MODEL_ERROR, "ONNX Runtime: " + e.getMessage());
        writer.skip(0);
        return;
      }
      bisections++;
      LOG.debug("Batch of {} rows failed ({}); running each row alone", n, e.getMessage());
    }
    writer.reset();
    for (int slot = 0; slot < n; slot++) {
      for (TensorBuffer buf : buffers) {
        for (int copy = b; copy < 2 * b; copy++) {
          buf.moveRow(slot, copy);
        }
      }
      try {
        run(b, 2 * b, widths, slot, 1, failed);
      } catch (OrtException e) {
        failed[slot] = new Rejection(RejectReason.MODEL_ERROR, "ONNX Runtime: " + e.getMessage());
        writer.skip(slot);
      }
    }
  }

  /**
   * Runs buffer rows [from, to) and writes the first {@code n} rows of the result to slots
   * [slot, slot + n).
   */
  private void run(int from, int to, int[] widths, int slot, int n, Rejection[] failed) throws OrtException {
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
        writer.write(result, slot, n, to - from, failed);
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
