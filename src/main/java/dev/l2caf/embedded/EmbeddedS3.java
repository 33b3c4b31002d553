package dev.l2caf.embedded;

import dev.l2caf.config.S3Credentials;
import dev.l2caf.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server (s3proxy) in this JVM on 127.0.0.1, storing objects as files under a
 * directory ({@code <dir>/<bucket>/<key>}) or in memory. Requests must be signed with the given
 * access key and secret. For the {@code demo} command and tests.
 */
public final class EmbeddedS3 implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final S3Proxy proxy;
  private final BlobStoreContext storage;
  private final S3Credentials credentials;

  private EmbeddedS3(S3Proxy proxy, BlobStoreContext storage, S3Credentials credentials) {
    this.proxy = proxy;
    this.storage = storage;
    this.credentials = credentials;
  }

  /**
   * Serves the files under {@code directory} (created if missing); each top-level folder is a
   * bucket.
   *
   * @param port the port to listen on; 0 picks a free one
   */
  public static EmbeddedS3 startOnDirectory(
      int port, Path directory, String accessKeyId, String secretAccessKey) {
    Properties properties = new Properties();
    properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR,
        directory.toAbsolutePath().toString());
    return start(port, ContextBuilder.newBuilder("filesystem").overrides(properties),
        accessKeyId, secretAccessKey, "directory " + directory);
  }

  /** Keeps objects in memory, lost on {@link #close()}. */
  public static EmbeddedS3 startInMemory(int port, String accessKeyId, String secretAccessKey) {
    return start(port, ContextBuilder.newBuilder("transient"), accessKeyId, secretAccessKey,
        "memory");
  }

  private static EmbeddedS3 start(int port, ContextBuilder storageBuilder, String accessKeyId,
      String secretAccessKey, String where) {
    S3Credentials credentials =
        new S3Credentials(new Secret(accessKeyId), new Secret(secretAccessKey), Optional.empty());
    long started = System.nanoTime();
    BlobStoreContext storage = storageBuilder.buildView(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(storage.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
        .build();
    try {
      proxy.start();
      awaitStarted(proxy);
    } catch (Exception e) {
      stopQuietly(proxy);
      storage.close();
      throw new IllegalStateException("cannot start S3 server on 127.0.0.1:" + port, e);
    }
    EmbeddedS3 server = new EmbeddedS3(proxy, storage, credentials);
    log.info("S3 server at {} over {} started in {} ms", server.endpoint(), where,
        (System.nanoTime() - started) / 1_000_000);
    return server;
  }

  private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
        throw new IllegalStateException("s3proxy state " + proxy.getState());
      }
      Thread.sleep(5);
    }
  }

  /** The http endpoint, e.g. {@code http://127.0.0.1:40123}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  public int port() {
    return proxy.getPort();
  }

  /** The credentials requests must be signed with. */
  public S3Credentials credentials() {
    return credentials;
  }

  /** Creates {@code name} if it does not exist yet. */
  public void createBucket(String name) {
    storage.getBlobStore().createContainerInLocation(null, name);
  }

  /** Stops serving and waits until the port is released. */
  @Override
  public void close() {
    int port = port();
    stopQuietly(proxy);
    storage.close();
    log.info("S3 server on port {} stopped", port);
  }

  private static void stopQuietly(S3Proxy proxy) {
    try {
      proxy.stop();
    } catch (Exception e) {
      log.warn("stopping s3proxy failed", e);
    }
  }
}
