package dev.l2caf.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.l2caf.config.ServiceConfig;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.S3Uri;
import org.junit.jupiter.api.Test;

class EmbeddedS3Test {
  @Test
  void inMemoryServerSpeaksS3OnLoopback() {
    try (EmbeddedS3 s3 = EmbeddedS3.startInMemory(0, "memory-key", "memory-secret")) {
      s3.createBucket("l2caf");
      assertEquals("127.0.0.1", s3.endpoint().getHost());
      assertFalse(s3.credentials().toString().contains("memory-secret"));

      var settings = ServiceConfig.defaults().s3()
          .withEndpoint(s3.endpoint())
          .withCredentials(s3.credentials());
      try (ObjectStore store = ObjectStore.create(settings)) {
        store.put("a/b.txt", new byte[] {4, 2}, "text/plain").join();
        assertArrayEquals(new byte[] {4, 2}, store.get(S3Uri.parse("s3://l2caf/a/b.txt")).join());
      }
    }
  }
}
