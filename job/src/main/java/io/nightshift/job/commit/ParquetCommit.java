package io.nightshift.job.commit;

import io.nightshift.ExitCode;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.OutputFormat;
import io.nightshift.config.Enums.WriteMode;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobProperties;
import io.nightshift.job.Redact;
import io.nightshift.job.commit.Journal.Entry;
import io.nightshift.job.commit.Journal.Step;
import io.nightshift.job.commit.Journal.Target;
import io.nightshift.model.ModelCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit of plain Parquet folders. A night is the folder {@code dt=<run.date>} of the table and
 * of its quarantine (with {@code dt} among the partition columns), or the whole table's data
 * (without). The publish never deletes first:
 *
 * <ol>
 *   <li>the run stages its night under {@code <root>/_nightshift/staging/<run.id>/data} of each
 *       table folder (results, quarantine);
 *   <li>the journal is written ({@link Journal}), listing the staged files;
 *   <li>per folder (results first, then the quarantine): overwrite moves the live night aside to
 *       {@code .../staging/<run.id>/old}, then moves the staged night in (one folder rename each);
 *       append and error-if-exists move the staged files in one by one;
 *   <li>the old nights, the staging and the journal are deleted.
 * </ol>
 *
 * <p>The next run, or {@code nightshift recover}, reads the journal first: when every staged file
 * is still there or already in place, or a folder's move-in has begun, it rolls forward; otherwise
 * it moves the old nights back. Either way the table holds exactly the old night or exactly the
 * new one. One writer per table is ensured by {@link TableLock}. Not thread-safe.
 */
