package io.nightshift.accuracy;

import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.JobConfig.InferenceSpec;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.accuracy.AccuracyReport.Kind;
import io.nightshift.accuracy.AccuracyReport.OutputAccuracy;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores the same sample rows with a reference (fp32) and a candidate (optimized) model through the
 * normal scoring path, so whatever a job does to rows before the model (column assembly, text
 * tokenization) is the same for both, and compares their outputs per output: cosine for
 * embeddings, top-1 agreement and the largest probability difference for classifiers.
 *
 * <p>Argmax and top-k outputs are compared on the scores before the post-step, so the probability
 * difference is measured too. Pooled ({@code mean}, {@code cls}) and L2-normalized outputs are
 * embeddings, checked by cosine. A {@code post: none} output of rank 2 whose every reference row is
 * non-negative and sums to 1 counts as class probabilities; any other float vector is an
 * embedding. The sample is collected to the driver first: keep it small (about a thousand rows).
 */
public final class AccuracyCheck {
  static final String ROW = "__nightshift_sample_row";

  private AccuracyCheck() {}

  /**
   * Compares {@code optimized} with the fp32 model its spec's URI names, on {@code sample}.
   */
  public static AccuracyReport againstFp32(Predictor optimized, Dataset<Row> sample, boolean textNumbers) {
    Predictor reference =
        Predictor.create(
            sample.sparkSession(),
            optimized.model().withModel(optimized.model().uri(), ModelPrecision.FP32),
            optimized.inference());
    return compare(reference, optimized, sample, textNumbers);
  }

  /** Compares two predictors with the same mappings on {@code sample}. */
  public static AccuracyReport compare(
      Predictor reference, Predictor candidate, Dataset<Row> sample, boolean textNumbers) {
    SparkSession spark = sample.sparkSession();
    List<Row> rows = sample.collectAsList();
    List<Row> numbered = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Object[] values = new Object[r.size() + 1];
      for (int c = 0; c < r.size(); c++) {
        values[c] = r.get(c);
      }
      values[r.size()] = (long) i;
      numbered.add(RowFactory.create(values));
    }
    StructType schema = sample.schema().add(ROW, DataTypes.LongType, false);
    Dataset<Row> fixed = spark.createDataFrame(numbered, schema);

    InferenceSpec raw = rawOutputs(reference.inference());
    java.nio.file.Path rejects;
    try {
      rejects = Files.createTempDirectory("nightshift-accuracy-");
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot make a folder for the accuracy sample's rejected rows: %s", e.getMessage());
    }
    ScoreOptions options = ScoreOptions.of(List.of(ROW)).rejectingTo(rejects.toUri().toString());
    if (textNumbers) {
      options = options.parsingTextNumbers();
    }
    Map<Long, Row> expected = byRow(reference.withInference(raw).score(fixed, options.rejectingTo(rejects.resolve("reference").toUri().toString())).rows());
    Map<Long, Row> actual = byRow(candidate.withInference(raw).score(fixed, options.rejectingTo(rejects.resolve("candidate").toUri().toString())).rows());
    deleteQuietly(rejects);

