package io.nightshift.job.commit;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobProperties;
import io.nightshift.job.Redact;
import io.nightshift.model.ModelCache;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NightCommit} of {@code output.format: iceberg}. The night is staged as Parquet under
 * {@code <output.path>/_nightshift/staging/<run.id>/} ({@code data}, {@code rejected}), outside
 * both tables, and committed by {@link IcebergNight#commit}: one Iceberg commit replacing {@code
 * dt = run.date} in the results table, then one in the quarantine table. There is no lock: two
 * runs of one night both stage, and Iceberg's optimistic commit, validated against the snapshot
 * each saw before launch, lets the first win and fails the other with exit 4.
 *
 * <p>Use as any {@link NightCommit}, after handing over the tables checked before launch with
 * {@link #checked(IcebergNight)}. Not thread-safe: one per run, on the driver.
 */
public final class IcebergCommit implements NightCommit {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergCommit.class);

  private final SparkSession spark;
  private final JobConfig config;
  private final Configuration conf;
  private final Path root;
  private final FileSystem fs;
  private IcebergNight night;
  private IcebergNight.Nights nights;
  private double commitSeconds;
  private boolean begun;
  private boolean committed;
  private boolean retained;

  IcebergCommit(SparkSession spark, JobConfig config, Configuration conf) {
    this.spark = spark;
    this.config = config;
    this.conf = conf;
    this.root = new Path(config.output().path());
    this.fs = ParquetCommit.fs(root, conf);
  }

  /** The two tables as checked before launch ({@link IcebergNight#begin}); needed before {@link #begin()}. */
  public void checked(IcebergNight checked) {
    this.night = checked;
  }

  /** Bounds earlier runs' leftovers and clears this run id's staging; takes no lock. */
  @Override
  public void begin() {
    if (night == null) {
      throw new IllegalStateException("begin before the Iceberg tables were checked (IcebergCommit.checked)");
    }
    begun = true;
    var rule = config.output().cleanup();
    var youngest = config.output().lockTimeout();
    Leftovers.staging(fs, root, config.run().id(), rule, youngest);
    java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    Leftovers.local(tmp, ModelCache.SHIP_PREFIX, "", rule, youngest);
    Leftovers.local(ModelCache.root(config.model().cacheDir()), "", "", rule, youngest);
    try {
      fs.delete(stagingDir(), true);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot clear the staging of run %s: %s", config.run().id(), Redact.message(e));
    }
  }

  @Override
  public StagedNight staging() {
    return new StagedNight(
        new Path(stagingDir(), "data").toString(),
        new Path(stagingDir(), "rejected").toString(),
        new Path(stagingDir(), "rejected-json").toString());
  }

  private Path stagingDir() {
    return new Path(root, "_nightshift/staging/" + config.run().id());
  }

  /**
   * Commits the staged results, then the staged quarantine (an empty night where nothing was
   * staged). Exit 4 when another run committed the night since this run's check.
   */
  @Override
  public Committed commit(StagedNight staged) {
    if (!begun) {
      throw new IllegalStateException("commit before begin");
    }
    TestHooks.at("staged");
    Dataset<Row> rows = read(staged.data(), night.dataSchema());
    Dataset<Row> rejected = read(staged.rejected(), night.rejectedSchema());
    long t0 = System.nanoTime();
    nights = night.commit(rows, rejected);
    commitSeconds = (System.nanoTime() - t0) / 1e9;
    committed = true;
    LOG.info("Iceberg: night {} committed to {} (snapshot {}, {} rows) and {} (snapshot {}, {} rows) in {} s",
        night.date(), nights.data().table(), nights.data().snapshotId(), nights.data().added(),
        nights.rejected().table(), nights.rejected().snapshotId(), nights.rejected().added(),
        String.format("%.2f", commitSeconds));
    String partition = JobProperties.DATE_PARTITION + "=" + night.date();
    return new Committed(List.of(partition), List.of(partition));
  }

  /** The staged Parquet under {@code dir}, or no rows of {@code schema} when none was staged. */
  private Dataset<Row> read(String dir, StructType schema) {
    Path p = new Path(dir);
    try {
      if (fs.exists(p)) {
        for (FileStatus s : fs.listStatus(p)) {
          if (s.isFile() && s.getPath().getName().endsWith(".parquet")) {
            return spark.read().parquet(dir);
          }
        }
      }
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot list the staged night %s: %s", dir, Redact.message(e));
    }
    return spark.createDataFrame(List.of(), schema);
  }

  /** Both commits, after {@link #commit}; null before. */
  public IcebergNight.Nights nights() {
    return nights;
  }

  /** Wall time of the two commits (staged → committed), seconds. */
  public double commitSeconds() {
    return commitSeconds;
  }

  @Override
  public void retainStaged() {
    retained = true;
  }

  /** Deletes this run's staging unless a failed check retained it; never throws for that. */
  @Override
  public void close() {
    if (!begun) {
      return;
    }
    try {
      fs.delete(new Path(staging().scratch()), true);
      if (committed || !retained) {
        fs.delete(stagingDir(), true);
      }
      if (committed) {
        StagingCleaner.dropSuperseded(new Path(root, "_nightshift").toString(), List.of(root.toString()),
            config.run(), conf);
      }
    } catch (IOException e) {
      LOG.warn("Cannot clean the staging of run {}: {}", config.run().id(), Redact.message(e));
    }
  }
}
