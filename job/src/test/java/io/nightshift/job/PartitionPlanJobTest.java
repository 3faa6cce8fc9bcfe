package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.samples.Samples;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inference.partitioning on local[2] (2 slots): an input in one split is dealt over 2 × 2
 * partitions of equal rows, the manifest's balance section says so, and the rows written are
 * the same as with Spark's splits; equal splits of a tabular input, one per slot, are left as they are (the
 * columnar path kept).
 */
class PartitionPlanJobTest {
  static final Path ROOT = Samples.root();
  static final ObjectMapper JSON = new ObjectMapper();
  static final StructType TEXTS = new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType);
  static final int TEXT_ROWS = 80;

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path oneFileOfTexts;
  static Path penguinsInEight;

  @BeforeAll
  static void data() throws Exception {
    spark = SparkTestSession.get();
    // Real mails of very mixed length, the longest first (as a skewed split would hold them), in one file.
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(Samples.mails(), StandardCharsets.UTF_8)) {
      String line;
      while (rows.size() < TEXT_ROWS && (line = in.readLine()) != null) {
        String text = JSON.readTree(line).get("text").asText().trim();
        if (!text.isEmpty()) {
          String[] words = text.split("\\s+");
          int n = rows.size() < TEXT_ROWS / 4 ? words.length : 1 + rows.size() % 12;
          rows.add(RowFactory.create((long) rows.size(), String.join(" ", Arrays.copyOf(words, Math.min(n, words.length)))));
        }
      }
    }
    oneFileOfTexts = tmp.resolve("texts");
    spark.createDataFrame(rows, TEXTS).coalesce(1).write().parquet(oneFileOfTexts.toString());
    penguinsInEight = tmp.resolve("penguins");
    spark.read().option("header", "true")
        .schema("species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
            + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
        .csv(Samples.penguinsCsv().toString())
        .withColumn("row_id", org.apache.spark.sql.functions.monotonically_increasing_id())
        .repartition(8).write().parquet(penguinsInEight.toString());
  }

  static JsonNode run(Path out, String config, Path input, List<String> sets) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "--config", ROOT.resolve(config).toString(),
        "--set", "input.path=" + input, "--set", "input.format=parquet", "--set", "input.schema=",
        "--set", "output.path=" + out, "--set", "run.date=2026-11-30"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    assertThat(Nightshift.execute(args.toArray(String[]::new))).isEqualTo(0);
    return JSON.readTree(out.resolve("_nightshift/manifest-2026-11-30.json").toFile());
  }

  static Map<Long, List<Object>> byId(Path out, String id, String... columns) {
    Map<Long, List<Object>> m = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).selectExpr(columns).collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        values.add(r.get(i) instanceof scala.collection.Seq<?> s
            ? scala.jdk.javaapi.CollectionConverters.asJava(s) : r.get(i));
      }
      assertThat(m.put(((Number) r.getAs(id)).longValue(), values)).isNull();
    }
    return m;
  }

  @Test
  void aTextInputInOneSplitIsSpreadEvenlyAndWritesTheSameEmbeddings() throws Exception {
    List<String> sets = List.of("output.pass-through=[id]", "inference.max-length=64");
    Path asRead = tmp.resolve("text-input");
    JsonNode input = run(asRead, "conf/jobs/sample-embeddings.yaml", oneFileOfTexts,
        concat(sets, "inference.partitioning=input")).at("/balance");
    assertThat(input.at("/partitioning").asText()).isEqualTo("input");
    assertThat(input.at("/redistributed").asBoolean()).isFalse();
    assertThat(input.at("/partitions").asInt()).isEqualTo(1);
    assertThat(input.at("/slots").asInt()).isEqualTo(2);
    assertThat(input.at("/rows_max").asLong()).isEqualTo(TEXT_ROWS);
    assertThat(input.at("/tasks").asInt()).isEqualTo(1);
    // One task on two slots: half the slot time idle, by definition.
    assertThat(input.at("/idle_share").asDouble()).isEqualTo(0.5);

    Path planned = tmp.resolve("text-auto");
    JsonNode auto = run(planned, "conf/jobs/sample-embeddings.yaml", oneFileOfTexts, sets).at("/balance");
    assertThat(auto.at("/partitioning").asText()).isEqualTo("auto");
    assertThat(auto.at("/redistributed").asBoolean()).isTrue();
    assertThat(auto.at("/reason").asText())
        .isEqualTo("text: 1 split(s) for 2 slots, an even spread saves 50% of the estimated scoring time");
    assertThat(auto.at("/input_partitions").asInt()).isEqualTo(1);
    assertThat(auto.at("/partitions").asInt()).isEqualTo(4);
    assertThat(auto.at("/tasks").asInt()).isEqualTo(4);
    // One split dealt round robin into 4: 20 rows each, the long mails spread with the short ones.
    assertThat(auto.at("/rows_min").asLong()).isEqualTo(20);
    assertThat(auto.at("/rows_median").asDouble()).isEqualTo(20.0);
    assertThat(auto.at("/rows_max").asLong()).isEqualTo(20);
    assertThat(auto.at("/busy_seconds_max").asDouble()).isPositive();
    assertThat(auto.at("/idle_share").asDouble()).isBetween(0.0, 0.5);

    Map<Long, List<Object>> a = byId(asRead, "id", "id", "embedding");
    Map<Long, List<Object>> b = byId(planned, "id", "id", "embedding");
    assertThat(a).hasSize(TEXT_ROWS);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void aTabularInputInOneSplitIsSpreadAndEightEqualSplitsAreKept() throws Exception {
    List<String> sets = List.of("output.pass-through=[row_id, species]");
    Path one = tmp.resolve("penguins-one");
    spark.read().parquet(penguinsInEight.toString()).coalesce(1).write().parquet(one.toString());
    Path asRead = tmp.resolve("tab-input");
    JsonNode input = run(asRead, "conf/jobs/sample-tabular.yaml", one, concat(sets, "inference.partitioning=input"));
    Path planned = tmp.resolve("tab-auto");
    JsonNode auto = run(planned, "conf/jobs/sample-tabular.yaml", one, sets);
    assertThat(input.at("/balance/partitions").asInt()).isEqualTo(1);
    assertThat(auto.at("/balance/redistributed").asBoolean()).isTrue();
    assertThat(auto.at("/balance/reason").asText()).isEqualTo("tabular: 1 split(s) for 2 slots leave 50% of them idle");
    assertThat(auto.at("/balance/partitions").asInt()).isEqualTo(4);
    long read = auto.at("/rows/read").asLong();
    assertThat(read).isEqualTo(input.at("/rows/read").asLong()).isEqualTo(344);
    assertThat(auto.at("/balance/rows_min").asLong()).isEqualTo(86);
    assertThat(auto.at("/balance/rows_max").asLong()).isEqualTo(86);
    String[] cols = {"row_id", "species", "predicted_species"};
    assertThat(byId(planned, "row_id", cols)).isEqualTo(byId(asRead, "row_id", cols)).hasSize(342);

    JsonNode eight = run(tmp.resolve("tab-eight"), "conf/jobs/sample-tabular.yaml", penguinsInEight, sets);
    assertThat(eight.at("/balance/redistributed").asBoolean()).isFalse();
    // Spark packs the eight small files into two splits, one per slot.
    assertThat(eight.at("/balance/reason").asText()).isEqualTo("tabular: 2 split(s) for 2 slots; rows cost alike");
    assertThat(eight.at("/balance/partitions").asInt()).isEqualTo(2);
    assertThat(eight.at("/balance/rows_max").asLong() - eight.at("/balance/rows_min").asLong()).isLessThanOrEqualTo(1);
    int columnar = 0;
    for (JsonNode e : eight.at("/executors")) {
      columnar += e.at("/columnarTasks").asInt();
    }
    assertThat(columnar).as("tasks that read the scan's batches in place").isEqualTo(2);
  }

  static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
