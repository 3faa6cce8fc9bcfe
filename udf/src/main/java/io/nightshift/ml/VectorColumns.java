package io.nightshift.ml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML {@code Vector} columns (what {@code VectorAssembler} makes) as the array columns the
 * binder takes: each mapped vector column is read as {@code array<double>} under its own name
 * (dense and sparse alike, through Spark's {@code vector_to_array}), while the vector itself is
 * carried under a hidden name and given its name back after scoring. The values stay doubles, so a
 * feature reaches the model exactly as the same value in a double column would.
 */
final class VectorColumns {
  private static final String HIDDEN = "__nightshift_vector_";

  private final StructType input;
  private final List<String> vectors;

  private VectorColumns(StructType input, List<String> vectors) {
    this.input = input;
    this.vectors = vectors;
  }

  /** The mapped columns of {@code input} that hold vectors. */
  static VectorColumns of(StructType input, Collection<String> mapped) {
    List<String> vectors = new ArrayList<>();
    for (StructField f : input.fields()) {
      if (mapped.contains(f.name()) && f.dataType().equals(SQLDataTypes.VectorType())) {
        vectors.add(f.name());
      }
    }
    return new VectorColumns(input, List.copyOf(vectors));
  }

  /** The input's columns as the result keeps them (vector columns under their hidden names). */
  List<String> passThrough() {
    List<String> names = new ArrayList<>();
    for (StructField f : input.fields()) {
      names.add(vectors.contains(f.name()) ? HIDDEN + f.name() : f.name());
    }
    return names;
  }

  /** The schema {@link #arrays} gives. */
  StructType arraySchema() {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : input.fields()) {
      fields.add(vectors.contains(f.name()) ? f.copy(HIDDEN + f.name(), f.dataType(), f.nullable(), f.metadata()) : f);
    }
    for (String v : vectors) {
      StructField f = input.apply(v);
      fields.add(new StructField(v, DataTypes.createArrayType(DataTypes.DoubleType, false), f.nullable(), f.metadata()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The input with each vector column hidden and its values added as an array under its name. */
  Dataset<Row> arrays(Dataset<Row> df) {
    if (vectors.isEmpty()) {
      return df;
    }
    List<Column> cols = new ArrayList<>();
    for (StructField f : input.fields()) {
      Column c = functions.col(quoted(f.name()));
      cols.add(vectors.contains(f.name()) ? c.as(HIDDEN + f.name()) : c);
    }
    for (String v : vectors) {
      cols.add(org.apache.spark.ml.functions.vector_to_array(functions.col(quoted(v)), "float64").as(v));
    }
    return df.select(cols.toArray(Column[]::new));
  }

  /** A result schema with each hidden vector column named back. */
  StructType restore(StructType result) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : result.fields()) {
      String name = f.name();
      fields.add(name.startsWith(HIDDEN) && vectors.contains(name.substring(HIDDEN.length()))
          ? input.apply(name.substring(HIDDEN.length()))
          : f);
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** A result with each hidden vector column named back. */
  Dataset<Row> restore(Dataset<Row> result) {
    Dataset<Row> out = result;
    for (String v : vectors) {
      out = out.withColumnRenamed(HIDDEN + v, v);
    }
    return out;
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
