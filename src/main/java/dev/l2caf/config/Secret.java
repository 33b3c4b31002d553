package dev.l2caf.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A credential or token. Its {@code toString} never shows the value, so records holding secrets can
 * be logged as a whole.
 */
public record Secret(String value) {
  public Secret {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
  }

  /** The value of {@code variable} in {@code environment}; empty when unset or blank. */
  public static Optional<Secret> fromEnvironment(Map<String, String> environment, String variable) {
    String value = environment.get(variable);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(new Secret(value));
  }

  @Override
  public String toString() {
    return "[hidden]";
  }
}