final class ParquetCommit implements NightCommit {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetCommit.class);
  static final String NOTHING_TO_RECOVER = "no interrupted publish";

  private final JobConfig config;
  private final Configuration conf;
  private final Path output;
  private final Path rejected;
  private final Publisher data;
  private final Publisher quarantine;
  private final Journal journal;
  private final boolean writesData;
  private final String night;
  private TableLock lock;
  /** The catalog tables over the output (output.table), checked before launch; null without. */
  private CatalogTables tables;
  private boolean committed;
  private boolean journaled;
  private boolean retained;

  ParquetCommit(JobConfig config, Configuration conf) {
    this.config = config;
    this.conf = conf;
    this.output = new Path(config.output().path());
    this.rejected = new Path(config.output().rejectedPath());
    this.data = new Publisher(fs(output, conf));
    this.quarantine = new Publisher(fs(rejected, conf));
    this.journal = new Journal(data.fs(), new Path(output, "_nightshift/journal"));
    this.writesData = config.output().format() == OutputFormat.PARQUET;
    this.night = config.output().partitionBy().contains(JobProperties.DATE_PARTITION)
        ? JobProperties.DATE_PARTITION + "=" + config.run().date()
        : "";
  }

  static FileSystem fs(Path p, Configuration conf) {
    try {
      return p.getFileSystem(conf);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot reach %s: %s", p, Redact.message(e));
    }
  }

  @Override
  public void begin() {
    lock = TableLock.acquire(data.fs(), new Path(output, "_nightshift/lock"), config.run().id(),
        config.output().lockTimeout());
    String recovered = recover();
    if (tables != null) {
      tables.create();
      if (!recovered.equals(NOTHING_TO_RECOVER)) {
        tables.recoverPartitions(); // the finished publish may have been another night's
      }
    }
    if (writesData && config.output().mode() == WriteMode.ERROR_IF_EXISTS && data.holdsData(output)) {
      throw NightshiftException.invalid("output.mode is error-if-exists and %s already holds data", output);
    }
    var rule = config.output().cleanup();
    var youngest = config.output().lockTimeout();
    Leftovers.staging(data.fs(), output, config.run().id(), rule, youngest);
    if (!rejected.equals(output)) {
      Leftovers.staging(quarantine.fs(), rejected, config.run().id(), rule, youngest);
    }
    java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    Leftovers.local(tmp, ModelCache.SHIP_PREFIX, "", rule, youngest);
    Leftovers.local(ModelCache.root(config.model().cacheDir()), "", "", rule, youngest);
    // A rerun under the same run.id starts from clean staging.
    try {
      data.delete(stagingOf(output));
      quarantine.delete(stagingOf(rejected));
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot clear the staging of run %s: %s", config.run().id(), Redact.message(e));
    }
  }

  /** The catalog tables checked before launch ({@link CatalogTables#check}); needed before {@link #begin()}. */
  void tables(CatalogTables checked) {
    this.tables = checked;
  }

  /** For {@code recover}: the lock alone, without the checks and cleanup of a run. */
  void lockOnly() {
    lock = TableLock.acquire(data.fs(), new Path(output, "_nightshift/lock"), config.run().id(),
        config.output().lockTimeout());
  }

  void releaseOnly() {
    if (lock != null) {
      lock.release();
    }
  }

  /**
   * Finishes (rolls forward) or undoes an interrupted publish recorded in the journal; does
   * nothing when there is none. Returns what was done, for the log and {@code recover}.
   */
  String recover() {
    Entry entry = journal.read();
    if (entry == null) {
      return NOTHING_TO_RECOVER;
    }
    try {
      boolean forward = entry.targets().stream().anyMatch(t -> t.step().compareTo(Step.IN) >= 0);
      if (!forward) {
        forward = true;
        for (Target t : entry.targets()) {
          forward &= complete(t);
        }
      }
      String what;
      if (forward) {
        publish(entry);
        what = "rolled forward the interrupted publish of run " + entry.runId() + ": its night is in place";
      } else {
        rollBack(entry);
        what = "rolled back the interrupted publish of run " + entry.runId()
            + ": its staging is incomplete, the earlier night is back in place";
      }
      LOG.warn("Recovery: {}", what);
      return what;
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot recover the interrupted publish of run %s in %s: %s",
          entry.runId(), output, Redact.message(e));
    }
  }

  @Override
  public StagedNight staging() {
    return new StagedNight(
        new Path(stagingOf(output), "data").toString(),
        new Path(stagingOf(rejected), "data").toString(),
        new Path(stagingOf(output), "rejected-json").toString());
  }

  private Path stagingOf(Path root) {
    return new Path(root, "_nightshift/staging/" + config.run().id());
  }

  @Override
  public Committed commit(StagedNight staged) {
    if (lock == null) {
      throw new IllegalStateException("commit before begin: the table's lock is not held");
    }
    WriteMode mode = config.output().mode();
    try {
      data.delete(new Path(staged.scratch()));
      if (writesData && mode == WriteMode.ERROR_IF_EXISTS && data.hasData(output)) {
        throw new NightshiftException(ExitCode.CONFLICT,
            "output.mode is error-if-exists and %s holds data written since this run began; nothing published",
            output);
      }
      List<Target> targets = new ArrayList<>();
      List<String> partitions = List.of();
      int depth = config.output().partitionBy().size();
      if (writesData) {
        Path from = new Path(staged.data());
        partitions = data.leaves(from, depth);
        targets.add(target("results", data, output, from));
      }
      Path fromRejected = new Path(staged.rejected());
      List<String> rejectedPartitions = quarantine.leaves(fromRejected, quarantineDepth());
      targets.add(target("quarantine", quarantine, rejected, fromRejected));
      Entry entry = new Entry(config.run().id(), mode.name().toLowerCase(), List.copyOf(targets));
      journal.write(entry);
      journaled = true;
      TestHooks.at("staged");
      publish(entry);
      committed = true;
      register();
      return new Committed(partitions, rejectedPartitions);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot publish run %s into %s: %s (the next run or `nightshift"
          + " recover` finishes it)", config.run().id(), output, Redact.message(e));
    }
  }

  /**
   * After the publish: the night's partitions into the catalog tables. The night is already
   * visible by path, so a failure here says so, and how it is repaired: a rerun of the night
   * registers it again (registering names folders, it never copies rows), as does {@code recover}.
   */
  private void register() {
    if (tables == null) {
      return;
    }
    try {
      TestHooks.at("registering");
      tables.register();
    } catch (RuntimeException e) {
      throw new NightshiftException(e, "run %s published its night in %s but could not register it in table %s: %s"
          + " (rerun the night, or `nightshift recover`, to register it)", config.run().id(), output, tables.names(),
          Redact.message(e));
    }
  }

  /**
   * The quarantine is partitioned by the output's partition columns that it holds: dt and the
   * pass-through ones (result columns are not in it).
   */
  private int quarantineDepth() {
    int depth = 0;
    for (String p : config.output().partitionBy()) {
      if (p.equals(JobProperties.DATE_PARTITION) || config.output().passThrough().contains(p)) {
        depth++;
      }
    }
    return depth;
  }

  private Target target(String name, Publisher pub, Path root, Path stagedRoot) throws IOException {
    Path live = night.isEmpty() ? root : new Path(root, night);
    Path stagedNight = night.isEmpty() ? stagedRoot : new Path(stagedRoot, night);
    boolean hadOld = night.isEmpty() ? pub.hasData(root) : pub.exists(live);
    return new Target(name, root.toString(), night, stagedNight.toString(),
        new Path(stagingOf(root), "old").toString(), hadOld, pub.files(stagedNight), Step.PENDING);
  }

  /** Runs (or resumes) every target's steps, then deletes the old nights, the staging, the journal. */
  private void publish(Entry entry) throws IOException {
    boolean overwrite = entry.mode().equals(WriteMode.OVERWRITE.name().toLowerCase());
    for (int i = 0; i < entry.targets().size(); i++) {
      Target t = entry.targets().get(i);
      Publisher pub = publisherOf(t);
      Path root = new Path(t.root());
      Path live = t.night().isEmpty() ? root : new Path(root, t.night());
      Path staged = new Path(t.staged());
      Path aside = new Path(t.aside());
      if (t.step().compareTo(Step.IN) < 0) {
        if (overwrite && t.hadOld()) {
          t = t.at(Step.ASIDE);
          journal.write(entry = entry.with(i, t));
          if (t.night().isEmpty()) {
            pub.moveChildren(root, aside);
          } else {
            pub.moveAll(live, aside);
          }
          TestHooks.at("aside");
        }
        t = t.at(Step.IN);
        journal.write(entry = entry.with(i, t));
      }
      if (t.step() == Step.IN) {
        if (!overwrite) {
          for (String f : t.files()) {
            pub.moveAll(new Path(staged, f), new Path(live, f));
          }
        } else if (t.night().isEmpty()) {
          pub.moveChildren(staged, root);
        } else {
          pub.moveAll(staged, live);
        }
        t = t.at(Step.DONE);
        journal.write(entry = entry.with(i, t));
        if (i + 1 < entry.targets().size()) {
          TestHooks.at("moving-in");
        }
      }
    }
    TestHooks.at("cleanup");
    for (Target t : entry.targets()) {
      Publisher pub = publisherOf(t);
      pub.delete(new Path(t.aside()));
      pub.delete(new Path(t.aside()).getParent());
    }
    journal.clear();
  }

  /** Puts the old nights back and drops the staged ones: no target's move-in had begun. */
  private void rollBack(Entry entry) throws IOException {
    for (Target t : entry.targets()) {
      Publisher pub = publisherOf(t);
      Path root = new Path(t.root());
      Path aside = new Path(t.aside());
      if (t.hadOld() && t.step() == Step.ASIDE) {
        if (t.night().isEmpty()) {
          pub.moveChildren(aside, root);
        } else {
          pub.moveAll(aside, new Path(root, t.night()));
        }
      }
      pub.delete(aside.getParent());
    }
    journal.clear();
  }

  /** Whether every file of the staged night is still staged or already in the live night. */
  private boolean complete(Target t) throws IOException {
    Publisher pub = publisherOf(t);
    Path live = t.night().isEmpty() ? new Path(t.root()) : new Path(t.root(), t.night());
    for (String f : t.files()) {
      if (!pub.exists(new Path(t.staged(), f)) && !pub.exists(new Path(live, f))) {
        LOG.warn("Recovery: staged file {} of run's {} night is gone", f, t.name());
        return false;
      }
    }
    return true;
  }

  private Publisher publisherOf(Target t) {
    return new Publisher(fs(new Path(t.root()), conf));
  }

  @Override
  public void retainStaged() {
    retained = true;
  }

  @Override
  public void close() {
    if (lock == null) {
      return; // never held the table: nothing here is this run's to clean
    }
    try {
      if (!committed) {
        data.delete(new Path(staging().scratch()));
        // Once journaled, the staging belongs to the journal: the next run or recover finishes it.
        if (!retained && !journaled) {
          data.delete(stagingOf(output));
          quarantine.delete(stagingOf(rejected));
        }
      } else {
        data.delete(stagingOf(output));
        quarantine.delete(stagingOf(rejected));
        StagingCleaner.dropSuperseded(new Path(output, "_nightshift").toString(),
            List.of(output.toString(), rejected.toString()), config.run(), conf);
      }
    } catch (IOException e) {
      LOG.warn("Cannot clean the staging of run {}: {}", config.run().id(), Redact.message(e));
    } finally {
      lock.release();
    }
  }
}
