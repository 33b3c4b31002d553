package dev.l2caf.store;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.l2caf.config.S3Settings;
import dev.l2caf.config.ServiceConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Settings for stores that talk to an embedded S3 server, and failure unwrapping. */
final class S3TestSupport {
  static final String ACCESS_KEY_ID = "l2caf-test-key";
  static final String SECRET_ACCESS_KEY = "l2caf-test-secret";

  private S3TestSupport() {}

  /** The service's S3 settings for {@code endpoint}, with {@code overrides} as env variables. */
  static S3Settings settings(URI endpoint, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(Map.of(
        "L2CAF_S3_ENDPOINT", endpoint.toString(),
        "AWS_ACCESS_KEY_ID", ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY));
    env.putAll(overrides);
    return ServiceConfig.fromEnvironment(env).s3();
  }

  /** An endpoint nothing listens on. */
  static URI deadEndpoint() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  static ObjectStoreException failureOf(CompletableFuture<?> future) {
    CompletionException error = assertThrows(CompletionException.class, future::join);
    return assertInstanceOf(ObjectStoreException.class, error.getCause());
  }
}
