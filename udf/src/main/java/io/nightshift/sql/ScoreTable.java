package io.nightshift.sql;

import io.nightshift.NightshiftException;
import io.nightshift.spark.Predictor;
import io.nightshift.spark.ScoreOptions;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FunctionTableSubqueryArgumentExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The table function {@code nightshift_score(name, TABLE(t))} (or {@code nightshift_score(name,
 * 't')}): the table's rows scored in batches by {@link Predictor#score}, with every column of the
 * table, the result columns, and {@code reason_code}/{@code reason} for rows that could not be
 * scored (their results null). Built when the query is analyzed; runs when it runs.
 */
final class ScoreTable {
  static final String NAME = "nightshift_score";

  private ScoreTable() {}

  static LogicalPlan build(Seq<Expression> arguments) {
    List<Expression> args = CollectionConverters.asJava(arguments);
    if (args.size() != 2 || !args.get(0).foldable()) {
      throw NightshiftException.invalid(
          "%s takes a function name and a table: %s('name', TABLE(t)) or %s('name', 't'), not %d arguments",
          NAME, NAME, NAME, args.size());
    }
    SparkSession spark = SparkSession.active();
    String name = String.valueOf(args.get(0).eval(null));
    Dataset<Row> input;
    if (args.get(1) instanceof FunctionTableSubqueryArgumentExpression table) {
      input = org.apache.spark.sql.classic.Dataset$.MODULE$.ofRows(
          (org.apache.spark.sql.classic.SparkSession) spark, table.plan());
    } else if (args.get(1).foldable()) {
      input = spark.table(String.valueOf(args.get(1).eval(null)));
    } else {
      throw NightshiftException.invalid("%s('%s', ...): the second argument must be TABLE(t) or a table name", NAME, name);
    }
    Predictor p = ScoringFunctions.predictor(spark, name);
    Dataset<Row> scored = p.score(input, ScoreOptions.of(List.of(input.columns())).keepingRejected()).rows();
    return ((org.apache.spark.sql.classic.Dataset<Row>) scored).logicalPlan();
  }
}
