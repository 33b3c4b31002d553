package dev.l2caf.store;

import java.util.regex.Pattern;

/**
 * The layout of result objects, {@code <prefix>/<model>/<request id>/<class>/<file>}. Every part
 * must be a plain name, so no caller-supplied value can climb out of its folder.
 */
public final class ObjectKeys {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private ObjectKeys() {}

  /**
   * The key of one result file.
   *
   * @throws IllegalArgumentException naming the part that is not a plain name
   */
  public static String forResult(
      String prefix, String model, String requestId, String classLabel, String fileName) {
    return String.join("/",
        requirePrefix(prefix),
        requireSegment("model", model),
        requireSegment("request id", requestId),
        requireSegment("class label", classLabel),
        requireSegment("file name", fileName));
  }

  /** The key of a request's completion record, stored after its files: its presence means "done". */
  public static String forCompletion(String prefix, String model, String requestId) {
    return String.join("/", requirePrefix(prefix), requireSegment("model", model),
        requireSegment("request id", requestId), COMPLETION_FILE);
  }

  public static final String COMPLETION_FILE = "completion.json";

  /** A prefix is one or more plain names joined by '/', without leading or trailing '/'. */
  public static String requirePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix is empty");
    }
    for (String segment : prefix.split("/", -1)) {
      requireSegment("prefix segment", segment);
    }
    return prefix;
  }

  /**
   * A plain name: 1-128 characters of [A-Za-z0-9._-], neither "." nor "..".
   *
   * @param what what the value is, for the error message
   */
  public static String requireSegment(String what, String value) {
    if (value == null || !SEGMENT.matcher(value).matches()
        || value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException(what + " must be 1-128 characters of [A-Za-z0-9._-]"
          + " and not '.' or '..', got '" + value + "'");
    }
    return value;
  }
}
