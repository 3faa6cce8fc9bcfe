package io.nightshift.job.commit;

import io.nightshift.config.Enums.OutputFormat;
import io.nightshift.config.JobConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** The {@link NightCommit} of a job's output format, and the {@code recover} command. */
public final class NightCommits {
  private NightCommits() {}

  /**
   * The commit protocol for {@code config}'s output (paths qualified): Parquet folders; the noop
   * format (benchmarks) writes no results but commits its quarantine the same way; Iceberg tables
   * ({@link IcebergCommit}, through the active SparkSession's catalogs).
   */
  public static NightCommit of(JobConfig config, Configuration conf) {
    if (config.output().format() == OutputFormat.ICEBERG) {
      return new IcebergCommit(SparkSession.active(), config, conf);
    }
    return new ParquetCommit(config, conf);
  }

  /**
   * Hands the catalog tables checked before launch ({@link CatalogTables#check}) to a Parquet
   * commit, which creates them under its lock and registers each night after its publish.
   */
  public static void withTables(NightCommit commit, CatalogTables tables) {
    if (tables != null && commit instanceof ParquetCommit parquet) {
      parquet.tables(tables);
    }
  }

  /** Whether the table folder {@code path} holds any data (anything not hidden). */
  public static boolean holdsData(String path, Configuration conf) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    return new Publisher(ParquetCommit.fs(p, conf)).holdsData(p);
  }

  /**
   * {@code nightshift recover}: takes the table's lock (exit 4 while a live run holds it), finishes
   * or rolls back an interrupted publish, registers the folders the catalog tables lack (output.table
   * with parquet; needs an active SparkSession), releases the lock. Returns one line saying what was done.
   */
  public static String recover(JobConfig config, Configuration conf) {
    if (config.output().format() == OutputFormat.ICEBERG) {
      return "nothing to recover: an Iceberg night is one atomic commit per table (a rerun repairs a crash"
          + " between the results' and the quarantine's)";
    }
    ParquetCommit commit = new ParquetCommit(config, conf);
    commit.lockOnly();
    try {
      String what = commit.recover();
      if (!config.output().table().isEmpty()) {
        // A run that died after its publish but before registering: the folders the catalog lacks.
        what += "; " + CatalogTables.forRecover(SparkSession.active(), config).recoverPartitions();
      }
      return what;
    } finally {
      commit.releaseOnly();
    }
  }
}
