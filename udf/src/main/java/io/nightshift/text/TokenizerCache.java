package io.nightshift.text;

import io.nightshift.cache.LeaseCache;


/**
 * The tokenizers of one JVM (an executor, or the driver in local mode), at most one per {@link
 * Key} (tokenizer sha256 x max-length x truncation), shared by every task thread: a tokenizer is
 * thread-safe and costs about 100 ms and a few MB to build, so one per JVM, like sessions.
 *
 * <p>Tasks lease a tokenizer and never close it (see {@link LeaseCache}).
 */
public final class TokenizerCache extends LeaseCache<TokenizerCache.Key, TextTokenizer> {
  private static final TokenizerCache SHARED = new TokenizerCache();

  /** Which tokenizer, set up how. */
  public record Key(String sha256, int maxLength, boolean truncation) {}

  private TokenizerCache() {
    super("tokenizer");
  }

  /** The cache of this JVM. */
  public static TokenizerCache shared() {
    return SHARED;
  }

  /** Tokenizers this JVM has built since it started (for tests). */
  public long tokenizersCreated() {
    return created();
  }
}
