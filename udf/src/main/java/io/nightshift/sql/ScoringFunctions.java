package io.nightshift.sql;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.RowFunction;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The scoring functions of this driver JVM, by name: each a {@link Predictor} made once from its
 * job file. Names come from {@link Functions#register} or, on first use, from the Spark conf
 * {@value Functions#FUNCTIONS_CONF}. Thread-safe (synchronized); a function lives until it is
 * registered again or the JVM ends.
 */
final class ScoringFunctions {
  private static final Map<String, Predictor> PREDICTORS = new LinkedHashMap<>();
  private static final Map<String, RowFunction> ROWS = new LinkedHashMap<>();

  private ScoringFunctions() {}

  /** Makes (or remakes) function {@code name} from a job file and {@code --set} overrides. */
  static synchronized Predictor register(SparkSession spark, String name, String jobFile, List<String> sets) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
      throw NightshiftException.invalid("%s: function name '%s' is not a plain name", Functions.FUNCTIONS_CONF, name);
    }
    JobConfig config = JobConfigParser.parse(Path.of(jobFile), sets);
    Predictor p = Predictor.create(spark, config.model(), config.inference());
    PREDICTORS.put(name, p);
    if (config.inference().text() == null) {
      ROWS.put(name, p.rowFunction());
    }
    return p;
  }

  /** The row functions registered so far, by name. */
  static synchronized Map<String, RowFunction> rowFunctions() {
    return new LinkedHashMap<>(ROWS);
  }

  /** Function {@code name}, registered now from the Spark conf when it is only listed there. */
  static synchronized Predictor predictor(SparkSession spark, String name) {
    Predictor p = PREDICTORS.get(name);
    if (p != null) {
      return p;
    }
    Map<String, String> configured = Functions.configured(spark);
    String file = configured.get(name);
    if (file == null) {
      throw NightshiftException.invalid(
          "no scoring function '%s': registered %s, listed in %s: %s",
          name, PREDICTORS.keySet(), Functions.FUNCTIONS_CONF, configured.keySet());
    }
    return register(spark, name, file, List.of());
  }
}
