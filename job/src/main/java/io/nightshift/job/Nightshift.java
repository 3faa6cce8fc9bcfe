package io.nightshift.job;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.OutputFormat;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.job.commit.NightCommits;
import io.nightshift.model.ModelSignature;
import io.nightshift.spark.Predictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line, for {@code deploy/nightshift} (embedded Spark) and {@code spark-submit} alike:
 *
 * <pre>
 *   run      --config FILE [--set key=value ...]   score a dataset
 *   validate --config FILE [--set key=value ...]   every pre-launch check, no inference
 *   recover  --config FILE [--set key=value ...]   finish or roll back an interrupted publish
 *   sql      --config FILE --query SQL [--name N]  a query over the job's input (view `input`),
 *                                                  its model as function N (default `job`)
 *   inspect  --model FILE                          a model's inputs and outputs
 *   optimize --model IN --precision int8|int8-dynamic|fp16 --out OUT [--check-config FILE [--set ...]]
 *            [--sample-rows N] [--int8-min-elements N]
 *                                                  rewrite a model smaller; check its accuracy
 * </pre>
 *
 * Exit codes: 0 ok, 1 failure, 2 config or validation (also: optimize's accuracy thresholds
 * missed), 3 error budget exceeded, 4 conflict (another run holds the table's lock).
 */
public final class Nightshift {
  private static final Logger LOG = LoggerFactory.getLogger(Nightshift.class);
  static final String USAGE =
      "usage: nightshift run --config FILE [--set key=value ...]\n"
          + "       nightshift validate --config FILE [--set key=value ...]\n"
          + "       nightshift recover --config FILE [--set key=value ...]\n"
          + "       nightshift sql --config FILE --query SQL [--name NAME] [--set key=value ...]\n"
          + "       nightshift inspect --model FILE\n"
          + "       nightshift check-gpu --model FILE [--gpu N]\n"
          + "       nightshift optimize --model IN --precision int8|int8-dynamic|fp16 --out OUT\n"
          + "                [--check-config FILE [--set key=value ...]] [--sample-rows N] [--int8-min-elements N]";

  private Nightshift() {}

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }

  /** Runs a command and returns its exit code; prints one error line on failure. */
  public static int execute(String[] args) {
    try {
      return dispatch(args).code();
    } catch (NightshiftException e) {
      System.err.println("nightshift: " + Redact.message(e));
      LOG.debug("Failure detail", e);
      return e.exitCode().code();
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      NightshiftException cause = find(e);
      if (cause != null) {
        System.err.println("nightshift: " + Redact.message(cause));
        LOG.error("Run failed", e);
        return cause.exitCode().code();
      }
      System.err.println("nightshift: failed: " + Redact.message(e));
      LOG.error("Run failed", e);
      return ExitCode.FAILURE.code();
    }
  }

  static NightshiftException find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NightshiftException n) {
        return n;
      }
    }
    return null;
  }

  static ExitCode dispatch(String[] args) {
    if (args.length == 0) {
      throw NightshiftException.invalid("no command given\n%s", USAGE);
    }
    String command = args[0];
    String config = null;
    String model = null;
    int gpu = 0;
    String precision = null;
    String out = null;
    String checkConfig = null;
    int sampleRows = 0;
    int minElements = 0;
    String query = null;
    String name = "job";
    List<String> sets = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length && a.startsWith("--")) {
        throw NightshiftException.invalid("%s needs a value\n%s", a, USAGE);
      }
      switch (a) {
        case "--config" -> config = args[++i];
        case "--set" -> sets.add(args[++i]);
        case "--model" -> model = args[++i];
        case "--gpu" -> gpu = parseGpu(args[++i]);
        case "--precision" -> precision = args[++i];
        case "--out" -> out = args[++i];
        case "--check-config" -> checkConfig = args[++i];
        case "--sample-rows" -> sampleRows = positive(a, args[++i]);
        case "--int8-min-elements" -> minElements = positive(a, args[++i]);
        case "--query" -> query = args[++i];
        case "--name" -> name = args[++i];
        default -> throw NightshiftException.invalid("unknown argument '%s'\n%s", a, USAGE);
      }
    }
    switch (command) {
      case "run", "validate" -> {
        if (config == null) {
          throw NightshiftException.invalid("%s needs --config FILE\n%s", command, USAGE);
        }
        JobConfig job = JobConfigParser.parse(Path.of(config), sets);
        SparkSession spark = JobSession.get(job);
        job = QualifiedPaths.of(job, spark.sparkContext().hadoopConfiguration());
        NightlyRun run = new NightlyRun(spark, job);
        if (command.equals("validate")) {
          NightlyRun.Prepared p = run.prepare(null);
          System.out.println("valid: " + config);
          System.out.println("model " + job.model().uri() + " sha256 " + p.predictor().modelSha256());
          System.out.println("result schema: " + p.resultSchema().simpleString());
          return ExitCode.OK;
        }
        return run.run();
      }
      case "recover" -> {
        if (config == null) {
          throw NightshiftException.invalid("recover needs --config FILE\n%s", USAGE);
        }
        JobConfig job = JobConfigParser.parse(Path.of(config), sets);
        // Spark's Hadoop configuration (spark.hadoop.*, AWS_* for s3a://), without starting Spark
        // unless catalog tables (output.table) are to be repaired.
        Configuration conf = job.output().table().isEmpty() || job.output().format() != OutputFormat.PARQUET
            ? SparkHadoopUtil.get().newConfiguration(new SparkConf())
            : JobSession.get(job).sparkContext().hadoopConfiguration();
        job = QualifiedPaths.of(job, conf);
        System.out.println("recover: " + NightCommits.recover(job, conf));
        return ExitCode.OK;
      }
      case "sql" -> {
        if (config == null || query == null) {
          throw NightshiftException.invalid("sql needs --config FILE and --query SQL\n%s", USAGE);
        }
        JobConfig job = JobConfigParser.parse(Path.of(config), sets);
        SparkSession spark = JobSession.withScoringFunctions(job);
        job = QualifiedPaths.of(job, spark.sparkContext().hadoopConfiguration());
        // The job's input as view `input`; the job's model as function `name`.
        InputReader.read(spark, job.input()).createOrReplaceTempView("input");
        io.nightshift.sql.Functions.register(spark, name, config, sets.toArray(String[]::new));
        spark.sql(query).show(20, false);
        return ExitCode.OK;
      }
      case "inspect" -> {
        if (model == null) {
          throw NightshiftException.invalid("inspect needs --model FILE\n%s", USAGE);
        }
        // Spark's Hadoop configuration: spark.hadoop.* settings and AWS_* credentials, for s3a://.
        Configuration conf = SparkHadoopUtil.get().newConfiguration(new SparkConf());
        System.out.println(Inspect.describe(model, conf));
        return ExitCode.OK;
      }
      case "check-gpu" -> {
        if (model == null) {
          throw NightshiftException.invalid("check-gpu needs --model FILE\n%s", USAGE);
        }
        System.out.print(GpuCheck.run(model, gpu, 4096, 3));
        return ExitCode.OK;
      }
      case "optimize" -> {
        if (model == null || out == null) {
          throw NightshiftException.invalid("optimize needs --model IN and --out OUT\n%s", USAGE);
        }
        return Optimize.run(
            new Optimize.Request(Path.of(model), Optimize.precision(precision), Path.of(out), checkConfig, sets,
                sampleRows, minElements),
            System.out);
      }
      default -> throw NightshiftException.invalid("unknown command '%s'\n%s", command, USAGE);
    }
  }

  private static int parseGpu(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw NightshiftException.invalid("--gpu: '%s' is not a GPU ordinal", s);
    }
  }

  private static int positive(String flag, String value) {
    try {
      int v = Integer.parseInt(value);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below, with the flag
    }
    throw NightshiftException.invalid("%s '%s': expected a whole number > 0", flag, value);
  }
}
