package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG (deploy/airflow/nightshift_nightly.py) compiles with python3, and the arguments
 * it launches equal the ones ClusterTest runs on the cluster (both come from nightly_args.json
 * through nightly_args.py). Airflow is not installed here: the DAG guards its imports.
 */
class NightlyDagTest {
  static final Path ROOT = StandaloneCluster.ROOT;
  static final Path DAG = ROOT.resolve("deploy/airflow/nightshift_nightly.py");

  @TempDir Path tmp;

  static String python(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3", "-B"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().put("NIGHTSHIFT_HOME", ROOT.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void dagCompiles() throws Exception {
    for (String f : List.of("nightshift_nightly.py", "nightly_args.py")) {
      Path src = ROOT.resolve("deploy/airflow").resolve(f);
      python(tmp, "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
          src.toString(), tmp.resolve(f + "c").toString());
    }
  }

  @Test
  void dagLaunchesTheArgumentsTheClusterTestRuns() throws Exception {
    String out = python(tmp, "-c", String.join("\n",
        "import json, sys",
        "sys.path.insert(0, sys.argv[1])",
        "import nightshift_nightly as d",
        "print(json.dumps({'args': d.APPLICATION_ARGS, 'bash': d.bash_command(), 'no_airflow': d.DAG is None,",
        "  'retries': d.DEFAULT_ARGS['retries'], 'backoff': d.DEFAULT_ARGS['retry_exponential_backoff']}))"),
        DAG.getParent().toString());
    JsonNode dag = new ObjectMapper().readTree(out);
    assertThat(dag.get("no_airflow").asBoolean()).as("Airflow is not installed here").isTrue();
    List<String> dagArgs = new ArrayList<>();
    dag.get("args").forEach(a -> dagArgs.add(a.asText()));
    assertThat(dagArgs).contains("run.date={{ ds }}");

    // Airflow renders {{ ds }}; the cluster test runs the same list for its dates.
    List<String> rendered = dagArgs.stream().map(a -> a.replace("{{ ds }}", "2026-11-28")).toList();
    assertThat(rendered).isEqualTo(NightlyArgs.forDate(ROOT, "2026-11-28"));
    assertThat(rendered).containsSubsequence("--config", ROOT.resolve("conf/jobs/nightly-s3.yaml").toString());
    assertThat(ROOT.resolve("conf/jobs/nightly-s3.yaml")).exists();

    // The BashOperator alternative runs deploy/submit.sh with the same arguments.
    assertThat(dag.get("bash").asText()).startsWith(ROOT.resolve("deploy/submit.sh") + " run --config ")
        .endsWith("--set 'run.date={{ ds }}'");
    assertThat(dag.get("retries").asInt()).isPositive();
    assertThat(dag.get("backoff").asBoolean()).isTrue();

    String text = Files.readString(DAG);
    assertThat(text).contains("schedule=\"@daily\"").contains("SparkSubmitOperator(").contains("PythonOperator(")
        .contains("AirflowFailException");
  }

  /**
   * The exit-code policy the DAG's task applies (pure python, as Airflow would call it): exit 1
   * and 4 are retried, 2 and 3 fail at once through the no-retry exception, and the spark-submit
   * operator's error message yields the job's exit code.
   */
  @Test
  void onlyExitOneAndFourAreRetried() throws Exception {
    String out = python(tmp, "-c", String.join("\n",
        "import json, sys",
        "sys.path.insert(0, sys.argv[1])",
        "import nightshift_nightly as d",
        "class Fail(Exception): pass",
        "class Retry(Exception): pass",
        "def raised(code):",
        "  try:",
        "    d.raise_for_exit(code, Fail, Retry)",
        "    return 'none'",
        "  except Fail as e:",
        "    return 'fail: ' + str(e)",
        "  except Retry as e:",
        "    return 'retry: ' + str(e)",
        "codes = [0, 1, 2, 3, 4, 137]",
        "print(json.dumps({'policy': [d.exit_policy(c) for c in codes], 'raised': [raised(c) for c in codes],",
        "  'parsed': [d.exit_code_from_message(m) for m in [",
        "    'Cannot execute: spark-submit --master x. Error code is: 3.', 'something else']]}))"),
        DAG.getParent().toString());
    JsonNode r = new ObjectMapper().readTree(out);
    List<String> policy = new ArrayList<>();
    r.get("policy").forEach(p -> policy.add(p.asText()));
    assertThat(policy).containsExactly("ok", "retry", "fail", "fail", "retry", "retry");
    List<String> raised = new ArrayList<>();
    r.get("raised").forEach(p -> raised.add(p.asText()));
    assertThat(raised.get(0)).isEqualTo("none");
    assertThat(raised.get(1)).isEqualTo("retry: nightshift exited 1 (failure): retried");
    assertThat(raised.get(2))
        .isEqualTo("fail: nightshift exited 2 (config or validation failed): not retried, a retry would fail the same way");
    assertThat(raised.get(3)).startsWith("fail: nightshift exited 3 (error budget exceeded)");
    assertThat(raised.get(4)).isEqualTo("retry: nightshift exited 4 (conflict: another run holds the table's lock): retried");
    assertThat(raised.get(5)).isEqualTo("retry: nightshift exited 137 (failure): retried");
    assertThat(r.get("parsed").get(0).asInt()).isEqualTo(3);
    assertThat(r.get("parsed").get(1).isNull()).isTrue();
  }
}
