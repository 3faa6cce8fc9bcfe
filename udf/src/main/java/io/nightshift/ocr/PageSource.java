package io.nightshift.ocr;

import io.nightshift.NightshiftException;
import io.nightshift.batch.BatchSource;
import io.nightshift.batch.FeatureColumn;
import io.nightshift.cache.LeaseCache;
import io.nightshift.config.JobConfig.ImageSpec;
import io.nightshift.image.DecodeOutcome;
import io.nightshift.image.ImageRows;
import io.nightshift.image.ImageSource;
import io.nightshift.onnx.ScoringSession;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * Whole pages as an input kind: each row's image (a file path or a binary column, read and
 * decoded as {@link ImageSource} reads them, bad images rejected per row with the same reasons)
 * is read by a {@link PageReader} — detection, then orientation and recognition of each line — and
 * its lines become the row's one result column, {@link PageRows#LINES}. The models run here, one
 * page at a time, so the batch the task's scorer would run is empty ({@link #runs()} is false);
 * quarantine and books stay the task's ({@code PartitionScorer}). A page the models fail on is
 * rejected as {@code model_error}.
 *
 * <p>Memory: the last batch's rows and lines, and one page being read ({@link PageReader}). Owns
 * the classifier's and recognizer's session leases and returns them on {@link #close()}; the
 * detection session is the task's. Not thread-safe: one per task.
 */
public final class PageSource implements BatchSource {
  private final Iterator<InternalRow> input;
  private final int capacity;
  private final Rejects rejects;
  private final ImageRows images;
  private final PageReader reader;
  private final ScoringSession detection;
  private final LeaseCache.Lease<ScoringSession> classifier;
  private final LeaseCache.Lease<ScoringSession> recognition;
  private final List<List<PageLine>> batch = new ArrayList<>();
  private OnHeapColumnVector lines;
  private long rowsRead;
  private long pages;
  private long linesRead;
  private long readNanos;

  /**
   * A source over {@code input}'s image {@code column}, at most {@code capacity} pages a batch;
   * {@code classifier} may be null (no orientation step).
   */
  public PageSource(Iterator<InternalRow> input, ImageSpec spec, FeatureColumn column, int capacity,
      Configuration hadoopConf, Rejects rejects, PageReader reader, ScoringSession detection,
      LeaseCache.Lease<ScoringSession> classifier, LeaseCache.Lease<ScoringSession> recognition) {
    this.input = input;
    this.capacity = capacity;
    this.rejects = rejects;
    this.images = new ImageRows(column, spec.maxBytes(), spec.maxPixels(), hadoopConf);
    this.reader = reader;
    this.detection = detection;
    this.classifier = classifier;
    this.recognition = recognition;
  }

  @Override
  public int next(InternalRow[] slots) {
    batch.clear();
    int n = 0;
    while (n < capacity && input.hasNext()) {
      InternalRow row = input.next();
      rowsRead++;
      DecodeOutcome outcome = images.decode(row);
      if (!outcome.ok()) {
        rejects.reject(outcome.rejection(), row);
        continue;
      }
      List<PageLine> found;
      long start = System.nanoTime();
      try {
        found = reader.read(outcome.image(), detection,
            classifier == null ? null : classifier.value(), recognition.value());
      } catch (NightshiftException e) {
        rejects.reject(new Rejection(RejectReason.MODEL_ERROR, e.getMessage()), row);
        continue;
      } finally {
        readNanos += System.nanoTime() - start;
      }
      slots[n++] = row.copy();
      batch.add(found);
      pages++;
      linesRead += found.size();
    }
    return n;
  }

  @Override
  public void widths(int[] widths) {
    java.util.Arrays.fill(widths, 0);
  }

  /** The pages were read here: the task's scorer runs nothing. */
  @Override
  public boolean runs() {
    return false;
  }

  /** The last batch's lines: one {@link PageRows#LINES} value per page. */
  @Override
  public ColumnVector[] extraColumns(int n) {
    if (lines != null) {
      lines.close();
    }
    lines = new OnHeapColumnVector(Math.max(1, n), PageRows.LINES);
    WritableColumnVector structs = lines.arrayData();
    WritableColumnVector box = structs.getChild(0);
    WritableColumnVector text = structs.getChild(1);
    WritableColumnVector confidence = structs.getChild(2);
    for (int i = 0; i < n; i++) {
      List<PageLine> page = batch.get(i);
      lines.putArray(i, structs.getElementsAppended(), page.size());
      for (PageLine line : page) {
        structs.appendStruct(false);
        int[] points = line.box().points();
        box.appendArray(points.length);
        box.arrayData().appendInts(points.length, points, 0);
        byte[] utf8 = line.text().getBytes(StandardCharsets.UTF_8);
        text.appendByteArray(utf8, 0, utf8.length);
        confidence.appendFloat(line.confidence());
      }
    }
    return new ColumnVector[] {lines};
  }

  /** One run per page read (its detection, orientation and recognition runs). */
  @Override
  public long modelRuns() {
    return pages;
  }

  @Override
  public long modelNanos() {
    return readNanos;
  }

  @Override
  public long rowsRead() {
    return rowsRead;
  }

  @Override
  public String summary() {
    return String.format("%d rows read, %d pages read, %d lines found", rowsRead, pages, linesRead);
  }

  @Override
  public void close() {
    try (LeaseCache.Lease<ScoringSession> r = recognition;
        LeaseCache.Lease<ScoringSession> c = classifier) {
      if (lines != null) {
        lines.close();
        lines = null;
      }
    }
  }
}
