package dev.l2caf.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The documented set of configuration keys, in the manner of Kafka's {@code ConfigDef}: each key
 * has a dotted name ({@code s3.retry.max-attempts}), a type, a default, a validator and a doc string.
 * {@link #parse} turns raw values (from YAML or environment strings) into validated, typed values.
 */
public final class ConfigDef {
  /** Prefix of the variables that override keys: {@code a.b-c} -> {@code L2CAF_A_B_C}. */
  public static final String ENV_PREFIX = "L2CAF_";

  public enum Type {
    STRING,
    INT,
    LONG,
    BOOLEAN,
    /** A list of strings; from the environment, comma separated. */
    LIST
  }

  /** Checks one typed value; throws {@link IllegalArgumentException} saying what is wrong. */
  @FunctionalInterface
  public interface Validator {
    Validator ANY = value -> { };

    void ensureValid(Object value);
  }

  /**
   * One key. {@code defaultValue} is null for an optional key that has no value unless configured.
   */
  public record Key(
      String name, Type type, Object defaultValue, Validator validator, String documentation) {
    public boolean optional() {
      return defaultValue == null;
    }

    /** The environment variable that overrides this key. */
    public String environmentVariable() {
      return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
  }

  private final Map<String, Key> keys = new LinkedHashMap<>();

  /** Defines a key with a default value, validated like any configured value. */
  public ConfigDef define(
      String name, Type type, Object defaultValue, Validator validator, String documentation) {
    if (defaultValue == null) {
      throw new IllegalArgumentException(name + ": use defineOptional for keys without a default");
    }
    validator.ensureValid(defaultValue);
    return add(new Key(name, type, defaultValue, validator, documentation));
  }

  /** Defines a key without a default (read it with {@link Values#optionalString}). */
  public ConfigDef defineOptional(
      String name, Type type, Validator validator, String documentation) {
    return add(new Key(name, type, null, validator, documentation));
  }

  private ConfigDef add(Key key) {
    if (keys.putIfAbsent(key.name(), key) != null) {
      throw new IllegalArgumentException("key defined twice: " + key.name());
    }
    return this;
  }

  public Collection<Key> keys() {
    return Collections.unmodifiableCollection(keys.values());
  }

  public Optional<Key> key(String name) {
    return Optional.ofNullable(keys.get(name));
  }

  /**
   * Validated values: each key takes its environment override if set, else its configured value,
   * else its default.
   *
   * @param configured values by dotted key, as read from YAML (an explicit null means "no value",
   *     allowed only for optional keys)
   * @param environment the process environment; only {@code L2CAF_*} variables of defined keys
   *     are read
   * @throws ConfigException naming the first unknown key or invalid value
   */
  public Values parse(Map<String, ?> configured, Map<String, String> environment) {
    for (String name : configured.keySet()) {
      if (!keys.containsKey(name)) {
        throw new ConfigException(name, "unknown configuration key");
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Key key : keys.values()) {
      String fromEnvironment = environment.get(key.environmentVariable());
      Object raw;
      if (fromEnvironment != null) {
        raw = fromEnvironment.isBlank() && key.optional() ? null : fromEnvironment;
      } else if (configured.containsKey(key.name())) {
        raw = configured.get(key.name());
      } else {
        raw = key.defaultValue();
      }
      try {
        values.put(key.name(), parseValue(key, raw));
      } catch (ConfigException e) {
        if (fromEnvironment == null) {
          throw e;
        }
        throw new ConfigException(
            key.name(), e.problem() + " (set by " + key.environmentVariable() + ")");
      }
    }
    return new Values(values);
  }

  private static Object parseValue(Key key, Object raw) {
    if (raw == null) {
      if (key.optional()) {
        return null;
      }
      throw new ConfigException(
          key.name(), "must have a value (default: " + key.defaultValue() + ")");
    }
    Object value;
    try {
      value = convert(key.type(), raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.name(), e.getMessage());
    }
    try {
      key.validator().ensureValid(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.name(), "invalid value '" + value + "': " + e.getMessage());
    }
    return value;
  }

  private static Object convert(Type type, Object raw) {
    if (raw instanceof Map<?, ?>) {
      throw new IllegalArgumentException("expected a " + describe(type) + ", got a section");
    }
    return switch (type) {
      case STRING -> scalar(raw).trim();
      case INT -> {
        long value = toLong(raw);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("out of the integer range: " + value);
        }
        yield (int) value;
      }
      case LONG -> toLong(raw);
      case BOOLEAN -> {
        if (raw instanceof Boolean bool) {
          yield bool;
        }
        String text = scalar(raw).trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
          throw new IllegalArgumentException("expected true or false, got '" + raw + "'");
        }
        yield Boolean.parseBoolean(text);
      }
      case LIST -> {
        List<String> items = new ArrayList<>();
        if (raw instanceof List<?> list) {
          for (Object item : list) {
            items.add(scalar(item).trim());
          }
        } else if (!scalar(raw).isBlank()) {
          Arrays.stream(scalar(raw).split(",")).map(String::trim).forEach(items::add);
        }
        yield List.copyOf(items);
      }
    };
  }

  private static String scalar(Object raw) {
    if (raw == null || raw instanceof List<?> || raw instanceof Map<?, ?>) {
      throw new IllegalArgumentException("expected a single value, got " + raw);
    }
    return raw.toString();
  }

  private static long toLong(Object raw) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
      return ((Number) raw).longValue();
    }
    try {
      return Long.parseLong(scalar(raw).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number, got '" + raw + "'");
    }
  }

  private static String describe(Type type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /** Typed access to parsed values; a getter of the wrong type for a key is a programming error. */
  public static final class Values {
    private final Map<String, Object> values;

    private Values(Map<String, Object> values) {
      this.values = values;
    }

    public String string(String name) {
      return get(name, String.class);
    }

    public Optional<String> optionalString(String name) {
      return Optional.ofNullable(get(name, String.class));
    }

    public int intValue(String name) {
      return get(name, Integer.class);
    }

    public long longValue(String name) {
      return get(name, Long.class);
    }

    public boolean bool(String name) {
      return get(name, Boolean.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
      return get(name, List.class);
    }

    private <T> T get(String name, Class<T> type) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("undefined configuration key " + name);
      }
      return type.cast(values.get(name));
    }
  }
}
