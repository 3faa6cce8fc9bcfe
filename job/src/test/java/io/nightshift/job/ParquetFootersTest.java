package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staged output's rows, counted from its files' footers, as the books count them. */
class ParquetFootersTest {
  @TempDir Path tmp;

  @Test
  void rowsOfAPartitionedFolderAreWhatSparkCountsAndMarkersAreSkipped() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> rows = spark.range(0, 10_007).selectExpr("id", "cast(id % 3 as string) as dt", "id * 0.5 as score")
        .repartition(5);
    String dir = tmp.resolve("staged").toUri().toString();
    rows.write().partitionBy("dt").option("parquet.block.size", 16_384).parquet(dir);
    // Files Spark skips: a marker, a checksum, and a stray file under an _ folder.
    Path out = tmp.resolve("staged");
    assertThat(out.resolve("_SUCCESS")).exists();
    Files.createDirectories(out.resolve("_temporary/0"));
    Files.write(out.resolve("_temporary/0/part-stray.parquet"), new byte[] {1, 2, 3});
    Files.write(out.resolve("dt=1/.hidden.parquet"), new byte[] {1, 2, 3});

    long counted = ParquetFooters.rows(dir, spark.sparkContext().hadoopConfiguration());

    assertThat(counted).isEqualTo(10_007L).isEqualTo(spark.read().parquet(dir).count());
    assertThat(ParquetFooters.files(dir, spark.sparkContext().hadoopConfiguration(), "k"))
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(f -> assertThat(f.getPath().getName()).startsWith("part-"));
  }

  @Test
  void aStagedFileThatIsNotParquetFailsTheBooksNamingIt() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path out = tmp.resolve("staged");
    spark.range(0, 10).write().parquet(out.toUri().toString());
    Path junk = out.resolve("dt=x/part-00009-junk.parquet");
    Files.createDirectories(junk.getParent());
    Files.write(junk, "not parquet at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThatThrownBy(() -> ParquetFooters.rows(out.toUri().toString(), spark.sparkContext().hadoopConfiguration()))
        .isInstanceOfSatisfying(NightshiftException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE))
        .hasMessageStartingWith("cannot count the rows of staged file file:" + junk + ": ");
  }

  @Test
  void anEmptyFolderHasNoRows() throws Exception {
    Files.createDirectories(tmp.resolve("empty"));
    assertThat(ParquetFooters.rows(tmp.resolve("empty").toUri().toString(),
        SparkTestSession.get().sparkContext().hadoopConfiguration())).isZero();
  }
}
