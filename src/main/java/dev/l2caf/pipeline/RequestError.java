package dev.l2caf.pipeline;

/** A request that cannot be served, with the code and message its completion event will carry. */
public final class RequestError extends RuntimeException {
  private final ErrorCode code;

  public RequestError(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
