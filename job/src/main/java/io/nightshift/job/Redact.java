package io.nightshift.job;

import java.util.regex.Pattern;

/** Strips secrets (S3 keys, tokens, passwords) from text before it is logged or printed. */
public final class Redact {
  private static final Pattern SECRET =
      Pattern.compile(
          "(?i)((?:secret|password|token|access[._-]?key|session[._-]?key)[^=:\\s]*\\s*[=:]\\s*)[^\\s,;&\"']+");
  private static final Pattern URI_USERINFO = Pattern.compile("(s3a?|hdfs|https?)://[^/@\\s]+@");

  private Redact() {}

  public static String text(String s) {
    if (s == null) {
      return "";
    }
    String out = SECRET.matcher(s).replaceAll("$1****");
    return URI_USERINFO.matcher(out).replaceAll("$1://****@");
  }

  public static String message(Throwable e) {
    return text(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }
}
