package io.nightshift.model;

import com.github.luben.zstd.Zstd;
import io.nightshift.NightshiftException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model as it travels to executors: zstd-compressed bytes (or the bytes as they are, when they
 * never leave the driver's JVM) plus the sha256 and size of the uncompressed model. Immutable;
 * {@link #open()} decompresses and verifies, so an executor never builds a session from bytes that
 * are not the model the driver validated.
 */
public final class ModelPayload implements Serializable {
  /**
   * Measured on the MiniLM exports: level 3 compresses as well as 9 (int8 to 68%, fp32 to 92%: float
   * weights barely compress) in a third of the time (66 against 189 ms for the int8 model), and that
   * time is paid on the driver by every run.
   */
  private static final int ZSTD_LEVEL = 3;

  private final String sha256;
  private final long size;
  /** What travels: zstd frames, or the model's own bytes when {@link #zstd} is false. */
  private final byte[] shipped;
  /** Whether {@link #shipped} holds zstd frames. */
  private final boolean zstd;

  ModelPayload(String sha256, long size, byte[] compressed) {
    this(sha256, size, compressed, true);
  }

  private ModelPayload(String sha256, long size, byte[] bytes, boolean zstd) {
    this.sha256 = sha256;
    this.size = size;
    this.shipped = bytes;
    this.zstd = zstd;
  }

  /** Compresses {@code model} and records its digest. */
  public static ModelPayload of(byte[] model) {
    return of(model, sha256(model), true);
  }

  /**
   * {@code model}, whose sha256 the caller has computed already ({@code sha256}, hex), compressed
   * when {@code compress}. Uncompressed is for Spark's local mode, where the broadcast never leaves
   * the driver's JVM: zstd would cost 0.1-0.3 s per run on a 20-90 MB text model and save nothing.
   * {@link #open()} checks the digest either way.
   */
  public static ModelPayload of(byte[] model, String sha256, boolean compress) {
    return new ModelPayload(sha256, model.length, compress ? Zstd.compress(model, ZSTD_LEVEL) : model, compress);
  }

  /** The sha256 (hex) of the uncompressed model. */
  public String sha256() {
    return sha256;
  }

  /** Bytes of the uncompressed model. */
  public long size() {
    return size;
  }

  /** Bytes shipped to each executor: compressed, or the model's size when not compressed. */
  public long compressedSize() {
    return shipped.length;
  }

  /** The uncompressed model, checked against its sha256. */
  public byte[] open() {
    byte[] model;
    try {
      model = zstd ? Zstd.decompress(shipped, Math.toIntExact(size)) : shipped;
    } catch (RuntimeException e) {
      throw new NightshiftException(
          e, "model payload %s does not decompress (corrupt in transit?): %s", sha256, e.getMessage());
    }
    String actual = sha256(model);
    if (!actual.equals(sha256)) {
      throw new NightshiftException(
          "model payload checksum mismatch: expected sha256 %s, actual %s", sha256, actual);
    }
    return model;
  }

  /** A copy with one byte of the compressed payload flipped: for tests of the checksum. */
  ModelPayload corruptedForTest(int index) {
    byte[] copy = shipped.clone();
    copy[index % copy.length] ^= 0x5a;
    return new ModelPayload(sha256, size, copy, zstd);
  }

  /** Hex sha256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
