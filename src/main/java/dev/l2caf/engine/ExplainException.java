package dev.l2caf.engine;

/** A request the engine cannot serve as asked; the code names the reason for machines. */
public final class ExplainException extends RuntimeException {
  public enum Code { UNKNOWN_CLASS, INVALID_OPTION }

  private final Code code;

  public ExplainException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
