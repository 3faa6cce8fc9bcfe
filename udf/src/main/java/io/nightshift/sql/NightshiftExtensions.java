package io.nightshift.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Spark session extensions ({@code spark.sql.extensions=io.nightshift.sql.NightshiftExtensions})
 * adding the batched table function {@code nightshift_score(name, TABLE(t))}. Function names are
 * found in {@value Functions#FUNCTIONS_CONF} ({@code name=job-file,...}) on first use, or among
 * those registered with {@link Functions#register}.
 */
public final class NightshiftExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    Function1<Seq<Expression>, LogicalPlan> builder = new AbstractFunction1<>() {
      @Override
      public LogicalPlan apply(Seq<Expression> arguments) {
        return ScoreTable.build(arguments);
      }
    };
    extensions.injectTableFunction(new Tuple3<>(
        FunctionIdentifier$.MODULE$.apply(ScoreTable.NAME),
        new ExpressionInfo(ScoreTable.class.getName(), ScoreTable.NAME),
        builder));
    return BoxedUnit.UNIT;
  }
}
