package io.nightshift.config;

/** The closed sets of values some keys take. Spelled in job files in lower case with '-'. */
public final class Enums {
  private Enums() {}

  /** input.format */
  public enum InputFormat {
    PARQUET, CSV, JSON,
    /** Image files under input.path (a folder or a glob): one row per file, see docs/images.md. */
    IMAGE
  }

  /** model.device */
  public enum Device {
    /** CUDA where Spark assigned the task a GPU, CPU otherwise (one WARN per executor). */
    AUTO,
    /** Never tries CUDA. */
    CPU,
    /** CUDA or fail. */
    CUDA
  }

  /** model.multiple-gpus */
  public enum MultipleGpus {
    /** A task with several GPU addresses fails: one session serves one device. */
    FAIL,
    /** Use the first address. */
    FIRST
  }

  /** model.cuda.arena-strategy */
  public enum ArenaStrategy { NEXT_POWER_OF_TWO, SAME_AS_REQUESTED }

  /** model.cuda.conv-algo-search */
  public enum ConvAlgoSearch { EXHAUSTIVE, HEURISTIC, DEFAULT }

  /** inference.outputs.name.post */
  public enum PostStep {
    NONE, SOFTMAX, ARGMAX, TOP_K,
    /** Mean of the token vectors under the attention mask (text models, [batch, tokens, hidden]). */
    MEAN,
    /** The first token's vector ([CLS]). */
    CLS,
    /**
     * Greedy CTC over a [batch, steps, classes] output with a dictionary: a string column and a
     * {@code <column>_confidence} column (the mean probability of the characters kept).
     */
    CTC;

    /** Whether this step pools a [batch, tokens, hidden] output into one vector per row. */
    public boolean pools() {
      return this == MEAN || this == CLS;
    }
  }

  /** inference.outputs.name.normalize */
  public enum Normalize { NONE, L2 }

  /** inference.text.empty */
  public enum EmptyTextPolicy {
    /** The row goes to the rejected rows with reason empty_text. */
    REJECT,
    /** The row is written with null results and the reason in the reason column. */
    NULL
  }

  /** inference.non-finite */
  public enum NonFinitePolicy { REJECT, PASS }

  /** output.format */
  public enum OutputFormat {
    /** Parquet files in a folder partitioned like output.partition-by. */
    PARQUET,
    /** An Iceberg table (output.table), one commit per night replacing dt = run.date. */
    ICEBERG,
    /** Spark's noop sink: runs everything, writes no rows (benchmarks). */
    NOOP
  }

  /** output.mode */
  public enum WriteMode {
    /** Replace only the partitions this run writes (the whole output when unpartitioned). */
    OVERWRITE,
    /** Add files next to what is there. */
    APPEND,
    /** Fail when the output path already holds data. */
    ERROR_IF_EXISTS
  }

  /** model.precision */
  public enum ModelPrecision {
    /** The model as it is. */
    FP32,
    /** Weight-only int8 (large MatMul/Gemm/Gather weights), activations stay float32. */
    INT8,
    /**
     * MatMul/Gemm weights int8 on ONNX Runtime's integer kernels, activations quantized per call
     * (shared ones) or per row; scored one row per call so a row's result does not depend on its
     * neighbours.
     */
    INT8_DYNAMIC,
    /** Float initializers stored as float16, cast back to float32 in the graph. */
    FP16
  }

  /** model.distribution */
  public enum Distribution {
    /** broadcast up to model.max-broadcast-size (and without external data), files above. */
    AUTO,
    /** One zstd-compressed broadcast, decompressed into memory on each executor. */
    BROADCAST,
    /** Files fetched once per executor into a local cache keyed by sha256, loaded from a path. */
    FILES
  }

  /** inference.partitioning */
  public enum Partitioning {
    /** Partitions planned from the task slots and a per-row cost (see PartitionPlan). */
    AUTO,
    /** The input's splits as Spark makes them. */
    INPUT
  }
}
