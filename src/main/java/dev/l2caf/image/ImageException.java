package dev.l2caf.image;

/**
 * An image that cannot be used, with a reason a caller can map to a response and a message a person
 * can read.
 */
public final class ImageException extends RuntimeException {

  public enum Code {
    EMPTY,
    TOO_MANY_BYTES,
    TOO_MANY_PIXELS,
    UNSUPPORTED_FORMAT,
    CORRUPT
  }

  private final Code code;
  private final String source;

  public ImageException(Code code, String source, String detail) {
    this(code, source, detail, null);
  }

  public ImageException(Code code, String source, String detail, Throwable cause) {
    super(source + ": " + detail, cause);
    this.code = code;
    this.source = source;
  }

  public Code code() {
    return code;
  }

  /** The file name or id of the image this is about. */
  public String source() {
    return source;
  }
}
