package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftException;
import io.nightshift.ml.OnnxScorer;
import io.nightshift.model.ModelPayload;
import io.nightshift.samples.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML stage ({@link OnnxScorer}) in a real {@link Pipeline} with a {@link VectorAssembler}
 * on the penguins sample and its Tribuo classifier: equal to the nightly job's output row by row,
 * equal again after a save and a load, and a bad param rejected at transformSchema.
 */
class OnnxScorerPipelineTest {
  static final Path MODEL = Samples.penguinsClassifier();
  static final String CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml").toString();
  /** Tribuo orders features by name: the model input's order. */
  static final String[] FEATURES = {"bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm"};

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path parquet;
  static Dataset<Row> input;
  /** The job's probabilities by row_id, and the ids it quarantined. */
  static Map<Long, List<Float>> jobProbs;
  static Set<Long> jobRejected;

  @BeforeAll
  static void jobOutput() {
    spark = SparkTestSession.get();
    parquet = PenguinsWithIds.writeParquet(spark, tmp.resolve("penguins"));
    input = spark.read().parquet(parquet.toString());
    Path out = tmp.resolve("job-out");
    assertThat(Nightshift.execute(new String[] {"run", "--config", CONFIG,
        "--set", "input.path=" + parquet, "--set", "input.format=parquet", "--set", "input.schema=",
        "--set", "output.path=" + out, "--set", "output.pass-through=[row_id]",
        "--set", "inference.outputs.output.column=probs", "--set", "inference.outputs.output.post=none",
        "--set", "inference.outputs.output.labels=[]",
        "--set", "inference.batch-size=16"})).isEqualTo(0);
    PenguinsWithIds.JobOutput job = PenguinsWithIds.JobOutput.read(spark, out);
    jobProbs = job.probs();
    jobRejected = job.rejected();
    assertThat(jobProbs).hasSize(342);
    assertThat(jobRejected).hasSize(2);
  }

  static OnnxScorer scorer() {
    return new OnnxScorer()
        .setModelUri(MODEL.toString())
        .setBatchSize(16)
        .addSetting("inference.inputs.input.columns", "[features]")
        .addSetting("inference.outputs.output.column", "probs")
        .addSetting("inference.outputs.output.post", "none");
  }

  static PipelineModel fitted(OnnxScorer scorer) {
    // handleInvalid=keep: a null feature becomes NaN in the vector, which the scorer rejects.
    VectorAssembler assembler =
        new VectorAssembler().setInputCols(FEATURES).setOutputCol("features").setHandleInvalid("keep");
    return new Pipeline().setStages(new PipelineStage[] {assembler, scorer}).fit(input);
  }

  /** Row id to (probs or null, reason_code or null). */
  static Map<Long, Row> byId(Dataset<Row> scored) {
    Map<Long, Row> out = new HashMap<>();
    for (Row r : scored.select("row_id", "probs", "reason_code", "reason").collectAsList()) {
      assertThat(out.put(r.getLong(0), r)).as("row %d once", r.getLong(0)).isNull();
    }
    return out;
  }

  @Test
  void pipelineEqualsTheJobRowByRowAndKeepsRejectedRowsWithTheirReason() {
    PipelineModel model = fitted(scorer());
    Dataset<Row> scored = model.transform(input);

    StructType schema = scored.schema();
    Dataset<Row> assembled = model.stages()[0].transform(input);
    assertThat(model.stages()[1].transformSchema(assembled.schema()))
        .as("transformSchema without running").isEqualTo(model.stages()[1].transform(assembled).schema());
    assertThat(schema.fieldNames()).containsExactly("species", "island", "bill_length_mm", "bill_depth_mm",
        "flipper_length_mm", "body_mass_g", "sex", "row_id", "features", "probs", "reason_code", "reason");
    assertThat(schema.apply("features").dataType()).isEqualTo(SQLDataTypes.VectorType());
    assertThat(schema.apply("probs").dataType())
        .isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
    assertThat(schema.apply("probs").nullable()).as("null on a kept rejected row").isTrue();

    Map<Long, Row> rows = byId(scored);
    assertThat(rows).hasSize((int) input.count());
    Set<Long> rejected = new HashSet<>();
    for (Row r : rows.values()) {
      long id = r.getLong(0);
      if (r.isNullAt(2)) {
        assertThat(r.<Float>getList(1)).as("row %d", id).isEqualTo(jobProbs.get(id));
      } else {
        rejected.add(id);
        assertThat(r.isNullAt(1)).isTrue();
        assertThat(r.getString(2)).isEqualTo("non_finite");
        assertThat(r.getString(3)).isEqualTo("column 'features' is NaN at index 0");
      }
    }
    assertThat(rejected).isEqualTo(jobRejected);
  }

