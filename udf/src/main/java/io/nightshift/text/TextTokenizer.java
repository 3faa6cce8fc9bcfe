package io.nightshift.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.nightshift.NightshiftException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}) set up for one job: special tokens added, no
 * padding (each batch pads itself to its longest row), and either truncated at {@code maxLength}
 * or not truncated at all.
 *
 * <p>Thread-safe: the native tokenizer is immutable once built, so task threads share one
 * instance (see {@link TokenizerCache}). Owns native memory: whoever builds it closes it.
 */
public final class TextTokenizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TextTokenizer.class);
  /** DJL reads these (environment first, then system property) to place its native library. */
  static final String ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";
  static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";
  static final String DJL_OFFLINE = "ai.djl.offline";

  private final HuggingFaceTokenizer tokenizer;
  private final String name;
  private final int maxLength;
  private final boolean truncation;
  private volatile boolean closed;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, String name, int maxLength, boolean truncation) {
    this.tokenizer = tokenizer;
    this.name = name;
    this.maxLength = maxLength;
    this.truncation = truncation;
  }

  /** A row's tokens: ids and type ids of the same length; its attention mask is all ones. */
  public record Tokens(long[] ids, long[] typeIds, boolean truncated) {
    public int length() {
      return ids.length;
    }
  }

  /**
   * Makes DJL extract its native library under {@code dir} (an executor's or driver's Spark
   * folder) instead of {@code ~/.djl.ai}, and never download anything. Call before the first
   * tokenizer of the JVM is built; an {@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR} set by the
   * operator (environment or system property) wins. The first call of a JVM decides.
   */
  public static synchronized void useNativeDir(Path dir) {
    if (System.getProperty(DJL_OFFLINE) == null) {
      System.setProperty(DJL_OFFLINE, "true");
    }
    if (isSet(ENGINE_CACHE_DIR) || isSet(DJL_CACHE_DIR)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new NightshiftException(e, "cannot create the tokenizer library folder %s: %s", dir, e.getMessage());
    }
    System.setProperty(ENGINE_CACHE_DIR, dir.toAbsolutePath().toString());
    LOG.info("Tokenizer native library goes under {}", dir.toAbsolutePath());
  }

  private static boolean isSet(String name) {
    String env = System.getenv(name);
    String prop = System.getProperty(name);
    return (env != null && !env.isEmpty()) || (prop != null && !prop.isEmpty());
  }

  /**
   * Builds the tokenizer from the bytes of a {@code tokenizer.json}. Fails (exit code 2) naming
   * {@code name} when the bytes are not a tokenizer.
   */
  public static TextTokenizer load(byte[] json, String name, int maxLength, boolean truncation) {
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", "true",
            "padding", "false",
            "truncation", truncation ? "true" : "false",
            "maxLength", String.valueOf(maxLength),
            "modelMaxLength", String.valueOf(Math.max(maxLength, 512)));
    long start = System.nanoTime();
    try {
      HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
      LOG.info("Loaded tokenizer {} (max-length {}, truncation {}) in {} ms",
          name, maxLength, truncation, (System.nanoTime() - start) / 1_000_000);
      return new TextTokenizer(t, name, maxLength, truncation);
    } catch (IOException | RuntimeException e) {
      throw NightshiftException.invalid(
          e, "tokenizer file %s is not a valid Hugging Face tokenizer.json: %s", name, rootMessage(e));
    } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
      throw new NightshiftException(
          e, "cannot load the native tokenizer library for %s: %s", name, rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  /** Tokenizes one text. With truncation off, a row may be longer than max-length. */
  public Tokens encode(String text) {
    if (closed) {
      throw new IllegalStateException("tokenizer " + name + " is closed");
    }
    Encoding e = tokenizer.encode(text, true, false);
    return new Tokens(e.getIds(), e.getTypeIds(), truncation && e.exceedMaxLength());
  }

  public int maxLength() {
    return maxLength;
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
    }
  }
}
