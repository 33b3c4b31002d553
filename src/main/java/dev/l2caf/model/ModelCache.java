package dev.l2caf.model;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded models by folder, bounded; an evicted model is closed once its last lease is returned, so
 * native graphs and sessions are never leaked nor freed under a running explanation.
 */
public final class ModelCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelCache.class);

  private final Cache<Key, LoadedModel> models;

  /** A model folder on a device (null: where TensorFlow chooses). */
  private record Key(Path folder, String device) {
    static Key of(Path folder, String device) {
      return new Key(folder.toAbsolutePath().normalize(), device);
    }
  }

  public ModelCache(int maxModels) {
    this.models = Caffeine.newBuilder()
        .maximumSize(maxModels)
        .recordStats()
        .executor(Runnable::run) // close evicted models on the evicting thread, not later
        .removalListener((Key key, LoadedModel model, RemovalCause cause) -> {
          if (model != null) {
            log.info("closing model {} ({})", key.folder(), cause);
            model.close();
          }
        })
        .build();
  }

  /** A lease on the model in {@code folder}, loading it on first use. */
  public LoadedModel.Lease lease(Path folder) {
    return lease(folder, null);
  }

  /** A lease on the model in {@code folder} placed on {@code device} (see {@link ModelLoader#load(Path, String)}). */
  public LoadedModel.Lease lease(Path folder, String device) {
    Key key = Key.of(folder, device);
    while (true) {
      LoadedModel model = models.get(key, k -> ModelLoader.load(k.folder(), k.device()));
      try {
        return model.lease();
      } catch (ModelException closedMeanwhile) {
        models.asMap().remove(key, model);
      }
    }
  }

  /** Drops a model from the cache; it is closed once its leases are returned. */
  public void evict(Path folder) {
    models.asMap().keySet().removeIf(k -> k.folder().equals(folder.toAbsolutePath().normalize()));
  }

  public long size() {
    models.cleanUp();
    return models.estimatedSize();
  }

  public CacheStats stats() {
    return models.stats();
  }

  @Override
  public void close() {
    models.invalidateAll();
    models.cleanUp();
  }
}
