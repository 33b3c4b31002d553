package dev.l2caf.config;

import dev.l2caf.config.ConfigDef.Validator;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reusable checks for {@link ConfigDef} keys. */
public final class Validators {
  /** Kafka's rule for topic and group names. */
  private static final Pattern KAFKA_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  private Validators() {}

  /** A number no smaller than {@code min}. */
  public static Validator atLeast(long min) {
    return value -> {
      if (((Number) value).longValue() < min) {
        throw new IllegalArgumentException("must be at least " + min);
      }
    };
  }

  /** A number within {@code [min, max]}. */
  public static Validator between(long min, long max) {
    return value -> {
      long number = ((Number) value).longValue();
      if (number < min || number > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
    };
  }

  /** A TCP port; 0 lets the system pick a free one. */
  public static Validator port() {
    return between(0, 65_535);
  }

  public static Validator nonBlank() {
    return value -> {
      if (value.toString().isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
    };
  }

  /** Applies {@code each} to every element of a list value. */
  public static Validator each(Validator each) {
    return value -> ((List<?>) value).forEach(each::ensureValid);
  }

  /** A Kafka topic or consumer group name. */
  public static Validator kafkaName() {
    return value -> {
      if (!KAFKA_NAME.matcher(value.toString()).matches()) {
        throw new IllegalArgumentException("must be 1-249 characters of [A-Za-z0-9._-]");
      }
    };
  }

  /** A comma-separated list of {@code host:port}, as Kafka's {@code bootstrap.servers}. */
  public static Validator hostPortList() {
    return value -> {
      String text = value.toString();
      if (text.isBlank()) {
        throw new IllegalArgumentException("must list at least one host:port");
      }
      for (String address : text.split(",")) {
        int colon = address.trim().lastIndexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("'" + address.trim() + "' is not host:port");
        }
        String port = address.trim().substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
            || Integer.parseInt(port) > 65_535) {
          throw new IllegalArgumentException("'" + address.trim() + "' has no valid port");
        }
      }
    };
  }

  /** An absolute http or https URI with a host, and nothing that would not reach a server. */
  public static Validator httpUri() {
    return value -> {
      URI uri;
      try {
        uri = new URI(value.toString());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a URI: " + e.getMessage());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException("must be an http:// or https:// URI with a host");
      }
    };
  }
}
