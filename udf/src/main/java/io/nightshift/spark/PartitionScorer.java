package io.nightshift.spark;

import io.nightshift.batch.BatchScorer;
import io.nightshift.batch.BatchSource;
import io.nightshift.batch.ColumnSource;
import io.nightshift.batch.ColumnarRows;
import io.nightshift.batch.FeatureInput;
import io.nightshift.image.ImageSource;
import io.nightshift.result.ResultWriter;
import io.nightshift.text.TextBatcher;
import io.nightshift.text.TextSource;

import io.nightshift.NightshiftException;
import io.nightshift.arrow.Allocators;
import io.nightshift.cache.LeaseCache;
import io.nightshift.arrow.TensorBuffer;
import io.nightshift.model.ModelCache;
import io.nightshift.onnx.Device;
import io.nightshift.onnx.DeviceResolver;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.onnx.SessionCache;
import io.nightshift.onnx.SessionFactory;
import io.nightshift.onnx.SessionKey;
import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.quality.RejectSink;
import io.nightshift.quality.Rejection;
import io.nightshift.quality.RowJson;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The function Spark runs on each partition: rows in, result rows out, streaming batch by batch.
 * Memory is bounded by the batch size whatever the partition size (for text models by the window,
 * see {@link TextBatcher}; rows then come out in the window's length order). Per task it borrows the JVM's
 * shared session, takes a child Arrow allocator, and closes both when the iterator ends or the
 * task completes, whichever comes first.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);
  private final ScoringPlan plan;

  PartitionScorer(ScoringPlan plan) {
    this.plan = plan;
  }

  /** The same function over a columnar scan: rows read in place from its column vectors. */
  FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> columnar() {
    ScoringPlan p = plan;
    return batches -> new Scoring(p, new ColumnarRows(batches));
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    return new Scoring(plan, rows);
  }

  /**
   * The running task's lease on its JVM's session for the plan's model on the task's device,
   * creating the session (from the shipped payload, checked against its sha256) when absent.
   */
  static LeaseCache.Lease<ScoringSession> lease(ScoringPlan plan) {
    Device device =
        DeviceResolver.resolve(plan.model().device(), plan.model().resourceName(), plan.model().multipleGpus());
    return SessionCache.shared()
        .acquire(
            new SessionKey(plan.modelSha256(), device.id(), plan.model().device(), plan.threads(),
                plan.model().cuda(), plan.model().customOpsLibrary()),
            plan.model().sessionCacheSize(),
            () ->
                plan.shipped()
                    .load(plan.modelName(), device, plan.model().device(), plan.threads(),
                        plan.model().cuda(), plan.model().customOpsLibrary(), plan.hadoopConf().value().get()));
  }

  /** One task's scoring state. */
  private static final class Scoring implements Iterator<InternalRow>, AutoCloseable {
    private final ScoringPlan plan;
    private final Iterator<InternalRow> input;
    private final TaskContext task = TaskContext.get();
    private final LeaseCache.Lease<ScoringSession> lease;
    private final ScoringSession session;
    private final BufferAllocator allocator;
    private final TensorBuffer[] buffers;
    private final ResultWriter writer;
    /** The input kind: rows into filled buffers. */
    private final BatchSource source;
    private final BatchScorer scorer;
    private final RejectSink rejects;
    private final UnsafeProjection passThrough;
    private final InternalRow[] slots;
    private final Rejection[] failed;
    private final int[] widths;
    private final Map<String, Long> rejectedByReason = new LinkedHashMap<>();
    private final JoinedRow joined = new JoinedRow();
    /** Rejected rows kept in the result (ScoreOptions.RejectedRows.KEPT), waiting to be returned; else null. */
    private final java.util.ArrayDeque<InternalRow> kept;
    /** Scored rows' null reason columns when rejected rows are kept, else null. */
    private final InternalRow noReason;
    private final JoinedRow withReason = new JoinedRow();
    private ColumnarBatch results;
    /** Writes rejected rows' input_json; made on the first rejection. */
    private RowJson rowJson;
    private int batchSize;
    private int cursor;
    private long rowsRead;
    private long rowsWritten;
    private boolean closed;

    Scoring(ScoringPlan plan, Iterator<InternalRow> input) {
      this.plan = plan;
      this.input = input;
      this.lease = lease(plan);
      // Whatever is opened below is closed again if a later step throws: nothing leaks from a
      // constructor that never returns (the task-completion listener is only added at the end).
      java.util.ArrayDeque<AutoCloseable> opened = new java.util.ArrayDeque<>();
      opened.push(lease);
      try {
        this.session = lease.value();
        String name = "nightshift-task-" + (task == null ? "local" : task.taskAttemptId());
        this.allocator = Allocators.child(name);
        opened.push(allocator);
        // A GPU session gets the larger GPU batch: small batches leave a GPU idle.
        // A model with a fixed batch dimension gets exactly that many rows per run.
        int n = plan.fixedBatch() > 0 ? plan.fixedBatch()
            : session.device().kind() == Device.Kind.CUDA ? plan.gpuBatchSize() : plan.batchSize();
        // Above a fixed batch of 1, rows [B, 2B) are scratch for running a row alone (see BatchScorer).
        int bufferRows = plan.fixedBatch() > 1 ? 2 * n : n;
        this.buffers = new TensorBuffer[plan.inputs().size()];
        for (int i = 0; i < buffers.length; i++) {
          FeatureInput in = plan.inputs().get(i);
          buffers[i] = new TensorBuffer(allocator, in.type(), bufferRows, Math.max(1, in.width()));
          opened.push(buffers[i]);
        }
        this.writer = new ResultWriter(plan.outputs(), allocator, n, plan.nonFinite());
        opened.push(writer);
        this.source = source(n);
        opened.push(source);
        this.scorer = new BatchScorer(
            session.session(), SessionFactory.environment(), plan.inputs(), buffers, writer, plan.fixedBatch());
        opened.push(scorer);
        this.rejects =
            plan.rejectDir() == null
                ? null
                : new RejectSink(plan.rejectDir(), rejectFileName(), plan.hadoopConf().value().get());
        this.passThrough = passThroughProjection(plan);
        boolean keep = plan.rejected() == ScoreOptions.RejectedRows.KEPT;
        this.kept = keep ? new java.util.ArrayDeque<>() : null;
        this.noReason = keep ? new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(2) : null;
        this.slots = new InternalRow[n];
        this.failed = new Rejection[n];
        this.widths = new int[buffers.length];
      } catch (RuntimeException | Error e) {
        closeAll(opened, e);
        throw e;
      }
      if (task != null) {
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> close());
      }
    }

    /** The plan's input kind over this task's rows, filling batches of at most {@code capacity} rows. */
    private BatchSource source(int capacity) {
      BatchSource.Rejects rejects = this::reject;
      if (plan.text() != null) {
        TextSpec spec = plan.text();
        return new TextSource(input, spec, TextSetup.acquire(plan), plan.inputs().get(0).columns().get(0).ordinal(),
            capacity, buffer(spec.idsInput()), buffer(spec.maskInput()), buffer(spec.typeIdsInput()), writer,
            allocator, rejects);
      }
      if (plan.image() != null) {
        return new ImageSource(input, plan.image(), plan.inputs().get(0).columns().get(0), buffers[0], capacity,
            plan.hadoopConf().value().get(), rejects);
      }
      return new ColumnSource(input, plan.inputs(), buffers, plan.nonFinite(), capacity, rejects);
    }

    /** Closes {@code opened} newest first, adding any failure to {@code cause}. */
    private static void closeAll(java.util.Deque<AutoCloseable> opened, Throwable cause) {
      while (!opened.isEmpty()) {
        try {
          opened.pop().close();
        } catch (Exception | Error suppressed) {
          cause.addSuppressed(suppressed);
        }
      }
    }

    /** The buffer of the named model input, null when the name is empty. */
    private TensorBuffer buffer(String modelInput) {
      for (int i = 0; i < buffers.length; i++) {
        if (plan.inputs().get(i).modelInput().equals(modelInput)) {
          return buffers[i];
        }
      }
      return null;
    }

    private String rejectFileName() {
      return task == null
          ? "part-local-" + System.nanoTime() + ".jsonl"
          : String.format("part-%05d-%d-%d.jsonl", task.partitionId(), task.stageAttemptNumber(), task.taskAttemptId());
    }

    /** Picks the pass-through columns, by ordinal, out of a full input row. */
    private static UnsafeProjection passThroughProjection(ScoringPlan plan) {
      StructField[] fields = plan.inputSchema().fields();
      java.util.List<Expression> refs = new java.util.ArrayList<>();
      for (int ordinal : plan.passThrough()) {
        refs.add(new BoundReference(ordinal, fields[ordinal].dataType(), fields[ordinal].nullable()));
      }
      return UnsafeProjection.create(CollectionConverters.asScala(refs).toList());
    }

    @Override
    public boolean hasNext() {
      if (kept != null && !kept.isEmpty()) {
        return true;
      }
      while (results == null || cursor >= batchSize) {
        if (closed) {
          return false;
        }
        if (!fill()) {
          finish();
          return kept != null && !kept.isEmpty();
        }
      }
      while (cursor < batchSize && failed[cursor] != null) {
        cursor++;
      }
      return cursor < batchSize || hasNext();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (kept != null && !kept.isEmpty()) {
        return kept.poll();
      }
      int slot = cursor++;
      rowsWritten++;
      InternalRow row = joined.apply(passThrough.apply(slots[slot]), results.getRow(slot));
      return noReason == null ? row : withReason.apply(row, noReason);
    }

    /** Reads and scores the next batch; false when the input is exhausted. */
    private boolean fill() {
      int n = source.next(slots);
      rowsRead = source.rowsRead();
      if (n == 0) {
        return false;
      }
      java.util.Arrays.fill(failed, 0, n, null);
      if (source.runs()) {
        source.widths(widths);
        scorer.score(n, widths, failed);
        for (int i = 0; i < n; i++) {
          if (failed[i] != null) {
            reject(failed[i], slots[i]);
          }
        }
      } else {
        writer.reset();
        for (int i = 0; i < n; i++) {
          writer.nullRow(i);
        }
      }
      results = writer.batch(n, source.extraColumns(n));
      batchSize = n;
      cursor = 0;
      return true;
    }

    private void reject(Rejection r, InternalRow row) {
      rejectedByReason.merge(r.reason().code(), 1L, Long::sum);
      if (kept != null) {
        kept.add(keptRow(r, row));
        return;
      }
      if (rejects == null && plan.rejected() == ScoreOptions.RejectedRows.DROPPED) {
        return;
      }
      if (rejects == null) {
        throw new NightshiftException(
            "row rejected (%s: %s) and this Predictor has no place for rejected rows",
            r.reason().code(), r.detail());
      }
      if (rowJson == null) {
        rowJson = new RowJson(plan.inputSchema(), plan.timeZone());
      }
      rejects.write(r, rowJson.of(row));
    }

    /** A rejected row as the result holds it: its pass-through columns, null results, the reason. */
    private InternalRow keptRow(Rejection r, InternalRow row) {
      int width = plan.outputSchema().length() - plan.passThrough().length;
      org.apache.spark.sql.catalyst.expressions.GenericInternalRow tail =
          new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(width);
      tail.update(width - 2, org.apache.spark.unsafe.types.UTF8String.fromString(r.reason().code()));
      tail.update(width - 1, org.apache.spark.unsafe.types.UTF8String.fromString(r.detail()));
      return new JoinedRow(passThrough.apply(row).copy(), tail);
    }

    private void finish() {
      close();
      String summary = source.summary();
      if (summary != null) {
        LOG.debug("Task {}: {}", task == null ? "local" : task.taskAttemptId(), summary);
      }
      if (task != null && plan.reports() != null) {
        String executorId = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
        plan.reports()
            .add(
                new TaskReport(
                    executorId,
                    task.partitionId(),
                    rowsRead,
                    rowsWritten,
                    Map.copyOf(rejectedByReason),
                    scorer.runs(),
                    scorer.bisections(),
                    scorer.inferNanos(),
                    session.device().id(),
                    session.provider(),
                    session.fallbackReason(),
                    SessionCache.shared().sessionsCreated(),
                    session.loadMillis(),
                    rejects == null ? null : rejects.writtenFile(),
                    ModelCache.fetches(),
                    input instanceof ColumnarRows,
                    source.bulkRows()));
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try (lease;
          allocator;
          writer;
          source;
          scorer) {
        for (TensorBuffer b : buffers) {
          b.close();
        }
        if (rejects != null) {
          rejects.close();
        }
      }
    }
  }
}
