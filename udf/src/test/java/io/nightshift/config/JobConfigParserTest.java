package io.nightshift.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.Enums.WriteMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobConfigParserTest {
  private static final String JOB =
      """
      input:
        path: /data/in/${run.date}
        format: csv
        options:
          header: true
      model:
        uri: /models/m.onnx
      inference:
        batch-size: 64
        inputs:
          features:
            columns: [a, b, c]
        outputs:
          probabilities:
            column: probs
            post: softmax
          label:
            post: top-k
            k: 2
            labels: [x, y, z]
      output:
        path: /data/out
        pass-through: [id]
        partition-by: [dt]
      run:
        date: 2026-11-28
        id: night-1
      """;

  private static JobConfig parse(String yaml, String... sets) {
    return JobConfigParser.parse(yaml, "job.yaml", List.of(sets));
  }

  @Test
  void parsesEveryKeyIntoTypedValues() {
    JobConfig c = parse(JOB);
    assertThat(c.input().path()).isEqualTo("/data/in/2026-11-28");
    assertThat(c.input().format()).isEqualTo(Enums.InputFormat.CSV);
    assertThat(c.input().options()).containsEntry("header", "true");
    assertThat(c.inference().batchSize()).isEqualTo(64);
    assertThat(c.inference().inputs()).singleElement()
        .satisfies(m -> assertThat(m.columns()).containsExactly("a", "b", "c"));
    assertThat(c.inference().outputs()).hasSize(2);
    JobConfig.OutputMapping label = c.inference().outputs().get(1);
    assertThat(label.column()).isEqualTo("label");
    assertThat(label.post()).isEqualTo(PostStep.TOP_K);
    assertThat(label.k()).isEqualTo(2);
    assertThat(label.labels()).containsExactly("x", "y", "z");
    assertThat(c.output().mode()).isEqualTo(WriteMode.OVERWRITE);
    assertThat(c.output().rejectedPath()).isEqualTo("/data/out/_rejected");
    assertThat(c.output().maxRejectedRatio()).isEqualTo(0.01);
    assertThat(c.run().id()).isEqualTo("night-1");
  }

  @Test
  void setOverridesAnyKeyIncludingLists() {
    JobConfig c = parse(JOB, "inference.batch-size=7", "run.date=2026-11-27",
        "inference.inputs.features.columns=[p, q]", "output.pass-through=id,name");
    assertThat(c.inference().batchSize()).isEqualTo(7);
    assertThat(c.input().path()).isEqualTo("/data/in/2026-11-27");
    assertThat(c.inference().inputs().get(0).columns()).containsExactly("p", "q");
    assertThat(c.output().passThrough()).containsExactly("id", "name");
  }

  @Test
  void modelShippingKeysHaveDefaultsAndSizesTakeSuffixes() {
    JobConfig.ModelSpec m = parse(JOB).model();
    assertThat(m.precision()).isEqualTo(Enums.ModelPrecision.FP32);
    assertThat(m.distribution()).isEqualTo(Enums.Distribution.AUTO);
    assertThat(m.maxBroadcastSize()).isEqualTo(512L << 20);
    assertThat(m.accuracy().sampleRows()).isEqualTo(1000);
    m = parse(JOB, "model.precision=int8", "model.distribution=files", "model.max-broadcast-size=2g",
        "model.int8-min-elements=16", "model.accuracy.min-top1-agreement=0.95").model();
    assertThat(m.precision()).isEqualTo(Enums.ModelPrecision.INT8);
    assertThat(m.distribution()).isEqualTo(Enums.Distribution.FILES);
    assertThat(m.maxBroadcastSize()).isEqualTo(2L << 30);
    assertThat(m.int8MinElements()).isEqualTo(16);
    assertThat(m.accuracy().minTop1Agreement()).isEqualTo(0.95);
    assertThatThrownBy(() -> parse(JOB, "model.max-broadcast-size=lots"))
        .hasMessageContaining("'model.max-broadcast-size' has bad value 'lots'");
    assertThatThrownBy(() -> parse(JOB, "model.precision=int4"))
        .hasMessageContaining("model.precision: 'int4' is not one of fp32 | int8 | fp16");
    assertThatThrownBy(() -> parse(JOB, "model.accuracy.max-prob-diff=2"))
        .hasMessageContaining("'model.accuracy.max-prob-diff' has bad value '2.0'");
  }

  @Test
  void unknownKeyIsAnErrorNamingIt() {
    assertThatThrownBy(() -> parse(JOB, "inference.batchsize=3"))
        .isInstanceOf(NightshiftException.class)
        .hasMessageContaining("unknown key 'inference.batchsize'")
        .satisfies(e -> assertThat(((NightshiftException) e).exitCode()).isEqualTo(ExitCode.INVALID));
    assertThatThrownBy(() -> parse(JOB + "extra:\n  thing: 1\n"))
        .hasMessageContaining("unknown key 'extra.thing'");
  }

  @Test
  void badValuesNameKeyAndValue() {
    assertThatThrownBy(() -> parse(JOB, "inference.batch-size=0"))
        .hasMessageContaining("'inference.batch-size'").hasMessageContaining("'0'");
    assertThatThrownBy(() -> parse(JOB, "inference.batch-size=-5"))
        .hasMessageContaining("'inference.batch-size'").hasMessageContaining("'-5'");
    assertThatThrownBy(() -> parse(JOB, "inference.batch-size=lots"))
        .hasMessageContaining("'inference.batch-size'").hasMessageContaining("'lots'");
    assertThatThrownBy(() -> parse(JOB, "input.format=avro"))
        .hasMessageContaining("input.format: 'avro' is not one of parquet | csv | json");
    assertThatThrownBy(() -> parse(JOB, "model.device=tpu"))
        .hasMessageContaining("model.device: 'tpu'");
    assertThatThrownBy(() -> parse(JOB, "run.date=28/11/2026"))
        .hasMessageContaining("'run.date'").hasMessageContaining("28/11/2026");
    assertThatThrownBy(() -> parse(JOB, "model.sha256=abc"))
        .hasMessageContaining("'model.sha256'");
    assertThatThrownBy(() -> parse(JOB, "output.max-rejected-ratio=2"))
        .hasMessageContaining("'output.max-rejected-ratio'");
  }

  @Test
  void requiredKeysAndUnknownVariablesAreNamed() {
    assertThatThrownBy(() -> parse(JOB, "output.path="))
        .hasMessageContaining("required key 'output.path'");
    assertThatThrownBy(() -> parse(JOB, "output.path=/x/${run.night}"))
        .hasMessageContaining("${run.night}").hasMessageContaining("output.path");
  }

  @Test
  void scalarsStayAsWrittenSoLabelsLikeNoAndYesSurvive() {
    JobConfig c = parse(JOB, "inference.outputs.label.labels=[no, yes, off]");
    assertThat(c.inference().outputs().get(1).labels()).containsExactly("no", "yes", "off");
    JobConfig d = parse(JOB.replace("labels: [x, y, z]", "labels: [no, yes, 'on']"));
    assertThat(d.inference().outputs().get(1).labels()).containsExactly("no", "yes", "on");
    assertThat(d.input().options()).containsEntry("header", "true");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = Path.of("no/such/job.yaml");
    assertThatThrownBy(() -> JobConfigParser.parse(missing, List.of()))
        .hasMessageContaining("config file not found")
        .hasMessageContaining("job.yaml");
  }

  @Test
  void resultColumnsMustBeUnique() {
    assertThatThrownBy(() -> parse(JOB, "inference.outputs.probabilities.column=id"))
        .hasMessageContaining("result column 'id'");
  }

  @Test
  void icebergNeedsATableDefaultsItsQuarantineAndRefusesWhatANightCannotDo() {
    JobConfig c = parse(JOB, "output.format=iceberg", "output.table=local.nightshift.scored");
    assertThat(c.output().format()).isEqualTo(Enums.OutputFormat.ICEBERG);
    assertThat(c.output().table()).isEqualTo("local.nightshift.scored");
    assertThat(c.output().rejectedTable()).isEqualTo("local.nightshift.scored_rejected");
    assertThat(c.output().partitionBy()).containsExactly("dt");
    assertThat(parse(JOB, "output.format=iceberg", "output.table=local.nightshift.scored",
        "output.rejected-table=local.q.bad", "output.partition-by=[]").output().rejectedTable())
        .isEqualTo("local.q.bad");
    assertThat(parse(JOB).output().table()).isEmpty();

    assertThatThrownBy(() -> parse(JOB, "output.format=iceberg"))
        .isInstanceOfSatisfying(NightshiftException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID))
        .hasMessage("job.yaml: output.format iceberg needs key 'output.table' (<catalog>.<namespace>.<table>)");
    assertThatThrownBy(() -> parse(JOB, "output.table=local.nightshift.scored"))
        .hasMessage("job.yaml: key 'output.table' needs output.format iceberg (output.format is parquet)");
    assertThatThrownBy(() -> parse(JOB, "output.format=iceberg", "output.table=nightshift.scored"))
        .hasMessage("job.yaml: key 'output.table' has bad value 'nightshift.scored' (expected"
            + " <catalog>.<namespace>.<table>, e.g. local.nightshift.penguins_scored)");
    assertThatThrownBy(() -> parse(JOB, "output.format=iceberg", "output.table=local.nightshift.scored",
        "output.mode=append"))
        .hasMessage("job.yaml: key 'output.mode' has bad value 'append' (expected overwrite with output.format"
            + " iceberg: a night replaces dt = run.date)");
    assertThatThrownBy(() -> parse(JOB, "output.format=iceberg", "output.table=local.nightshift.scored",
        "output.partition-by=[dt, island]"))
        .hasMessage("job.yaml: key 'output.partition-by' has bad value 'dt, island' (expected [dt] or nothing"
            + " with output.format iceberg: the table is partitioned by dt)");
    assertThatThrownBy(() -> parse(JOB, "output.format=iceberg", "output.table=local.nightshift.scored",
        "output.pass-through=[id, dt]"))
        .hasMessageStartingWith("job.yaml: key 'output.pass-through' names column 'dt', but 'dt' is the partition"
            + " column filled from run.date");
  }

  @Test
  void customOpsNeedAnExplicitAllowance() {
    assertThat(parse(JOB).model().customOpsLibrary()).isEmpty();
    assertThat(parse(JOB).model().allowCustomOps()).isFalse();
    assertThatThrownBy(() -> parse(JOB, "model.custom-ops-library=/opt/libops.so"))
        .isInstanceOf(NightshiftException.class)
        .hasMessage("job.yaml: key 'model.custom-ops-library' names native code (/opt/libops.so), which is"
            + " loaded only when 'model.allow-custom-ops' is true")
        .satisfies(e -> assertThat(((NightshiftException) e).exitCode()).isEqualTo(ExitCode.INVALID));
    JobConfig allowed = parse(JOB, "model.custom-ops-library=/opt/libops.so", "model.allow-custom-ops=true");
    assertThat(allowed.model().customOpsLibrary()).isEqualTo("/opt/libops.so");
    assertThat(allowed.model().allowCustomOps()).isTrue();
  }

  @Test
  void runIdNamesExactlyOneFolder() {
    for (String bad : List.of("..", ".", ".x", "a/b", "a b", "x".repeat(65))) {
      assertThatThrownBy(() -> parse(JOB, "run.id=" + bad))
          .isInstanceOf(NightshiftException.class)
          .hasMessage("job.yaml: key 'run.id' has bad value '" + bad + "' (expected 1 to 64 letters, digits, '_',"
              + " '-', '.' or ':', not starting with '.' (it names a folder))")
          .satisfies(e -> assertThat(((NightshiftException) e).exitCode()).isEqualTo(ExitCode.INVALID));
    }
    assertThat(parse(JOB, "run.id=2026-11-28T01:02:03.5_retry-2").run().id()).isEqualTo("2026-11-28T01:02:03.5_retry-2");
  }

  @Test
  void dtIsFirstAndNeverAnInputOrResultColumn() {
    assertThatThrownBy(() -> parse(JOB, "output.pass-through=[id, dt]"))
        .hasMessage("job.yaml: key 'output.pass-through' names column 'dt', but 'dt' is the partition column filled"
            + " from run.date; a row's own date would choose another night's partition: drop it from"
            + " output.pass-through or rename it in the input");
    assertThatThrownBy(() -> parse(JOB, "output.pass-through=[id, DT]")).hasMessageContaining("names column 'DT'");
    assertThatThrownBy(() -> parse(JOB, "inference.outputs.probabilities.column=dt"))
        .hasMessage("job.yaml: result column 'dt' (from inference.outputs.probabilities.column) is the partition"
            + " column filled from run.date");
    assertThatThrownBy(() -> parse(JOB, "output.partition-by=[id, dt]"))
        .hasMessage("job.yaml: key 'output.partition-by' has bad value '[id, dt]' (expected 'dt' first when it is"
            + " named (a night is the folder dt=<run.date>))");
    assertThat(parse(JOB, "output.partition-by=[dt, id]").output().partitionBy()).containsExactly("dt", "id");
    assertThat(parse(JOB, "output.partition-by=[id]", "output.pass-through=[id, dt]").output().passThrough())
        .as("without dt partitioning, dt is an ordinary column").containsExactly("id", "dt");
  }

  @Test
  void lockAndCleanupKeysTakeDurations() {
    JobConfig c = parse(JOB);
    assertThat(c.output().lockTimeout()).isEqualTo(java.time.Duration.ofHours(6));
    assertThat(c.output().cleanup().maxAge()).isEqualTo(java.time.Duration.ofDays(7));
    assertThat(c.output().cleanup().keep()).isEqualTo(5);
    c = parse(JOB, "output.lock-timeout=90s", "output.cleanup.max-age=36h", "output.cleanup.keep=0");
    assertThat(c.output().lockTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(c.output().cleanup().maxAge()).isEqualTo(java.time.Duration.ofHours(36));
    assertThat(c.output().cleanup().keep()).isZero();
    assertThatThrownBy(() -> parse(JOB, "output.lock-timeout=6 hours"))
        .hasMessage("job.yaml: key 'output.lock-timeout' has bad value '6 hours' (expected a duration such as 90s,"
            + " 30m, 6h or 7d)");
  }

  private static final String IMAGES =
      """
      input: {path: /data/scans, format: image}
      model: {uri: /models/rec.onnx}
      inference:
        image: {height: 48, min-width: 320, max-width: 3200, channels: bgr, mean: [0.5, 0.5, 0.5],
                std: [0.5, 0.5, 0.5]}
        outputs:
          softmax_11.tmp_0: {column: text, post: ctc, dictionary: /models/keys.txt}
      output: {path: /data/out}
      """;

  @Test
  void imageKeysMakeATensorSpecAndDottedOutputNamesWork() {
    JobConfig c = parse(IMAGES);
    JobConfig.ImageSpec image = c.inference().image();
    assertThat(image.column()).isEqualTo("path");
    assertThat(image.modelInput()).isEmpty();
    assertThat(image.tensor().resize()).isEqualTo(new io.nightshift.image.ImageResize.FixedHeight(48, 320, 3200));
    assertThat(image.tensor().channels()).isEqualTo(io.nightshift.image.ChannelOrder.BGR);
    assertThat(image.tensor().layout()).isEqualTo(io.nightshift.image.TensorLayout.NCHW);
    assertThat(image.tensor().scale()).isEqualTo(1f / 255f);
    assertThat(image.tensor().mean()).containsExactly(0.5f, 0.5f, 0.5f);
    assertThat(image.maxPixels()).isEqualTo(io.nightshift.image.ImageDecoder.DEFAULT_MAX_PIXELS);
    assertThat(image.maxBytes()).isEqualTo(64L << 20);
    assertThat(c.inference().batchSize()).isEqualTo(16);
    JobConfig.OutputMapping text = c.inference().outputs().get(0);
    assertThat(text.modelOutput()).isEqualTo("softmax_11.tmp_0");
    assertThat(text.post()).isEqualTo(PostStep.CTC);
    assertThat(text.dictionary()).isEqualTo("/models/keys.txt");
    assertThat(text.confidenceColumn()).isEqualTo("text_confidence");

    JobConfig fixed = parse(IMAGES, "inference.image.min-width=", "inference.image.max-width=",
        "inference.image.width=192", "inference.image.layout=nhwc", "inference.image.max-bytes=2m");
    assertThat(fixed.inference().image().tensor().resize()).isEqualTo(new io.nightshift.image.ImageResize.Fixed(48, 192));
    assertThat(fixed.inference().image().tensor().layout()).isEqualTo(io.nightshift.image.TensorLayout.NHWC);
    assertThat(fixed.inference().image().maxBytes()).isEqualTo(2L << 20);
    assertThat(parse(JOB).inference().image()).isNull();
  }

  @Test
  void badImageKeysAreRefusedWithTheKey() {
    assertThatThrownBy(() -> parse(IMAGES, "inference.image.height="))
        .hasMessage("job.yaml: an image job needs inference.image.height (the tensor height)");
    assertThatThrownBy(() -> parse(IMAGES, "inference.image.width=100"))
        .hasMessage("job.yaml: inference.image.width fixes the width; inference.image.min-width and"
            + " inference.image.max-width are for a free width, not with it");
    assertThatThrownBy(() -> parse(IMAGES, "inference.image.mean=[1, 2]"))
        .hasMessage("job.yaml: key 'inference.image.mean' has bad value '1, 2' (expected three numbers, one per channel)");
    assertThatThrownBy(() -> parse(IMAGES, "inference.image.std=[1, 0, 1]"))
        .hasMessage("job.yaml: inference.image.*: std values must be positive, got [1.0, 0.0, 1.0]");
    assertThatThrownBy(() -> parse(IMAGES, "inference.outputs.softmax_11.tmp_0.dictionary="))
        .hasMessage("job.yaml: post-step ctc needs inference.outputs.softmax_11.tmp_0.dictionary");
    assertThatThrownBy(() -> parse(JOB, "inference.image.height=48"))
        .hasMessage("job.yaml: inference.image.* keys are for image jobs: set input.format: image, or"
            + " inference.image.column");
  }
}