    List<Long> common = new ArrayList<>();
    for (Long id : expected.keySet()) {
      if (actual.containsKey(id)) {
        common.add(id);
      }
    }
    List<OutputAccuracy> outputs = new ArrayList<>();
    List<OutputMapping> original = reference.inference().outputs();
    for (int o = 0; o < original.size(); o++) {
      outputs.add(measure(original.get(o), o + 1, common, expected, actual));
    }
    return new AccuracyReport(common.size(), outputs);
  }

  /** The same mappings with argmax and top-k replaced by the raw scores. */
  static InferenceSpec rawOutputs(InferenceSpec spec) {
    List<OutputMapping> outputs = new ArrayList<>();
    for (OutputMapping m : spec.outputs()) {
      // Softmax and pooled embeddings (mean, cls, with their normalization) are compared as they are.
      boolean keep = m.post() == PostStep.SOFTMAX || m.post().pools();
      outputs.add(new OutputMapping(m.modelOutput(), m.column(), keep ? m.post() : PostStep.NONE, m.k(), List.of(),
          keep ? m.normalize() : io.nightshift.config.Enums.Normalize.NONE));
    }
    return new InferenceSpec(spec.batchSize(), spec.gpuBatchSize(), spec.inputs(), List.copyOf(outputs), spec.nonFinite(),
        spec.text(), spec.image());
  }

  private static Map<Long, Row> byRow(Dataset<Row> scored) {
    Map<Long, Row> out = new HashMap<>();
    for (Row r : scored.collectAsList()) {
      out.put(r.getLong(0), r);
    }
    return out;
  }

  private static OutputAccuracy measure(
      OutputMapping m, int column, List<Long> rows, Map<Long, Row> expected, Map<Long, Row> actual) {
    double sumCos = 0;
    double minCos = Double.POSITIVE_INFINITY;
    double maxDiff = 0;
    long agree = 0;
    boolean vectors = true;
    boolean integral = false;
    boolean probabilities = true;
    List<double[]> refs = new ArrayList<>(rows.size());
    List<double[]> cands = new ArrayList<>(rows.size());
    for (Long id : rows) {
      Object e = expected.get(id).get(column);
      Object a = actual.get(id).get(column);
      if (e instanceof Long || e instanceof Integer) {
        integral = true;
      }
      vectors &= e instanceof List<?> || e instanceof scala.collection.Seq<?> || e instanceof scala.collection.Map<?, ?>;
      double[] ev = values(e);
      double[] av = values(a);
      refs.add(ev);
      cands.add(av);
      probabilities &= isDistribution(ev);
    }
    Kind kind;
    if (m.post().pools() || m.normalize() == Normalize.L2) {
      kind = Kind.EMBEDDING; // pooled or normalized: a vector compared by direction, whatever its sum
    } else if (m.post() != PostStep.NONE) {
      kind = Kind.CLASSIFIER; // argmax, top-k, softmax: class scores
    } else if (integral) {
      kind = Kind.LABEL;
    } else if (!vectors) {
      kind = Kind.SCALAR;
    } else if (probabilities && !rows.isEmpty()) {
      kind = Kind.CLASSIFIER;
    } else {
      kind = Kind.EMBEDDING;
    }
    for (int i = 0; i < refs.size(); i++) {
      double[] ev = refs.get(i);
      double[] av = cands.get(i);
      for (int j = 0; j < Math.min(ev.length, av.length); j++) {
        maxDiff = Math.max(maxDiff, Math.abs(ev[j] - av[j]));
      }
      if (ev.length != av.length) {
        maxDiff = Double.POSITIVE_INFINITY;
      }
      if (kind == Kind.EMBEDDING) {
        double c = cosine(ev, av);
        sumCos += c;
        minCos = Math.min(minCos, c);
      } else if (argmax(ev) == argmax(av)) {
        agree++;
      }
    }
    int n = refs.size();
    return switch (kind) {
      case EMBEDDING -> new OutputAccuracy(m.modelOutput(), kind, n == 0 ? Double.NaN : sumCos / n,
          n == 0 ? Double.NaN : minCos, Double.NaN, maxDiff);
      case CLASSIFIER, LABEL -> new OutputAccuracy(m.modelOutput(), kind, Double.NaN, Double.NaN,
          n == 0 ? Double.NaN : (double) agree / n, kind == Kind.LABEL ? Double.NaN : maxDiff);
      case SCALAR -> new OutputAccuracy(m.modelOutput(), kind, Double.NaN, Double.NaN, Double.NaN, maxDiff);
    };
  }

  private static double[] values(Object v) {
    if (v == null) {
      return new double[0];
    }
    if (v instanceof Number n) {
      return new double[] {n.doubleValue()};
    }
    if (v instanceof scala.collection.Map<?, ?> map) {
      // A ZipMap row: its probabilities in key order, so both models' rows line up.
      java.util.TreeMap<Object, Object> sorted = new java.util.TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(map));
      return sorted.values().stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
    }
    List<?> list = v instanceof List<?> l ? l
        : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) v);
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).doubleValue();
    }
    return out;
  }

  private static boolean isDistribution(double[] v) {
    if (v.length < 2) {
      return false;
    }
    double sum = 0;
    for (double x : v) {
      if (x < 0) {
        return false;
      }
      sum += x;
    }
    return Math.abs(sum - 1) < 1e-3;
  }

  private static int argmax(double[] v) {
    if (v.length == 1) {
      return (int) v[0]; // a class id
    }
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * The cosine similarity {@code a·b / (|a| |b|)} of two vectors of equal length (an embedding
   * each, say), summed in double: 1 when both are all zeros, NaN when only one is.
   *
   * @throws IllegalArgumentException when the lengths differ
   */
  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " floats");
    }
    double[] x = new double[a.length];
    double[] y = new double[b.length];
    for (int i = 0; i < a.length; i++) {
      x[i] = a[i];
      y[i] = b[i];
    }
    return cosine(x, y);
  }

  private static double cosine(double[] a, double[] b) {
    if (a.length != b.length) {
      return Double.NaN;
    }
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    if (na == 0 && nb == 0) {
      return 1;
    }
    return dot / Math.sqrt(na * nb);
  }

  private static void deleteQuietly(java.nio.file.Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp folder of rejected sample rows is harmless; the check itself succeeded.
      org.slf4j.LoggerFactory.getLogger(AccuracyCheck.class).debug("cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
