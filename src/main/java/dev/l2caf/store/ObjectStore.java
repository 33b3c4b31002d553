package dev.l2caf.store;

import dev.l2caf.config.S3Credentials;
import dev.l2caf.config.S3Settings;
import dev.l2caf.store.ObjectStoreException.Code;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * S3 access for the service: writes results under the configured bucket and reads input images,
 * only from the allowed input buckets.
 *
 * <p>Retries are the AWS SDK's own standard retry strategy (5xx, throttling, clock skew and I/O
 * errors such as a refused connection are retried; other 4xx are not), with the attempts and the
 * exponential backoff with half jitter taken from {@code s3.retry.*}. The SDK's retry quota stays
 * on, so a long outage stops retries early instead of multiplying the load on the store. Failures
 * surface as {@link ObjectStoreException}.
 */
public final class ObjectStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);

  private final S3AsyncClient client;
  private final String bucket;
  private final Set<String> allowedInputBuckets;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private ObjectStore(S3AsyncClient client, String bucket, Set<String> allowedInputBuckets) {
    this.client = client;
    this.bucket = bucket;
    this.allowedInputBuckets = allowedInputBuckets;
    // The CRT's own JVM shutdown hook stops its HTTP layer as soon as SIGTERM starts the shutdown, while the
    // worker's graceful stop still stores its last results: a reference held until close keeps it running.
    CRT.acquireShutdownRef();
  }

  public static ObjectStore create(S3Settings settings) {
    BackoffStrategy backoff = BackoffStrategy.exponentialDelayHalfJitter(
        settings.retry().baseDelay(), settings.retry().maxDelay());
    RetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(settings.retry().maxAttempts())
        .backoffStrategy(backoff)
        .throttlingBackoffStrategy(backoff)
        .build();
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
        // The CRT client, not Netty: the Vert.x BOM pins Netty 4.2, unsupported by the SDK.
        .httpClientBuilder(AwsCrtAsyncHttpClient.builder())
        .region(Region.of(settings.region()))
        .forcePathStyle(settings.pathStyle())
        // S3-compatible servers (s3proxy, MinIO) reject the SDK's default trailing checksums.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(credentialsProvider(settings))
        .overrideConfiguration(override -> override.retryStrategy(retry));
    settings.endpoint().ifPresent(builder::endpointOverride);
    log.info("object store: bucket {}, endpoint {}, region {}, input buckets {}", settings.bucket(),
        settings.endpoint().map(Object::toString).orElse("AWS"), settings.region(),
        settings.allowedInputBuckets());
    return new ObjectStore(builder.build(), settings.bucket(),
        Set.copyOf(settings.allowedInputBuckets()));
  }

  private static AwsCredentialsProvider credentialsProvider(S3Settings settings) {
    return settings.credentials()
        .<AwsCredentialsProvider>map(given -> StaticCredentialsProvider.create(toAws(given)))
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }

  private static AwsCredentials toAws(S3Credentials credentials) {
    String accessKeyId = credentials.accessKeyId().value();
    String secretAccessKey = credentials.secretAccessKey().value();
    return credentials.sessionToken()
        .<AwsCredentials>map(token ->
            AwsSessionCredentials.create(accessKeyId, secretAccessKey, token.value()))
        .orElseGet(() -> AwsBasicCredentials.create(accessKeyId, secretAccessKey));
  }

  /** The bucket results are written to. */
  public String bucket() {
    return bucket;
  }

  /** Writes {@code bytes} to {@code key} in the result bucket, retrying transient failures. */
  public CompletableFuture<Void> put(String key, byte[] bytes, String contentType) {
    S3Uri target = new S3Uri(bucket, key);
    return client.putObject(
            request -> request.bucket(bucket).key(key).contentType(contentType)
                .contentLength((long) bytes.length),
            AsyncRequestBody.fromBytes(bytes))
        .handle((response, failure) -> {
          throwIfFailed(target, "write", failure);
          return null;
        });
  }

  /**
   * Reads the object at {@code uri}.
   *
   * @return a future failing with {@link ObjectStoreException}: {@link Code#ACCESS_DENIED} at once
   *     (no request sent) when the bucket is not an allowed input bucket, {@link Code#NOT_FOUND}
   *     when there is no such object
   */
  public CompletableFuture<byte[]> get(S3Uri uri) {
    if (!allowedInputBuckets.contains(uri.bucket())) {
      return CompletableFuture.failedFuture(new ObjectStoreException(Code.ACCESS_DENIED,
          "bucket '" + uri.bucket() + "' is not an allowed input bucket", null));
    }
    return client.getObject(
            request -> request.bucket(uri.bucket()).key(uri.key()),
            AsyncResponseTransformer.toBytes())
        .handle((response, failure) -> {
          throwIfFailed(uri, "read", failure);
          return response.asByteArrayUnsafe();
        });
  }

  /** Whether {@code key} exists in the result bucket. */
  public CompletableFuture<Boolean> exists(String key) {
    S3Uri target = new S3Uri(bucket, key);
    return client.headObject(request -> request.bucket(bucket).key(key))
        .handle((response, failure) -> {
          if (failure != null && statusOf(unwrap(failure)) == 404) {
            return false;
          }
          throwIfFailed(target, "look up", failure);
          return true;
        });
  }

  /**
   * The keys under {@code prefix} in an allowed input bucket (for backfills), in the store's order.
   *
   * @return a future failing with {@link Code#ACCESS_DENIED} at once for a bucket not allowed
   */
  public CompletableFuture<List<String>> list(String listBucket, String prefix) {
    if (!allowedInputBuckets.contains(listBucket)) {
      return CompletableFuture.failedFuture(new ObjectStoreException(Code.ACCESS_DENIED,
          "bucket '" + listBucket + "' is not an allowed input bucket", null));
    }
    List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
    return client.listObjectsV2Paginator(request -> request.bucket(listBucket).prefix(prefix))
        .subscribe(page -> page.contents().forEach(o -> keys.add(o.key())))
        .handle((done, failure) -> {
          throwIfFailed(new S3Uri(listBucket, prefix.isEmpty() ? "*" : prefix), "list", failure);
          return List.copyOf(keys);
        });
  }

  private static void throwIfFailed(S3Uri target, String action, Throwable failure) {
    if (failure != null) {
      throw new CompletionException(classify(target, action, unwrap(failure)));
    }
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  private static ObjectStoreException classify(S3Uri target, String action, Throwable failure) {
    int status = statusOf(failure);
    String message = "cannot " + action + " " + target + ": " + describe(failure);
    if (status == 404) {
      return new ObjectStoreException(Code.NOT_FOUND, message, failure);
    }
    if (status == 403) {
      return new ObjectStoreException(Code.ACCESS_DENIED, message, failure);
    }
    boolean throttled = failure instanceof AwsServiceException service
        && service.isThrottlingException();
    if (status >= 400 && status < 500 && !throttled) {
      return new ObjectStoreException(Code.REJECTED, message, failure);
    }
    return new ObjectStoreException(Code.UNAVAILABLE, message, failure);
  }

  private static int statusOf(Throwable failure) {
    return failure instanceof AwsServiceException service ? service.statusCode() : -1;
  }

  private static String describe(Throwable failure) {
    if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.statusCode() + " " + service.awsErrorDetails().errorCode();
    }
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
      CRT.releaseShutdownRef();
    }
  }
}
