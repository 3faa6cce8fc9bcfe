package io.nightshift.samples.penguins;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerationException;
import io.nightshift.samples.SampleGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a multinomial logistic regression on the penguins with Tribuo and exports it with Tribuo's
 * own ONNX export.
 *
 * <p>The model reads the four raw numeric columns (body mass in grams next to bill depth in mm):
 * AdaGrad scales each weight's step by its own gradient history, which copes with the spread of
 * scales, so no rescaling is needed and the ONNX model takes the CSV values as they are.
 *
 * <p>Writes the ONNX model, the same model in Tribuo's protobuf format (tests compare the two), and
 * a JSON spec: input and output names, feature order, label order and training accuracy.
 */
public final class PenguinsClassifier implements SampleGenerator {
  /** Seeds the trainer's example shuffling; the same seed gives the same weights. */
  static final long SEED = 20240607L;

  private static final int EPOCHS = 1000;
  private static final double LEARNING_RATE = 0.1;
  private static final double ADAGRAD_EPSILON = 1e-6;
  private static final int MINIBATCH = 1;
  private static final String ONNX_DOMAIN = "io.nightshift.samples";
  private static final long ONNX_MODEL_VERSION = 1;

  private final Path source;
  private final Path onnx;
  private final Path tribuo;
  private final Path spec;

  /**
   * Reads {@code source} (vega-datasets data/penguins.json) and writes the ONNX model, the Tribuo
   * model and the spec.
   */
  public PenguinsClassifier(Path source, Path onnx, Path tribuo, Path spec) {
    this.source = source;
    this.onnx = onnx;
    this.tribuo = tribuo;
    this.spec = spec;
  }

  @Override
  public String name() {
    return "penguins classifier";
  }

  @Override
  public List<Path> outputs() {
    return List.of(onnx, tribuo, spec);
  }

  @Override
  public void generate() throws IOException {
    MutableDataset<Label> data = dataset(PenguinsSource.read(source), source.toString());
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new LogMulticlass(),
            new AdaGrad(LEARNING_RATE, ADAGRAD_EPSILON),
            EPOCHS,
            // Logging interval in examples: once, at most, for the whole run.
            EPOCHS * data.size(),
            MINIBATCH,
            SEED);
    LinearSGDModel model = trainer.train(data);
    double accuracy = new LabelEvaluator().evaluate(model, data).accuracy();

    OutputFiles.write(onnx, file -> model.saveONNXModel(ONNX_DOMAIN, ONNX_MODEL_VERSION, file));
    OutputFiles.write(tribuo, model::serializeToFile);
    OnnxMl.GraphProto graph = readGraph(onnx);
    OutputFiles.write(spec, file -> writeSpec(model, graph, accuracy, data.size(), file));
  }

  /** The rows with a label and all four measurements, as Tribuo examples named by CSV column. */
  static MutableDataset<Label> dataset(List<Penguin> rows, String description) {
    LabelFactory labels = new LabelFactory();
    List<org.tribuo.Example<Label>> examples = new ArrayList<>();
    String[] names = PenguinColumns.FEATURES.toArray(new String[0]);
    for (Penguin p : rows) {
      if (!p.hasFeaturesAndLabel()) {
        continue;
      }
      double[] values = new double[names.length];
      for (int i = 0; i < names.length; i++) {
        values[i] = p.feature(names[i]).doubleValue();
      }
      examples.add(new ArrayExample<>(new Label(p.species()), names, values));
    }
    SimpleDataSourceProvenance provenance =
        new SimpleDataSourceProvenance(
            "penguins with all measurements, from " + description, labels);
    return new MutableDataset<>(new ListDataSource<>(examples, labels, provenance));
  }

  private static OnnxMl.GraphProto readGraph(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      OnnxMl.GraphProto graph = OnnxMl.ModelProto.parseFrom(in).getGraph();
      if (graph.getInputCount() != 1 || graph.getOutputCount() != 1) {
        throw new SampleGenerationException(
            "%s: expected one input and one output, found %d and %d",
            file, graph.getInputCount(), graph.getOutputCount());
      }
      return graph;
    }
  }

  private static void writeSpec(
      LinearSGDModel model, OnnxMl.GraphProto graph, double accuracy, int trainRows, Path file)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("inputName", graph.getInput(0).getName());
    // Tribuo numbers features by sorted name; the ONNX input's column i is feature id i.
    ArrayNode features = root.putArray("featureOrder");
    ImmutableFeatureMap featureMap = model.getFeatureIDMap();
    for (int id = 0; id < featureMap.size(); id++) {
      features.add(featureMap.get(id).getName());
    }
    root.put("outputName", graph.getOutput(0).getName());
    // Output column i is the label with Tribuo id i (its own domain order, not alphabetical).
    ArrayNode labels = root.putArray("labels");
    ImmutableOutputInfo<Label> outputs = model.getOutputIDInfo();
    for (int id = 0; id < outputs.size(); id++) {
      labels.add(outputs.getOutput(id).getLabel());
    }
    root.put("trainAccuracy", accuracy);
    root.put("trainRows", trainRows);
    mapper.writeValue(file.toFile(), root);
  }
}
