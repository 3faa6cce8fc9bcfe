package io.nightshift.sql;

import io.nightshift.NightshiftException;
import io.nightshift.spark.RowFunction;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.api.java.UDF7;
import org.apache.spark.sql.api.java.UDF8;
import org.apache.spark.sql.api.java.UDF9;
import org.apache.spark.sql.api.java.UDF10;
import org.apache.spark.sql.api.java.UDF11;
import org.apache.spark.sql.types.DataType;

/**
 * The row-at-a-time SQL function {@code nightshift_predict(name, feature, ...)}: Spark's public
 * API for a scalar function over columns (a Java UDF) calls it once per row, so each call scores a
 * batch of one through {@link RowFunction}. Its arguments are the function's name (a string) and
 * the job's mapped columns, in the order of its {@code inference.inputs.*.columns}; it returns the
 * result column's value (a struct when the job makes several), or null for a rejected row.
 *
 * <p>One UDF serves every registered name; all must take the same number of columns and return
 * the same type (Spark registers a UDF with one arity). Immutable once built; serializable.
 */
final class PredictUdf implements UDF2<Object, Object, Object>, UDF3<Object, Object, Object, Object>, UDF4<Object, Object, Object, Object, Object>, UDF5<Object, Object, Object, Object, Object, Object>, UDF6<Object, Object, Object, Object, Object, Object, Object>, UDF7<Object, Object, Object, Object, Object, Object, Object, Object>, UDF8<Object, Object, Object, Object, Object, Object, Object, Object, Object>, UDF9<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>, UDF10<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>, UDF11<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object> {
  static final String NAME = "nightshift_predict";
  private static final long serialVersionUID = 1L;

  private final Map<String, RowFunction> functions;

  private PredictUdf(Map<String, RowFunction> functions) {
    this.functions = functions;
  }

  /** (Re)registers {@code nightshift_predict} on {@code spark} for every function in {@code all}. */
  static void register(SparkSession spark, Map<String, RowFunction> all) {
    RowFunction first = all.values().iterator().next();
    int columns = first.features().length();
    DataType type = first.resultType();
    for (Map.Entry<String, RowFunction> e : all.entrySet()) {
      RowFunction f = e.getValue();
      if (f.features().length() != columns || !f.resultType().equals(type)) {
        throw NightshiftException.invalid(
            "%s: '%s' takes %d columns and returns %s, another registered function %d columns and %s; "
                + "one SQL UDF has one arity and type: use nightshift_score for it, or register it in another session",
            NAME, e.getKey(), f.features().length(), f.resultType().simpleString(), columns, type.simpleString());
      }
    }
    if (columns < 1 || columns > 10) {
      throw NightshiftException.invalid("%s: takes 1 to 10 feature columns, the job maps %d", NAME, columns);
    }
    PredictUdf udf = new PredictUdf(new LinkedHashMap<>(all));
    switch (columns + 1) {
      case 2 -> spark.udf().register(NAME, (UDF2<Object, Object, Object>) udf, type);
      case 3 -> spark.udf().register(NAME, (UDF3<Object, Object, Object, Object>) udf, type);
      case 4 -> spark.udf().register(NAME, (UDF4<Object, Object, Object, Object, Object>) udf, type);
      case 5 -> spark.udf().register(NAME, (UDF5<Object, Object, Object, Object, Object, Object>) udf, type);
      case 6 -> spark.udf().register(NAME, (UDF6<Object, Object, Object, Object, Object, Object, Object>) udf, type);
      case 7 -> spark.udf().register(NAME, (UDF7<Object, Object, Object, Object, Object, Object, Object, Object>) udf, type);
      case 8 -> spark.udf().register(NAME, (UDF8<Object, Object, Object, Object, Object, Object, Object, Object, Object>) udf, type);
      case 9 -> spark.udf().register(NAME, (UDF9<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) udf, type);
      case 10 -> spark.udf().register(NAME, (UDF10<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) udf, type);
      case 11 -> spark.udf().register(NAME, (UDF11<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) udf, type);
      default -> throw new IllegalStateException("arity " + columns);
    }
  }

  private Object score(Object name, Object... features) {
    RowFunction f = functions.get(String.valueOf(name));
    if (f == null) {
      throw NightshiftException.invalid(
          "%s('%s', ...): no such function; registered: %s", NAME, name, functions.keySet());
    }
    return f.apply(features);
  }

  @Override
  public Object call(Object name, Object f1) {
    return score(name, f1);
  }

  @Override
  public Object call(Object name, Object f1, Object f2) {
    return score(name, f1, f2);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3) {
    return score(name, f1, f2, f3);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3, Object f4) {
    return score(name, f1, f2, f3, f4);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3, Object f4, Object f5) {
    return score(name, f1, f2, f3, f4, f5);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3, Object f4, Object f5, Object f6) {
    return score(name, f1, f2, f3, f4, f5, f6);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3, Object f4, Object f5, Object f6, Object f7) {
    return score(name, f1, f2, f3, f4, f5, f6, f7);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3, Object f4, Object f5, Object f6, Object f7, Object f8) {
    return score(name, f1, f2, f3, f4, f5, f6, f7, f8);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3, Object f4, Object f5, Object f6, Object f7, Object f8, Object f9) {
    return score(name, f1, f2, f3, f4, f5, f6, f7, f8, f9);
  }

  @Override
  public Object call(Object name, Object f1, Object f2, Object f3, Object f4, Object f5, Object f6, Object f7, Object f8, Object f9, Object f10) {
    return score(name, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10);
  }
}
