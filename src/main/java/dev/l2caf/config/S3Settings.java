package dev.l2caf.config;

import static dev.l2caf.config.ConfigDef.Type.BOOLEAN;
import static dev.l2caf.config.ConfigDef.Type.INT;
import static dev.l2caf.config.ConfigDef.Type.LIST;
import static dev.l2caf.config.ConfigDef.Type.STRING;
import static dev.l2caf.config.Validators.atLeast;
import static dev.l2caf.config.Validators.between;
import static dev.l2caf.config.Validators.each;
import static dev.l2caf.config.Validators.httpUri;
import static dev.l2caf.config.Validators.nonBlank;

import dev.l2caf.config.ConfigDef.Validator;
import dev.l2caf.store.ObjectKeys;
import dev.l2caf.store.S3Uri;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Object storage for input images and results.
 *
 * @param endpoint S3 API endpoint; empty means AWS's own endpoint for the region
 * @param allowedInputBuckets the only buckets input images may be read from
 * @param credentials static credentials from the environment; empty means the AWS default chain
 */
public record S3Settings(
    Optional<URI> endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    List<String> allowedInputBuckets,
    Retry retry,
    Optional<S3Credentials> credentials) {

  public static final String ENDPOINT = "s3.endpoint";
  public static final String REGION = "s3.region";
  public static final String BUCKET = "s3.bucket";
  public static final String PREFIX = "s3.prefix";
  public static final String PATH_STYLE = "s3.path-style";
  public static final String ALLOWED_INPUT_BUCKETS = "s3.allowed-input-buckets";
  public static final String RETRY_MAX_ATTEMPTS = "s3.retry.max-attempts";
  public static final String RETRY_BASE_DELAY_MS = "s3.retry.base-delay-ms";
  public static final String RETRY_MAX_DELAY_MS = "s3.retry.max-delay-ms";

  public S3Settings {
    allowedInputBuckets = List.copyOf(allowedInputBuckets);
  }

  /**
   * Bounded retries of transient failures.
   *
   * @param maxAttempts attempts in all, the first included
   * @param baseDelay backoff before the first retry; doubles per retry, with jitter
   * @param maxDelay the longest backoff between two attempts
   */
  public record Retry(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public Retry {
      if (baseDelay.compareTo(maxDelay) > 0) {
        throw new ConfigException(RETRY_BASE_DELAY_MS, "must not exceed " + RETRY_MAX_DELAY_MS);
      }
    }

    /**
     * The wait before retry {@code round + 1} of an operation that keeps failing beyond the client's own
     * attempts (e.g. an outage): the base delay doubled per round, capped at the max delay.
     */
    public long delayMillis(int round) {
      long doubled = baseDelay.toMillis() << Math.min(round, 20);
      return Math.max(1, Math.min(maxDelay.toMillis(), doubled));
    }
  }

  /** A copy whose credentials are {@code credentials} (e.g. those of an embedded server). */
  public S3Settings withCredentials(S3Credentials newCredentials) {
    return new S3Settings(endpoint, region, bucket, prefix, pathStyle, allowedInputBuckets, retry,
        Optional.of(newCredentials));
  }

  /** A copy that talks to {@code newEndpoint}. */
  public S3Settings withEndpoint(URI newEndpoint) {
    return new S3Settings(Optional.of(newEndpoint), region, bucket, prefix, pathStyle,
        allowedInputBuckets, retry, credentials);
  }

  static void define(ConfigDef def) {
    Validator bucketName = value -> S3Uri.requireBucketName(value.toString());
    def.defineOptional(ENDPOINT, STRING, httpUri(),
            "S3 API endpoint, e.g. http://127.0.0.1:9000 for MinIO; unset (~) means AWS's.")
        .define(REGION, STRING, "us-east-1", nonBlank(),
            "Region requests are signed for.")
        .define(BUCKET, STRING, "l2caf", bucketName,
            "Bucket results are written to.")
        .define(PREFIX, STRING, "results", value -> ObjectKeys.requirePrefix(value.toString()),
            "Key prefix of results: <prefix>/<model>/<request id>/<class>/<file>.")
        .define(PATH_STYLE, BOOLEAN, true, Validator.ANY,
            "Address buckets as http://host/bucket (true) rather than http://bucket.host.")
        .define(ALLOWED_INPUT_BUCKETS, LIST, List.of("l2caf"), each(bucketName),
            "The only buckets input images may be read from.")
        .define(RETRY_MAX_ATTEMPTS, INT, 8, between(1, 100),
            "Attempts per S3 call in all, for transient errors (5xx, throttling, I/O).")
        .define(RETRY_BASE_DELAY_MS, INT, 200, atLeast(1),
            "Backoff before the first retry, doubled per retry, with jitter, in milliseconds.")
        .define(RETRY_MAX_DELAY_MS, INT, 5000, atLeast(1),
            "Longest backoff between two attempts, in milliseconds.");
  }

  static S3Settings from(ConfigDef.Values values, Optional<S3Credentials> credentials) {
    return new S3Settings(
        values.optionalString(ENDPOINT).map(URI::create),
        values.string(REGION),
        values.string(BUCKET),
        values.string(PREFIX),
        values.bool(PATH_STYLE),
        values.list(ALLOWED_INPUT_BUCKETS),
        new Retry(
            values.intValue(RETRY_MAX_ATTEMPTS),
            Duration.ofMillis(values.intValue(RETRY_BASE_DELAY_MS)),
            Duration.ofMillis(values.intValue(RETRY_MAX_DELAY_MS))),
        credentials);
  }
}
