package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Parquet input file's footer against the schema the night reads, before launch: files that
 * store a declared DOUBLE column as BIGINT or INT are read and cast (same predictions as an
 * all-double copy); a file storing it as a string, and files in one folder that disagree without a
 * declared schema, exit 2 naming the file, the column and both types.
 */
class InputFootersTest {
  static final Path CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml");
  static final String SCHEMA = "row_id BIGINT, species STRING, island STRING, bill_length_mm DOUBLE,"
      + " bill_depth_mm DOUBLE, flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING";

  @TempDir static Path tmp;
  static SparkSession spark;
  static Dataset<Row> penguins;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    penguins = spark.read().option("header", "true").schema(
            "species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
                + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
        .csv(Samples.penguinsCsv().toString())
        .withColumn("row_id", monotonically_increasing_id())
        .cache();
  }

  static String[] job(Path input, Path out, String schema) {
    return new String[] {"run", "--config", CONFIG.toString(),
        "--set", "input.path=" + input, "--set", "input.format=parquet", "--set", "input.schema=" + schema,
        "--set", "output.path=" + out, "--set", "output.pass-through=[row_id, species]"};
  }

  static List<Row> predictions(Path out) {
    return spark.read().parquet(out.toString()).select("row_id", "predicted_species").orderBy("row_id")
        .collectAsList();
  }

  static Path onlyFile(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  @Test
  void narrowerIntegerFilesAreReadAndCast() throws Exception {
    Path doubles = tmp.resolve("in-doubles");
    penguins.coalesce(1).write().parquet(doubles.toString());
    Path mixed = tmp.resolve("in-mixed");
    penguins.filter("species = 'Adelie'")
        .withColumn("body_mass_g", col("body_mass_g").cast("bigint"))
        .withColumn("flipper_length_mm", col("flipper_length_mm").cast("int"))
        .coalesce(1).write().parquet(mixed.toString());
    penguins.filter("species <> 'Adelie'").coalesce(1).write().mode(SaveMode.Append).parquet(mixed.toString());

    Path want = tmp.resolve("out-doubles");
    Path got = tmp.resolve("out-mixed");
    assertThat(Nightshift.execute(job(doubles, want, SCHEMA))).isEqualTo(0);
    assertThat(Nightshift.execute(job(mixed, got, SCHEMA))).isEqualTo(0);
    assertThat(predictions(got)).hasSize(342).isEqualTo(predictions(want));
  }

  @Test
  void aFileStoringAnotherTypeIsRefusedNamingIt() throws Exception {
    Path input = tmp.resolve("in-text");
    penguins.filter("species = 'Adelie'").coalesce(1).write().parquet(input.toString());
    Path other = tmp.resolve("in-text-other");
    penguins.filter("species <> 'Adelie'").withColumn("body_mass_g", col("body_mass_g").cast("string"))
        .coalesce(1).write().parquet(other.toString());
    Path bad = onlyFile(other);
    Path moved = input.resolve("part-text.parquet");
    Files.move(bad, moved);
    Path out = tmp.resolve("out-text");

    String[] declared = job(input, out, SCHEMA);
    String message = RowQualityJobTest.refusedBeforeLaunch(out, CONFIG, sets(declared));
    assertThat(message).isEqualTo("nightshift: input.schema: file " + moved.toUri().toString().replace("file:///", "file:/")
        + " stores column 'body_mass_g' as string, the night reads it as double; only lossless widening"
        + " (int -> bigint -> double, float -> double, decimal of up to 15 digits -> double) is read and cast");

    // Without input.schema the night reads the schema Spark took from one file; the other disagrees.
    String[] inferred = job(input, out, "");
    String undeclared = RowQualityJobTest.refusedBeforeLaunch(out, CONFIG, sets(inferred));
    assertThat(undeclared).startsWith("nightshift: input.path: file ")
        .contains(" stores column 'body_mass_g' as ");
  }

  /** The --set values of a job's arguments. */
  static String[] sets(String[] args) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--set")) {
        out.add(args[++i]);
      }
    }
    return out.toArray(String[]::new);
  }
}
