package dev.l2caf.store;

import static dev.l2caf.store.S3TestSupport.ACCESS_KEY_ID;
import static dev.l2caf.store.S3TestSupport.SECRET_ACCESS_KEY;
import static dev.l2caf.store.S3TestSupport.deadEndpoint;
import static dev.l2caf.store.S3TestSupport.failureOf;
import static dev.l2caf.store.S3TestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.embedded.EmbeddedS3;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelLoader;
import dev.l2caf.store.ObjectStoreException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {
  @TempDir static Path data;
  private static EmbeddedS3 s3;
  private static ObjectStore store;

  @BeforeAll
  static void startServer() {
    s3 = EmbeddedS3.startOnDirectory(0, data, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    s3.createBucket("l2caf");
    s3.createBucket("not-for-input");
    store = ObjectStore.create(settings(s3.endpoint(), Map.of()));
  }

  @AfterAll
  static void stopServer() {
    store.close();
    s3.close();
  }

  @Test
  void putGetAndExistsRoundTripThroughFiles() throws IOException {
    byte[] png = new byte[200_000];
    new Random(7).nextBytes(png);
    String key = ObjectKeys.forResult("results", "mobilenet", "req-1", "281", "heatmap.png");

    store.put(key, png, "image/png").join();

    assertArrayEquals(png, Files.readAllBytes(data.resolve("l2caf").resolve(key)));
    assertArrayEquals(png, store.get(new S3Uri("l2caf", key)).join());
    assertTrue(store.exists(key).join());
    assertFalse(store.exists(key + ".missing").join());
  }

  @Test
  void missingObjectIsNotFound() {
    ObjectStoreException error = failureOf(store.get(S3Uri.parse("s3://l2caf/no/such.jpg")));

    assertEquals(Code.NOT_FOUND, error.code());
    assertTrue(error.getMessage().contains("s3://l2caf/no/such.jpg"), error.getMessage());
  }

  @Test
  void bucketNotAllowedForInputIsDenied() {
    ObjectStoreException error = failureOf(store.get(S3Uri.parse("s3://not-for-input/x.jpg")));

    assertEquals(Code.ACCESS_DENIED, error.code());
  }

  @Test
  void bucketNotAllowedIsDeniedBeforeAnyRequest() throws IOException {
    // Nothing listens there: any request would end in UNAVAILABLE, after the retries.
    try (ObjectStore unreachable = ObjectStore.create(settings(deadEndpoint(), Map.of()))) {
      CompletableFuture<byte[]> read = unreachable.get(S3Uri.parse("s3://elsewhere/x.jpg"));

      assertTrue(read.isDone(), "denied without waiting on the network");
      assertEquals(Code.ACCESS_DENIED, failureOf(read).code());
    }
  }

  @Test
  void refusedCredentialsAreDeniedWithoutRetrying() {
    Map<String, String> wrongSecret = Map.of(
        "AWS_SECRET_ACCESS_KEY", "not-the-secret",
        "L2CAF_S3_RETRY_MAX_ATTEMPTS", "5",
        "L2CAF_S3_RETRY_BASE_DELAY_MS", "2000",
        "L2CAF_S3_RETRY_MAX_DELAY_MS", "2000");
    try (ObjectStore refused = ObjectStore.create(settings(s3.endpoint(), wrongSecret))) {
      long started = System.nanoTime();

      ObjectStoreException error = failureOf(refused.put("denied", new byte[1], "text/plain"));

      assertEquals(Code.ACCESS_DENIED, error.code());
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(elapsedMs < 1000, "a 4xx is not retried, took " + elapsedMs + " ms");
    }
  }

  @Test
  void aModelFolderInAnAllowedBucketIsCopiedAndLoads() throws IOException {
    Path source = TestAssets.SMALL_MODEL_DIR;
    List<String> files;
    try (var listed = Files.list(source)) {
      files = listed.map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String file : files) {
      store.put("models/small/" + file, Files.readAllBytes(source.resolve(file)), "application/octet-stream").join();
    }
    store.put("models/small/nested/ignored.txt", new byte[] {1}, "text/plain").join();

    Path copy = S3ModelFolder.download(store, "s3://l2caf/models/small", data.resolve("copied"));

    try (var listed = Files.list(copy)) {
      assertEquals(files, listed.map(p -> p.getFileName().toString()).sorted().toList(), "the folder's own objects");
    }
    for (String file : files) {
      assertArrayEquals(Files.readAllBytes(source.resolve(file)), Files.readAllBytes(copy.resolve(file)), file);
    }
    try (LoadedModel model = ModelLoader.load(copy)) {
      float[] input = new ImagePipeline(model.inputSpec(), ImageLimits.defaults()).prepare("dog.jpg", TestAssets.sampleBytes("dog.jpg"), true)
          .modelInput();
      try (LoadedModel original = ModelLoader.load(source)) {
        assertArrayEquals(original.logits(List.of(input))[0], model.logits(List.of(input))[0]);
      }
    }

    ObjectStoreException denied = assertThrows(ObjectStoreException.class,
        () -> S3ModelFolder.download(store, "s3://not-for-input/models/small", data.resolve("denied")));
    assertEquals(Code.ACCESS_DENIED, denied.code());
    ObjectStoreException empty = assertThrows(ObjectStoreException.class,
        () -> S3ModelFolder.download(store, "s3://l2caf/models/none/", data.resolve("none")));
    assertEquals(Code.NOT_FOUND, empty.code());
    assertTrue(empty.getMessage().contains("no model.yaml"), empty.getMessage());
  }
}
