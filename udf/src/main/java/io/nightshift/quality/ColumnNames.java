package io.nightshift.quality;

import io.nightshift.NightshiftException;
import java.util.List;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Checks that the columns a night writes into one table have names Spark tells apart, with
 * Spark's own resolver ({@code spark.sql.caseSensitive}, false by default): {@code Score} and
 * {@code score} are one name to Spark, Hive, Parquet readers and Trino, and a write with both fails
 * only after the whole night was scored. Stateless.
 */
public final class ColumnNames {
  /** The quarantine's own columns, after the pass-through ones. */
  public static final List<String> QUARANTINE = List.of("reason_code", "reason", "input_json");

  private ColumnNames() {}

  /**
   * A column and where its name comes from (a config key, or a phrase such as "the quarantine").
   */
  public record Named(String name, String from) {}

  /**
   * Fails (exit code 2) naming both columns and where each comes from when two of {@code columns}
   * are the same name under {@code conf}'s resolver.
   *
   * @param table what the columns make, for the message ("the output", "the quarantine")
   */
  public static void checkDistinct(SQLConf conf, String table, List<Named> columns) {
    scala.Function2<String, String, Object> resolver = conf.resolver();
    for (int i = 0; i < columns.size(); i++) {
      Named a = columns.get(i);
      for (int j = i + 1; j < columns.size(); j++) {
        Named b = columns.get(j);
        if (!(Boolean) resolver.apply(a.name(), b.name())) {
          continue;
        }
        if (a.name().equals(b.name())) {
          throw NightshiftException.invalid(
              "%s would have two columns named '%s' (from %s and from %s): rename one",
              table, a.name(), a.from(), b.from());
        }
        throw NightshiftException.invalid(
            "%s would have columns '%s' (from %s) and '%s' (from %s), one name to Spark"
                + " (spark.sql.caseSensitive=false), Hive, Parquet readers and Trino: rename one",
            table, a.name(), a.from(), b.name(), b.from());
      }
    }
  }
}
