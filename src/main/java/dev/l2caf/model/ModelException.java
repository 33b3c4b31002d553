package dev.l2caf.model;

/** A model that cannot be loaded or used as asked: a missing folder, a bad manifest, an unknown layer. */
public final class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
