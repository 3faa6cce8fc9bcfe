package io.nightshift.model.optimize;

import java.util.List;
import java.util.Locale;

/**
 * What {@link ModelOptimizer} did to one model: sizes and counts before and after, each tensor it
 * converted and each it left as it was, with the reason. Immutable and thread-safe.
 *
 * <p>When {@link #alreadyQuantized()} is true the model was not touched: the output is the input,
 * byte for byte, and {@link #quantizationMarkers()} says what showed it was quantized already. The
 * caller decides whether that is an error.
 *
 * @param source the model's file name or the name the caller gave its bytes
 * @param precision what was asked for
 * @param bytesBefore the size of the model read, in bytes
 * @param bytesAfter the size of the model written, in bytes
 * @param nodesBefore the nodes of the main graph before (subgraphs not counted)
 * @param nodesAfter the nodes of the main graph after
 * @param initializersBefore the initializers of the main graph before
 * @param initializersAfter the initializers of the main graph after
 * @param converted the tensors converted, in model order
 * @param skipped the tensors left as they were, with the reason, in model order
 * @param quantizationMarkers the nodes and tensors that show the model is quantized already; empty
 *     if it is not
 * @param notes other changes made to the model, such as an opset upgrade
 */
public record OptimizeReport(
    String source,
    Precision precision,
    long bytesBefore,
    long bytesAfter,
    int nodesBefore,
    int nodesAfter,
    int initializersBefore,
    int initializersAfter,
    List<Converted> converted,
    List<Skipped> skipped,
    List<String> quantizationMarkers,
    List<String> notes) {

  /**
   * One tensor converted.
   *
   * @param name the initializer's name, which the model still uses for the float32 value
   * @param dims its shape
   * @param how what it became, e.g. {@code int8, scale per channel on axis 1 (MatMul input 1)}
   * @param bytesBefore the bytes its values took before
   * @param bytesAfter the bytes they take now, scales and zero points included
   * @param maxAbsError the largest absolute difference between a value before and after
   */
  public record Converted(
      String name,
      List<Long> dims,
      String how,
      long bytesBefore,
      long bytesAfter,
      double maxAbsError) {
    public Converted {
      dims = List.copyOf(dims);
    }
  }

  /**
   * One tensor left as it was.
   *
   * @param name the initializer's name
   * @param reason why, in words
   */
  public record Skipped(String name, String reason) {}

  public OptimizeReport {
    converted = List.copyOf(converted);
    skipped = List.copyOf(skipped);
    quantizationMarkers = List.copyOf(quantizationMarkers);
    notes = List.copyOf(notes);
  }

  /** True if the model was quantized already and so was kept as it was. */
  public boolean alreadyQuantized() {
    return !quantizationMarkers.isEmpty();
  }

  /** The output size as a fraction of the input size. */
  public double sizeRatio() {
    return bytesBefore == 0 ? 1.0 : (double) bytesAfter / bytesBefore;
  }

  /** A report for people, several lines long. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%s: %s%n", source, precision));
    if (alreadyQuantized()) {
      out.append("  already quantized, kept as it is: ")
          .append(String.join(", ", quantizationMarkers))
          .append(System.lineSeparator());
    }
    out.append(
        String.format(
            Locale.ROOT,
            "  size %,d -> %,d bytes (%.1f%%)%n  nodes %d -> %d, initializers %d -> %d%n",
            bytesBefore,
            bytesAfter,
            100 * sizeRatio(),
            nodesBefore,
            nodesAfter,
            initializersBefore,
            initializersAfter));
    for (String note : notes) {
      out.append("  note: ").append(note).append(System.lineSeparator());
    }
    out.append(String.format(Locale.ROOT, "  converted %d tensor(s):%n", converted.size()));
    for (Converted c : converted) {
      out.append(
          String.format(
              Locale.ROOT,
              "    %s %s: %s, %,d -> %,d bytes, max abs error %.3g%n",
              c.name(),
              c.dims(),
              c.how(),
              c.bytesBefore(),
              c.bytesAfter(),
              c.maxAbsError()));
    }
    out.append(String.format(Locale.ROOT, "  skipped %d tensor(s):%n", skipped.size()));
    for (Skipped s : skipped) {
      out.append(String.format(Locale.ROOT, "    %s: %s%n", s.name(), s.reason()));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
