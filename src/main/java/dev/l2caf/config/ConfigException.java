package dev.l2caf.config;

/** A configuration that cannot be used; the message names the offending key. */
public final class ConfigException extends RuntimeException {
  private final String key;
  private final String problem;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  /** The dotted key (or variable, or file) the problem is about. */
  public String key() {
    return key;
  }

  /** What is wrong, without the key. */
  public String problem() {
    return problem;
  }
}
