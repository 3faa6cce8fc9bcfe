package io.nightshift.job.examples;

import io.nightshift.ml.OnnxScorer;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A runnable example of the Spark ML stage ({@code deploy/nightshift example pipeline}): a {@code
 * Pipeline} of a {@link VectorAssembler} and an {@link OnnxScorer} fitted on the penguins CSV, saved
 * to a folder, loaded back, and the loaded pipeline's rows printed (the predicted species against
 * the true one, and the two rows rejected for missing measurements with their reason).
 *
 * <p>Arguments: the penguins CSV, the classifier ONNX file, the folder to save the pipeline to
 * (replaced). Uses the SparkSession spark-submit configured, or local[*].
 */
public final class PipelineExample {
  /** Tribuo orders features by name: the model input's order. */
  private static final String[] FEATURES = {"bill_depth_mm", "bill_length_mm", "body_mass_g", "flipper_length_mm"};

  private PipelineExample() {}

  public static void main(String[] args) throws java.io.IOException {
    if (args.length != 3) {
      System.err.println("usage: PipelineExample PENGUINS_CSV MODEL_ONNX SAVE_DIR");
      System.exit(2);
    }
    SparkSession.Builder builder = SparkSession.builder().appName("nightshift pipeline example");
    if (!new SparkConf().contains("spark.master")) {
      builder = builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      Dataset<Row> scored = run(spark, args[0], args[1], args[2]).cache();
      scored.groupBy("species", "predicted_species", "reason_code").count()
          .orderBy("species", "predicted_species").show(false);
      scored.where("reason_code IS NOT NULL").select("species", "island", "reason_code", "reason").show(false);
    } finally {
      spark.stop();
    }
  }

  /**
   * Fits the pipeline on the penguins at {@code csv}, saves it to {@code saveDir} (replaced), loads
   * it back and returns the loaded pipeline's output (lazy): the input columns, {@code features},
   * {@code predicted_species}, {@code reason_code} and {@code reason}.
   */
  public static Dataset<Row> run(SparkSession spark, String csv, String model, String saveDir) throws java.io.IOException {
    Dataset<Row> penguins = spark.read().option("header", "true")
        .schema("species STRING, island STRING, bill_length_mm DOUBLE, bill_depth_mm DOUBLE, "
            + "flipper_length_mm DOUBLE, body_mass_g DOUBLE, sex STRING")
        .csv(csv);
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(FEATURES)
        .setOutputCol("features")
        .setHandleInvalid("keep"); // a null feature becomes NaN, which the scorer rejects with its reason
    OnnxScorer scorer = new OnnxScorer()
        .setModelUri(model)
        .addSetting("inference.inputs.input.columns", "[features]")
        .addSetting("inference.outputs.output.column", "predicted_species")
        .addSetting("inference.outputs.output.post", "argmax")
        .addSetting("inference.outputs.output.labels", "[Chinstrap, Adelie, Gentoo]");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler, scorer}).fit(penguins);
    fitted.write().overwrite().save(saveDir);
    PipelineModel loaded = PipelineModel.load(saveDir);
    System.out.println("pipeline saved to " + saveDir + " and loaded back; its stages: "
        + loaded.stages()[0].uid() + ", " + loaded.stages()[1].uid());
    return loaded.transform(penguins);
  }
}