  @Test
  void droppedRejectedRowsLeaveOnlyTheScoredOnes() {
    Dataset<Row> scored = fitted(scorer().setRejectedRows("drop")).transform(input);
    assertThat(scored.columns()).doesNotContain("reason_code", "reason");
    Map<Long, List<Float>> probs = new HashMap<>();
    scored.select("row_id", "probs").collectAsList().forEach(r -> probs.put(r.getLong(0), r.getList(1)));
    assertThat(probs).isEqualTo(jobProbs);
  }

  @Test
  void savedAndLoadedPipelineScoresIdentically() throws Exception {
    PipelineModel model = fitted(scorer());
    Path saved = tmp.resolve("saved-pipeline");
    model.write().overwrite().save(saved.toString());

    Path copyDir = Files.list(saved.resolve("stages")).filter(p -> p.getFileName().toString().contains("onnxScorer"))
        .findFirst().orElseThrow().resolve("model");
    String sha = ModelPayload.sha256(Files.readAllBytes(MODEL));
    assertThat(Files.readString(copyDir.resolve("model.sha256")))
        .isEqualTo(sha + "  " + MODEL.getFileName() + "\n");
    assertThat(Files.readAllBytes(copyDir.resolve(MODEL.getFileName().toString())))
        .isEqualTo(Files.readAllBytes(MODEL));

    PipelineModel loaded = PipelineModel.load(saved.toString());
    OnnxScorer stage = (OnnxScorer) loaded.stages()[1];
    assertThat(stage.uid()).isEqualTo(model.stages()[1].uid());
    assertThat(stage.getOrDefault(stage.modelUri())).endsWith("/model/" + MODEL.getFileName());
    assertThat(stage.getOrDefault(stage.modelSha256())).isEqualTo(sha);
    assertThat(byId(loaded.transform(input))).isEqualTo(byId(model.transform(input)));

    // A changed copy no longer matches its saved sha256.
    Path copy = copyDir.resolve(MODEL.getFileName().toString());
    byte[] bytes = Files.readAllBytes(copy);
    bytes[bytes.length - 1] ^= 1;
    Files.write(copy, bytes);
    Files.deleteIfExists(copyDir.resolve("." + MODEL.getFileName() + ".crc"));
    String changed = ModelPayload.sha256(bytes);
    assertThatThrownBy(() -> PipelineModel.load(saved.toString()))
        .isInstanceOf(NightshiftException.class)
        .hasMessageContaining("has sha256 " + changed + ", ")
        .hasMessageEndingWith("model.sha256 says " + sha);
  }

  @Test
  void badParamsAreRejectedAtTransformSchemaNamingKeyAndValue() {
    StructType schema = new VectorAssembler().setInputCols(FEATURES).setOutputCol("features")
        .transformSchema(input.schema());
    assertThatThrownBy(() -> scorer().setDevice("tpu").transformSchema(schema))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("model.device: 'tpu' is not one of auto | cpu | cuda");
    OnnxScorer zero = scorer().setBatchSize(0);
    assertThatThrownBy(() -> zero.transformSchema(schema))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("OnnxScorer " + zero.uid()
            + ": key 'inference.batch-size' has bad value '0' (expected a whole number >= 1)");
    OnnxScorer typo = scorer().addSetting("inference.outputs.output.postt", "argmax");
    assertThatThrownBy(() -> typo.transformSchema(schema))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("OnnxScorer " + typo.uid()
            + ": unknown key 'inference.outputs.output.postt' (see README, job-file reference)");
    OnnxScorer notAStageKey = scorer().addSetting("output.path", "/tmp/x");
    assertThatThrownBy(() -> notAStageKey.transformSchema(schema))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("OnnxScorer " + notAStageKey.uid() + ": key 'output.path' (value '/tmp/x') is not a model.* "
            + "or inference.* key; a stage reads a Dataset and returns one");
    OnnxScorer mode = scorer().setRejectedRows("ignore");
    assertThatThrownBy(() -> mode.transformSchema(schema))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("OnnxScorer " + mode.uid() + ": param rejectedRows is 'ignore'; expected one of [keep, drop, fail]");
    OnnxScorer wrongColumn = scorer().addSetting("inference.inputs.input.columns", "[bill_length_mm]");
    assertThatThrownBy(() -> wrongColumn.transformSchema(schema))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("inference.inputs.input.columns: model input 'input' has shape [-1, 4] and needs 4 columns, "
            + "but 1 are mapped: [bill_length_mm]");
  }
}
