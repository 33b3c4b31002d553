package dev.l2caf.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model folder kept in object storage ({@code s3://bucket/models/name/} holding model.yaml and its files),
 * copied to local disk so a fleet can load its models from the bucket it already uses. Only allowed input
 * buckets are read, as for images.
 */
public final class S3ModelFolder {
  private static final Logger log = LoggerFactory.getLogger(S3ModelFolder.class);

  private S3ModelFolder() {}

  /**
   * Copies every object directly under {@code folder} into {@code target} (created; existing files replaced)
   * and returns {@code target}.
   *
   * @throws ObjectStoreException when the bucket is not allowed, the folder is empty or has no model.yaml, or
   *     a read fails
   */
  public static Path download(ObjectStore store, String folderUri, Path target) {
    String uri = folderUri.endsWith("/") ? folderUri : folderUri + "/";
    S3Uri prefix = S3Uri.parse(uri + "model.yaml");
    String keyPrefix = prefix.key().substring(0, prefix.key().length() - "model.yaml".length());
    long start = System.nanoTime();
    try {
      List<String> keys = store.list(prefix.bucket(), keyPrefix).join().stream()
          .filter(k -> k.length() > keyPrefix.length() && k.indexOf('/', keyPrefix.length()) < 0)
          .toList();
      if (!keys.contains(prefix.key())) {
        throw new ObjectStoreException(ObjectStoreException.Code.NOT_FOUND, "model folder " + uri + " has no model.yaml"
            + (keys.isEmpty() ? " (no objects under it)" : ""), null);
      }
      Files.createDirectories(target);
      long bytes = 0;
      for (String key : keys) {
        byte[] data = store.get(new S3Uri(prefix.bucket(), key)).join();
        String name = key.substring(keyPrefix.length());
        Path part = Files.createTempFile(target, name, ".part");
        Files.write(part, data);
        Files.move(part, target.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        bytes += data.length;
      }
      log.info("model folder {} copied to {}: {} files, {} bytes in {} ms", uri, target, keys.size(), bytes,
          (System.nanoTime() - start) / 1_000_000);
      return target;
    } catch (CompletionException e) {
      if (e.getCause() instanceof ObjectStoreException failure) {
        throw failure;
      }
      throw e;
    } catch (IOException e) {
      throw new ObjectStoreException(ObjectStoreException.Code.UNAVAILABLE, "cannot copy model folder " + uri + " to "
          + target + ": " + e.getMessage(), e);
    }
  }
}
