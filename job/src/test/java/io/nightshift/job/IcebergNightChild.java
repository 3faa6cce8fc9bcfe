package io.nightshift.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nightshift.NightshiftException;
import io.nightshift.job.commit.IcebergNight;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A driver of its own for {@link IcebergS3Test}: begins a night of {@code table} (the night's rows
 * with {@code predicted_species} set to the run id), stages it as Parquet, prints {@code staged N},
 * then waits for one line on stdin: {@code commit} commits it, anything else ends without. The
 * test kills it while it waits, or lets two of them race. Exits with the run's exit code. Its
 * Spark, S3A and catalog settings come as {@code -Dspark.*} properties, S3 keys from the
 * environment.
 */
public final class IcebergNightChild {
  private IcebergNightChild() {}

  public static void main(String[] args) throws Exception {
    String table = args[0];
    String staging = args[1];
    String date = args[2];
    String runId = args[3];
    SparkSession spark = SparkSession.builder().master("local[1]").appName("iceberg-child " + runId).getOrCreate();
    int code = 0;
    try {
      Dataset<Row> night = spark.table(table).where(col("dt").equalTo(date))
          .withColumn("predicted_species", lit(runId));
      Dataset<Row> rejected = spark.table(table + "_rejected");
      IcebergNight n = IcebergNight.begin(spark, "output.table", table, "output.rejected-table",
          table + "_rejected", date, runId, night.schema(), rejected.schema());
      night.write().mode("overwrite").parquet(staging);
      System.out.println("staged " + spark.read().parquet(staging).count());
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if ("commit".equals(line)) {
        n.commit(spark.read().parquet(staging), rejected.limit(0));
        System.out.println("committed");
      } else {
        code = 1;
      }
    } catch (NightshiftException e) {
      System.out.println("failed " + e.exitCode().code() + ": " + e.getMessage());
      code = e.exitCode().code();
    } finally {
      spark.stop();
    }
    System.exit(code);
  }
}
