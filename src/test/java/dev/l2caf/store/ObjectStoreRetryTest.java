package dev.l2caf.store;

import static dev.l2caf.store.S3TestSupport.ACCESS_KEY_ID;
import static dev.l2caf.store.S3TestSupport.SECRET_ACCESS_KEY;
import static dev.l2caf.store.S3TestSupport.deadEndpoint;
import static dev.l2caf.store.S3TestSupport.failureOf;
import static dev.l2caf.store.S3TestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.l2caf.embedded.EmbeddedS3;
import dev.l2caf.store.ObjectStoreException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreRetryTest {
  /**
   * 40 attempts, 50 ms doubling to at most 250 ms, half jitter: at least ~4.6 s of backoff in all,
   * well above the time s3proxy needs to come back.
   */
  private static final Map<String, String> PATIENT_RETRIES = Map.of(
      "L2CAF_S3_RETRY_MAX_ATTEMPTS", "40",
      "L2CAF_S3_RETRY_BASE_DELAY_MS", "50",
      "L2CAF_S3_RETRY_MAX_DELAY_MS", "250");

  @Test
  void putCompletesOnceTheStoreIsBack(@TempDir Path data) throws Exception {
    EmbeddedS3 first = EmbeddedS3.startOnDirectory(0, data, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    first.createBucket("l2caf");
    int port = first.port();
    byte[] payload = "written during an outage".getBytes(StandardCharsets.UTF_8);
    try (ObjectStore store = ObjectStore.create(settings(first.endpoint(), PATIENT_RETRIES))) {
      store.put("before", new byte[] {1}, "application/octet-stream").join();
      first.close();

      CompletableFuture<Void> put = store.put("during", payload, "text/plain");
      Thread.sleep(300);
      assertFalse(put.isDone(), "the put is retrying while the store is down");

      try (EmbeddedS3 second =
          EmbeddedS3.startOnDirectory(port, data, ACCESS_KEY_ID, SECRET_ACCESS_KEY)) {
        put.get(20, TimeUnit.SECONDS);
        assertArrayEquals(payload, Files.readAllBytes(data.resolve("l2caf").resolve("during")));
      }
    }
  }

  @Test
  void putGivesUpAsUnavailableAfterItsAttempts() throws IOException {
    Map<String, String> threeQuickAttempts = Map.of(
        "L2CAF_S3_RETRY_MAX_ATTEMPTS", "3",
        "L2CAF_S3_RETRY_BASE_DELAY_MS", "20",
        "L2CAF_S3_RETRY_MAX_DELAY_MS", "40");
    try (ObjectStore store = ObjectStore.create(settings(deadEndpoint(), threeQuickAttempts))) {
      ObjectStoreException error = failureOf(store.put("lost", new byte[] {1}, "text/plain"));

      assertEquals(Code.UNAVAILABLE, error.code());
    }
  }
}
