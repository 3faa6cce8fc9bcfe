package io.nightshift.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;

import io.nightshift.samples.Samples;
import io.nightshift.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The MiniLM cases' input: the paragraphs of the SpamAssassin mail corpus ({@link Samples#mails()},
 * 6,046 real mails split at blank lines; from one word to thousands of tokens), in corpus order.
 * {@code all} holds every non-empty paragraph; a case reads the first {@code rows} of them as
 * Parquet ({@code id} = mail id and paragraph number, {@code text}). For SynapseML, which cannot
 * tokenize, the same rows are also written pre-tokenized: {@code input_ids}, {@code attention_mask}
 * and {@code token_type_ids} as {@code array<bigint>}, each padded to max-length (a batch needs one
 * shape, and without bucketing the longest possible row sets it). Written once under
 * {@code bench/target/data}, reused while the folder holds a {@code _SUCCESS} marker.
 */
final class TextData {
  static final int FILES = 4;

  private TextData() {}

  /** Every non-empty paragraph of the corpus, in corpus order (id, text). */
  static Dataset<Row> paragraphs(SparkSession spark) {
    return spark.read()
        .schema("id STRING, label STRING, text STRING")
        .json(Samples.mails().toString())
        .select(col("id"), posexplode(split(col("text"), "\n\\s*\n")).as(new String[] {"pos", "para"}))
        .select(concat_ws("-", col("id"), col("pos").cast("string")).as("id"), trim(col("para")).as("text"))
        .filter("length(text) > 0");
  }

  /** The first {@code rows} paragraphs as Parquet, written when missing. */
  static Path ensure(SparkSession spark, Path dataRoot, long rows) {
    Path dir = dataRoot.resolve("mail-paragraphs-r" + rows);
    if (Files.isRegularFile(dir.resolve("_SUCCESS"))) {
      return dir;
    }
    long start = System.nanoTime();
    List<Row> first = paragraphs(spark).limit((int) rows).collectAsList();
    if (first.size() < rows) {
      throw new IllegalStateException(
          "the mail corpus has only " + first.size() + " non-empty paragraphs; asked for " + rows);
    }
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    spark.createDataFrame(first, schema).repartition(FILES).write().mode("overwrite").parquet(dir.toString());
    Bench.log("data: wrote %,d mail paragraphs to %s in %.1f s", rows, dir, (System.nanoTime() - start) / 1e9);
    return dir;
  }

  /** The texts of {@code dir}, in memory (the ceiling's input). */
  static List<String> texts(SparkSession spark, Path dir) {
    return spark.read().parquet(dir.toString()).select("text").as(Encoders.STRING()).collectAsList();
  }

  /**
   * The rows of {@code textDir} tokenized by {@code tokenizerFile} (of model {@code label}) and
   * padded to {@code maxLength}, for SynapseML.
   */
  static Path tokens(SparkSession spark, Path textDir, String label, Path tokenizerFile, int maxLength)
      throws Exception {
    Path dir = textDir.resolveSibling(textDir.getFileName() + "-tokens-" + label + "-l" + maxLength);
    if (Files.isRegularFile(dir.resolve("_SUCCESS"))) {
      return dir;
    }
    List<Row> in = spark.read().parquet(textDir.toString()).collectAsList();
    List<Row> out = new ArrayList<>(in.size());
    try (TextTokenizer t =
        TextTokenizer.load(Files.readAllBytes(tokenizerFile), tokenizerFile.toString(), maxLength, true)) {
      for (Row r : in) {
        TextTokenizer.Tokens tok = t.encode(r.getString(1));
        Long[] ids = new Long[maxLength];
        Long[] mask = new Long[maxLength];
        Long[] types = new Long[maxLength];
        for (int i = 0; i < maxLength; i++) {
          boolean real = i < tok.length();
          ids[i] = real ? tok.ids()[i] : 0L;
          mask[i] = real ? 1L : 0L;
          types[i] = real ? tok.typeIds()[i] : 0L;
        }
        out.add(RowFactory.create(r.getString(0), ids, mask, types));
      }
    }
    var longs = DataTypes.createArrayType(DataTypes.LongType, false);
    StructType schema = new StructType().add("id", DataTypes.StringType)
        .add("input_ids", longs).add("attention_mask", longs).add("token_type_ids", longs);
    spark.createDataFrame(out, schema).repartition(FILES).write().mode("overwrite").parquet(dir.toString());
    Bench.log("data: wrote %,d tokenized rows (padded to %d) to %s", out.size(), maxLength, dir);
    return dir;
  }
}
