package dev.l2caf.model;

/** A model that cannot be loaded or used as asked: a missing folder, a bad manifest, an unknown layer. */
public final class ModelException extends RuntimeException {
  /** What went wrong, for callers that answer with error codes. */
  public enum Kind { NOT_FOUND, UNKNOWN_LAYER, INVALID }

  private final Kind kind;

  public ModelException(String message) {
    this(Kind.INVALID, message);
  }

  public ModelException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
    this.kind = Kind.INVALID;
  }

  public Kind kind() {
    return kind;
  }
}
