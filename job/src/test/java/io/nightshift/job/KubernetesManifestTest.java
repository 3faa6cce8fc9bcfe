package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes material in deploy/kubernetes/ holds together: the SparkApplication launches the
 * class and jar the Dockerfile puts in the image, reads a job file that the ConfigMap holds and
 * that Nightshift's own parser accepts, takes S3 credentials only from a Secret, and asks for GPUs
 * with the discovery script the image carries. The operator's CRD schema is published in its Helm
 * chart, which no registry reachable here serves, so the keys the job needs are checked instead.
 */
class KubernetesManifestTest {
  static final Path DIR = StandaloneCluster.ROOT.resolve("deploy/kubernetes");

  static Map<String, Object> app;
  static Map<String, Object> configMap;
  static String dockerfile;

  @BeforeAll
  static void load() throws IOException {
    app = yaml(DIR.resolve("nightshift-nightly.yaml"));
    configMap = yaml(DIR.resolve("nightshift-job-configmap.yaml"));
    dockerfile = Files.readString(DIR.resolve("Dockerfile"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) throws IOException {
    return (Map<String, Object>) new Yaml().load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Map<String, Object> root, String... keys) {
    Object node = root;
    for (String k : keys) {
      assertThat(node).as("parent of %s", k).isInstanceOf(Map.class);
      node = ((Map<String, Object>) node).get(k);
      assertThat(node).as("key %s (of %s)", k, String.join(".", keys)).isNotNull();
    }
    return (T) node;
  }

  /** The destination of the Dockerfile's COPY of {@code source}. */
  static String copied(String source) {
    Matcher m = Pattern.compile("(?m)^COPY\\s+" + Pattern.quote(source) + "\\s+(\\S+)\\s*$").matcher(dockerfile);
    assertThat(m.find()).as("Dockerfile copies %s", source).isTrue();
    return m.group(1);
  }

  @Test
  void launchesTheJobClassFromTheJarTheImageHolds() {
    assertThat((String) at(app, "apiVersion")).isEqualTo("sparkoperator.k8s.io/v1beta2");
    assertThat((String) at(app, "kind")).isEqualTo("SparkApplication");
    assertThat((String) at(app, "spec", "type")).isEqualTo("Java");
    assertThat((String) at(app, "spec", "mainClass")).isEqualTo(Nightshift.class.getName());
    assertThat((String) at(app, "spec", "mainApplicationFile"))
        .isEqualTo("local://" + copied("job/target/nightshift-job.jar"));
    // The build puts the jars the image copies where the Dockerfile looks for them.
    assertThat(copied("job/target/image-jars/")).isEqualTo("/opt/spark/jars/");
    assertThat(StandaloneCluster.ROOT.resolve("job/pom.xml")).content()
        .contains("<finalName>nightshift-job</finalName>")
        .contains("${project.build.directory}/image-jars");
  }

  @Test
  void imageAndManifestAreOnTheBuildsSparkLine() {
    String built = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    String line = built.substring(0, built.indexOf('.', built.indexOf('.') + 1));
    assertThat((String) at(app, "spec", "sparkVersion")).startsWith(line + ".");
    assertThat(dockerfile).containsPattern("ARG SPARK_IMAGE=apache/spark:" + Pattern.quote(line) + "\\.\\d+-scala2\\.13-java17");
  }

  @Test
  @SuppressWarnings("unchecked")
  void readsAJobFileFromTheConfigMapThatNightshiftAccepts() throws IOException {
    List<String> args = at(app, "spec", "arguments");
    assertThat(args.get(0)).isEqualTo("run");
    int i = args.indexOf("--config");
    assertThat(i).isPositive();
    Path config = Path.of(args.get(i + 1));

    List<Map<String, Object>> mounts = at(app, "spec", "driver", "volumeMounts");
    Map<String, Object> mount = mounts.stream()
        .filter(m -> config.startsWith(Path.of((String) m.get("mountPath"))))
        .findFirst().orElseThrow(() -> new AssertionError("no driver volumeMount holds " + config));
    List<Map<String, Object>> volumes = at(app, "spec", "volumes");
    Map<String, Object> volume = volumes.stream().filter(v -> v.get("name").equals(mount.get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no volume " + mount.get("name")));
    assertThat((String) at(volume, "configMap", "name")).isEqualTo(at(configMap, "metadata", "name"));
    assertThat((String) at(configMap, "metadata", "namespace")).isEqualTo(at(app, "metadata", "namespace"));

    String key = Path.of((String) mount.get("mountPath")).relativize(config).toString();
    String jobYaml = at(configMap, "data", key);
    // The run date comes from Airflow ({{ ds }}); a real date stands in for it here.
    List<String> sets = new ArrayList<>();
    for (int k = 0; k < args.size(); k++) {
      if (args.get(k).equals("--set")) {
        sets.add(args.get(k + 1).replace("{{ ds }}", "2026-11-28"));
      }
    }
    JobConfig job = JobConfigParser.parse(jobYaml, "ConfigMap " + at(configMap, "metadata", "name"), sets);
    assertThat(job.run().date()).isEqualTo("2026-11-28");
    assertThat(job.input().path()).startsWith("s3a://");
    assertThat(job.output().path()).startsWith("s3a://");
  }

  @Test
  @SuppressWarnings("unchecked")
  void takesS3CredentialsOnlyFromASecret() throws IOException {
    String text = Files.readString(DIR.resolve("nightshift-nightly.yaml"))
        + Files.readString(DIR.resolve("nightshift-job-configmap.yaml"));
    assertThat(text).doesNotContain("fs.s3a.access.key").doesNotContain("fs.s3a.secret.key");
    for (String pod : List.of("driver", "executor")) {
      List<Map<String, Object>> env = at(app, "spec", pod, "env");
      List<String> names = new ArrayList<>();
      for (Map<String, Object> e : env) {
        String name = (String) e.get("name");
        names.add(name);
        if (name.startsWith("AWS_")) {
          assertThat(e).as("%s of the %s", name, pod).doesNotContainKey("value");
          assertThat((String) at(e, "valueFrom", "secretKeyRef", "name")).isEqualTo("nightshift-s3");
        }
      }
      assertThat(names).as(pod).contains("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    }
  }

  @Test
  void asksForGpusWithTheDiscoveryScriptTheImageCarries() {
    Map<String, Object> conf = at(app, "spec", "sparkConf");
    assertThat(conf.get("spark.executor.resource.gpu.discoveryScript"))
        .isEqualTo(copied("deploy/gpu/discover-gpus.sh"));
    assertThat(conf).containsKeys("spark.executor.resource.gpu.amount", "spark.task.resource.gpu.amount");
    assertThat((String) at(app, "spec", "executor", "gpu", "name")).isEqualTo("nvidia.com/gpu");
    // ONNX Runtime unpacks its natives into java.io.tmpdir: a folder the image makes writable.
    assertThat((String) conf.get("spark.executor.extraJavaOptions")).contains("-Djava.io.tmpdir=/opt/nightshift/work");
    assertThat(dockerfile).contains("mkdir -p /opt/nightshift/work");
  }
}
