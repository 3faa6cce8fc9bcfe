package io.nightshift.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The int8-dynamic figures' comparisons, on small Parquet outputs shaped like the job's (id, embedding). */
class Int8FiguresTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = Bench.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Writes rows {@code id, embedding} (ids and vectors in pairs) as Parquet under {@code name}. */
  private Path output(String name, Object... idsAndVectors) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < idsAndVectors.length; i += 2) {
      float[] v = (float[]) idsAndVectors[i + 1];
      Float[] boxed = new Float[v.length];
      for (int j = 0; j < v.length; j++) {
        boxed[j] = v[j];
      }
      rows.add(RowFactory.create(idsAndVectors[i], boxed));
    }
    StructType schema = new StructType().add("id", DataTypes.StringType)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
    Path out = dir.resolve(name);
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(out.toString());
    return out;
  }

  @Test
  void cosinePerRowJoinedOnId() {
    Path fp32 = output("fp32",
        "a", new float[] {1, 0, 0},
        "b", new float[] {3, 4, 0},
        "c", new float[] {0, 2, 0},
        "only-fp32", new float[] {1, 1, 1});
    // Another order, and not normalized: the full cosine is computed.
    Path int8 = output("int8",
        "c", new float[] {0, 5, 0},
        "b", new float[] {4, 3, 0},
        "a", new float[] {1, 1, 0});

    Int8Figures.Cosines c = Int8Figures.cosines(spark, fp32, int8);

    double a = 1 / Math.sqrt(2);
    double b = 24.0 / 25;
    assertThat(c.rows()).isEqualTo(3);
    assertThat(c.unmatched()).isEqualTo(1);
    assertThat(c.min()).isCloseTo(a, within(1e-15));
    assertThat(c.mean()).isCloseTo((a + b + 1) / 3, within(1e-15));
  }

  @Test
  void identicalOnlyWhenEveryBitOfEveryRowIsTheSame() {
    float[] x = {0.1f, -0.25f, 0.3f};
    float[] y = {0.5f, 0.5f, -0.7f};
    float[] flipped = x.clone();
    flipped[2] = Float.intBitsToFloat(Float.floatToRawIntBits(x[2]) ^ 1);
    Path b1 = output("b1", "x", x, "y", y);
    Path b8 = output("b8", "y", y.clone(), "x", x.clone());
    Path b64 = output("b64", "x", x.clone(), "y", y.clone());
    Path b64Flipped = output("b64-flipped", "x", flipped, "y", y.clone());
    Path b64Missing = output("b64-missing", "y", y.clone());

    Int8Figures.Identity same = Int8Figures.identical(spark, List.of(b1, b8, b64));
    Int8Figures.Identity oneBit = Int8Figures.identical(spark, List.of(b1, b8, b64Flipped));
    Int8Figures.Identity missing = Int8Figures.identical(spark, List.of(b1, b8, b64Missing));

    assertThat(same).isEqualTo(new Int8Figures.Identity(2, 0));
    assertThat(same.identical()).isTrue();
    assertThat(oneBit).isEqualTo(new Int8Figures.Identity(2, 1));
    assertThat(oneBit.identical()).isFalse();
    assertThat(missing).isEqualTo(new Int8Figures.Identity(2, 1));
    assertThat(missing.identical()).isFalse();
  }
}
