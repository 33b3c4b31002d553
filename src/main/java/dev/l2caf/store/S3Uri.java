package dev.l2caf.store;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A validated {@code s3://bucket/key} reference. Only this scheme is accepted, so a request can
 * never make the service fetch an arbitrary URL (http, file, ...): the SSRF guard.
 */
public record S3Uri(String bucket, String key) {
  private static final String SCHEME = "s3://";
  /** S3's rule for new buckets: 3-63 characters, lowercase letters, digits, dots and dashes. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final int MAX_KEY_BYTES = 1024;

  public S3Uri {
    requireBucketName(bucket);
    requireKey(key);
  }

  /**
   * Parses {@code s3://bucket/key}.
   *
   * @throws IllegalArgumentException naming what is wrong: another scheme, a bad bucket name, an
   *     empty or oversized key, or a key with {@code .}/{@code ..} segments or control characters
   */
  public static S3Uri parse(String uri) {
    if (uri == null || !uri.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw new IllegalArgumentException("only s3://bucket/key URIs are accepted, got "
          + (uri == null ? "nothing" : "'" + schemeOf(uri) + "' URI"));
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("s3 URI has no object key: " + uri);
    }
    return new S3Uri(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** @throws IllegalArgumentException unless {@code bucket} is a valid S3 bucket name */
  public static String requireBucketName(String bucket) {
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new IllegalArgumentException("invalid bucket name '" + bucket
          + "': 3-63 characters of lowercase letters, digits, '.' and '-'");
    }
    return bucket;
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key is empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("object key is longer than " + MAX_KEY_BYTES + " bytes");
    }
    if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
      throw new IllegalArgumentException("object key holds control characters or '\\'");
    }
    // Dot segments mean nothing to S3 but escape the folder of file-backed stores.
    for (String segment : key.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("object key has a '" + segment + "' segment: " + key);
      }
    }
  }

  private static String schemeOf(String uri) {
    int colon = uri.indexOf(':');
    return colon > 0 ? uri.substring(0, colon).toLowerCase(Locale.ROOT) : "scheme-less";
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
