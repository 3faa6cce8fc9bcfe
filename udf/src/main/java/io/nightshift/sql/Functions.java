package io.nightshift.sql;

import io.nightshift.NightshiftException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Scoring from SQL, each function made from a job file (its {@code model.*} and
 * {@code inference.*} keys; input and output are the query's):
 *
 * <pre>{@code
 * Functions.register(spark, "penguins", "conf/jobs/sample-tabular.yaml");
 * spark.sql("SELECT row_id, nightshift_predict('penguins', bill_depth_mm, bill_length_mm, body_mass_g, flipper_length_mm) FROM t");
 * spark.sql("SELECT * FROM nightshift_score('penguins', TABLE(t))");   // needs NightshiftExtensions
 * }</pre>
 *
 * {@code nightshift_predict} is a row-at-a-time Java UDF (one model call per row: slow, see
 * docs/sql.md); {@code nightshift_score}, a table function injected by {@link
 * NightshiftExtensions}, scores the whole table in batches through {@link
 * io.nightshift.spark.Predictor#score}, returning its columns, the result columns, and {@code
 * reason_code}/{@code reason} (set on rows that could not be scored, whose results are null).
 */
public final class Functions {
  /**
   * Spark conf listing the functions {@code nightshift_score} finds by name: {@code
   * name=job-file,name=job-file}.
   */
  public static final String FUNCTIONS_CONF = "spark.nightshift.functions";

  private Functions() {}

  /**
   * Registers function {@code name} from {@code jobFile} (with {@code --set}-style overrides) for
   * {@code nightshift_score}, and (tabular models) {@code nightshift_predict} on {@code spark}.
   * Reads and checks the model now; fails (exit code 2) naming a bad key, value or file.
   */
  public static void register(SparkSession spark, String name, String jobFile, String... sets) {
    ScoringFunctions.register(spark, name, jobFile, List.of(sets));
    Map<String, io.nightshift.spark.RowFunction> rows = ScoringFunctions.rowFunctions();
    if (!rows.isEmpty()) {
      PredictUdf.register(spark, rows);
    }
  }

  /** Registers every function listed in {@value #FUNCTIONS_CONF}. */
  public static void registerConfigured(SparkSession spark) {
    for (Map.Entry<String, String> e : configured(spark).entrySet()) {
      register(spark, e.getKey(), e.getValue());
    }
  }

  /** The functions listed in {@value #FUNCTIONS_CONF}, by name. */
  static Map<String, String> configured(SparkSession spark) {
    Map<String, String> out = new LinkedHashMap<>();
    String value = spark.conf().get(FUNCTIONS_CONF, "").trim();
    if (value.isEmpty()) {
      return out;
    }
    for (String item : value.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw NightshiftException.invalid(
            "%s: '%s' is not name=job-file (in '%s')", FUNCTIONS_CONF, item.trim(), value);
      }
      out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return out;
  }
}
