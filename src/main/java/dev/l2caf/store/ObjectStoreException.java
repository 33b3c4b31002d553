package dev.l2caf.store;

/** A failed object store call, classified so callers can decide whether to retry later. */
public final class ObjectStoreException extends RuntimeException {
  public enum Code {
    /** No such object (or bucket). Permanent. */
    NOT_FOUND,
    /** The bucket is not allowed for input, or the store refused the credentials. Permanent. */
    ACCESS_DENIED,
    /** The store rejected the request as invalid (another 4xx). Permanent. */
    REJECTED,
    /** The store could not be reached or kept failing after the retries. Transient. */
    UNAVAILABLE
  }

  private final Code code;

  public ObjectStoreException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  /** Whether {@code failure} (possibly wrapped by a CompletableFuture) says the store is unavailable. */
  public static boolean isUnavailable(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return t instanceof ObjectStoreException s && s.code == Code.UNAVAILABLE;
  }

  @Override
  public String getMessage() {
    return code + ": " + super.getMessage();
  }
}
