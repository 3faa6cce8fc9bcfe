package io.nightshift.bench;

/**
 * A number measured in a run that is not a rate: a share, a cosine, a yes/no (1 or 0). The goals
 * of the planned partitions (idle share, identical outputs) and of int8-dynamic (cosine to fp32,
 * bit-identical rows across batch sizes) are read from these by {@link Verdicts}; NaN means "not
 * measured in this run".
 *
 * @param model the model (or sample) label, as in {@link Result#model()}
 * @param name what was measured, one of the names in {@link Verdicts}
 * @param value the figure
 * @param note how it was measured
 */
record Figure(String model, String name, double value, String note) {}
