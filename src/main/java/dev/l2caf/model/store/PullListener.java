package dev.l2caf.model.store;

/** Progress of {@link ModelStore#pull}: one file at a time, bytes as they arrive. */
public interface PullListener {
  PullListener NONE = new PullListener() { };

  /** {@code file} is being fetched from {@code source} (a URL or a mirror's path). */
  default void fileStarted(ModelCatalog.FileEntry file, String source) { }

  /** {@code bytes} more bytes of the current file arrived. */
  default void bytes(long bytes) { }

  /** The current file is in the store, verified; {@code cached} when it already was. */
  default void fileDone(ModelCatalog.FileEntry file, boolean cached) { }

  /** A source failed; the next one is tried. */
  default void sourceFailed(ModelCatalog.FileEntry file, String source, String reason) { }
}
