package io.nightshift.spark;

import io.nightshift.batch.FeatureInput;
import io.nightshift.result.ResultOutput;

import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.config.JobConfig.ModelSpec;
import io.nightshift.model.ShippedModel;
import io.nightshift.config.JobConfig.TextSpec;
import io.nightshift.model.ModelPayload;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Everything a task needs, bound on the driver: the model (as shipped, and its checksum),
 * how columns feed inputs, how outputs become columns, and where rejected rows are staged. Holds
 * only serializable specs; sessions and Arrow memory are built on the executor.
 *
 * @param rejectDir where tasks stage rejected rows, or null to fail a task on its first rejection
 * @param tokenizer the tokenizer.json (verified like the model), null for tabular models
 * @param text how text feeds the model, null for tabular models
 * @param image how images feed the model, null unless the job reads images
 * @param fixedBatch the batch size the model fixes in its inputs' first dimension, 0 when dynamic
 * @param timeZone the session time zone, for the timestamps of rejected rows' {@code input_json}
 * @param rejected whether rejected rows are staged (or fail the task), kept in the result, or dropped
 */
record ScoringPlan(
    String modelName,
    String modelSha256,
    ShippedModel shipped,
    ModelSpec model,
    int threads,
    int batchSize,
    int gpuBatchSize,
    NonFinitePolicy nonFinite,
    List<FeatureInput> inputs,
    List<ResultOutput> outputs,
    StructType inputSchema,
    int[] passThrough,
    StructType outputSchema,
    String rejectDir,
    Broadcast<HadoopConf> hadoopConf,
    CollectionAccumulator<TaskReport> reports,
    Broadcast<ModelPayload> tokenizer,
    String tokenizerName,
    TextSpec text,
    io.nightshift.config.JobConfig.ImageSpec image,
    int fixedBatch,
    String timeZone,
    ScoreOptions.RejectedRows rejected)
    implements Serializable {}
