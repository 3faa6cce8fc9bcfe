package io.nightshift.ml;

import io.nightshift.NightshiftException;
import io.nightshift.config.JobConfig;
import io.nightshift.config.JobConfigParser;
import java.util.List;

/**
 * Turns a stage's {@code model.*} and {@code inference.*} settings ({@code key=value}, exactly as
 * {@code --set} takes them) into the typed config, through the job's own parser: the same keys,
 * defaults and error messages (naming the key and the value) as a job file.
 */
final class ScorerSettings {
  /**
   * The job parser needs an input and an output; a stage has neither (its input is the Dataset it
   * is given, its output the Dataset it returns), so these placeholders are never read.
   */
  private static final String UNUSED_SECTIONS = "input:\n  path: unused\noutput:\n  path: unused\n";

  private ScorerSettings() {}

  /**
   * Parses {@code settings}; a key outside {@code model.*}/{@code inference.*}, an unknown key or
   * a bad value fails (exit code 2) naming it.
   */
  static JobConfig parse(List<String> settings, String source) {
    for (String s : settings) {
      int eq = s.indexOf('=');
      String key = eq < 0 ? s : s.substring(0, eq).trim();
      if (eq <= 0) {
        throw NightshiftException.invalid("%s: setting '%s' is not key=value", source, s);
      }
      if (!key.startsWith("model.") && !key.startsWith("inference.")) {
        throw NightshiftException.invalid(
            "%s: key '%s' (value '%s') is not a model.* or inference.* key; a stage reads a Dataset and returns one",
            source, key, s.substring(eq + 1).trim());
      }
    }
    return JobConfigParser.parse(UNUSED_SECTIONS, source, settings);
  }
}
