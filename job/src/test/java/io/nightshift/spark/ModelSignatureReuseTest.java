package io.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.config.Enums;
import io.nightshift.config.Enums.Distribution;
import io.nightshift.config.Enums.ModelPrecision;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfig.AccuracySpec;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver loads a model through ONNX Runtime once per JVM to read and check its signature: a
 * second job over the same bytes reuses it, other bytes (even at the same path) are loaded again.
 */
class ModelSignatureReuseTest {
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = SparkSession.builder().master("local[2]").appName("nightshift-tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  static ModelSpec spec(Path model, Distribution distribution) {
    return new ModelSpec(model.toUri().toString(), "", Enums.Device.CPU, 1, "gpu", false, 4,
        Enums.MultipleGpus.FAIL, JobConfig.CudaOptions.DEFAULTS, "", false, ModelPrecision.FP32, 1024,
        distribution, 512L << 20, tmp.resolve("cache").toString(), new AccuracySpec(1000, 0.99, 0.97, 0.99, 0.1), "");
  }

  @Test
  void theSameBytesAreLoadedOnceAndChangedBytesAgain() throws Exception {
    Path model = tmp.resolve("model.onnx");
    copyWithUniqueDoc(Samples.mlpSmall(), model);
    long before = ModelPreparer.inspections();
    ModelPreparer.Prepared first = ModelPreparer.prepare(spark.sparkContext(), spec(model, Distribution.BROADCAST));
    assertThat(ModelPreparer.inspections() - before).as("first load").isEqualTo(1);

    ModelPreparer.Prepared again = ModelPreparer.prepare(spark.sparkContext(), spec(model, Distribution.BROADCAST));
    ModelPreparer.Prepared asFiles = ModelPreparer.prepare(spark.sparkContext(), spec(model, Distribution.FILES));
    assertThat(ModelPreparer.inspections() - before).as("same sha256, broadcast or files").isEqualTo(1);
    assertThat(again.signature()).isSameAs(first.signature());
    assertThat(asFiles.signature()).isSameAs(first.signature());
    assertThat(first.signature().inputs()).containsOnlyKeys("features");

    copyWithUniqueDoc(Samples.mlpMedium(), model);
    ModelPreparer.Prepared replaced = ModelPreparer.prepare(spark.sparkContext(), spec(model, Distribution.BROADCAST));
    assertThat(ModelPreparer.inspections() - before).as("other bytes at the same path").isEqualTo(2);
    assertThat(replaced.sha256()).isNotEqualTo(first.sha256());
    assertThat(replaced.signature().inputs().get("features").shape()).containsExactly(-1L, 64L);
    assertThat(first.signature().inputs().get("features").shape()).containsExactly(-1L, 32L);
  }

  /**
   * {@code from}'s bytes with a doc_string (ModelProto field 6) appended that no other test's model
   * has, so its sha256 is new to this JVM whatever ran before; protobuf keeps the last value.
   */
  private static void copyWithUniqueDoc(Path from, Path to) throws Exception {
    byte[] doc = ("reuse test " + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(Files.readAllBytes(from));
    out.write((6 << 3) | 2); // field 6, length-delimited
    out.write(doc.length); // under 128: one varint byte
    out.write(doc);
    Files.write(to, out.toByteArray());
  }
}
