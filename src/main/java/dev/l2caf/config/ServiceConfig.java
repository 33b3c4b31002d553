package dev.l2caf.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole service configuration, immutable and validated.
 *
 * <p>Each key ({@link #definition()} documents them all with their defaults) is read, first to
 * last, from its environment variable {@code L2CAF_<KEY>} (dots and dashes become underscores:
 * {@code s3.retry.max-attempts} -> {@code L2CAF_S3_RETRY_MAX_ATTEMPTS}), else the YAML file, else
 * its default. Secrets are read from the environment only: S3 keys from {@code AWS_ACCESS_KEY_ID}
 * / {@code AWS_SECRET_ACCESS_KEY} (/ {@code AWS_SESSION_TOKEN}) and the HTTP bearer token from
 * {@code L2CAF_HTTP_BEARER_TOKEN}; a YAML file that names one is refused.
 */
public record ServiceConfig(
    KafkaSettings kafka, S3Settings s3, WorkerSettings worker, HttpSettings http, ModelStoreSettings models) {

  /** The configuration file shipped with the service, relative to its working directory. */
  public static final Path DEFAULT_FILE = Path.of("config", "application.yaml");

  private static final ConfigDef DEFINITION = defineAll();

  /** YAML keys that would hold secrets: refused with a pointer to the right variable. */
  private static final Map<String, String> SECRET_KEYS = Map.of(
      "http.bearer-token", HttpSettings.BEARER_TOKEN_ENV,
      "s3.access-key", S3Credentials.ACCESS_KEY_ID_ENV,
      "s3.access-key-id", S3Credentials.ACCESS_KEY_ID_ENV,
      "s3.secret-key", S3Credentials.SECRET_ACCESS_KEY_ENV,
      "s3.secret-access-key", S3Credentials.SECRET_ACCESS_KEY_ENV);

  private static ConfigDef defineAll() {
    ConfigDef def = new ConfigDef();
    KafkaSettings.define(def);
    S3Settings.define(def);
    WorkerSettings.define(def);
    HttpSettings.define(def);
    ModelStoreSettings.define(def);
    return def;
  }

  /** Every key with its type, default and documentation. */
  public static ConfigDef definition() {
    return DEFINITION;
  }

  /** All defaults, no secrets; ignores the environment. */
  /** This configuration with its models found in {@code store} (a command-line flag beats file and environment). */
  public ServiceConfig withModelStore(Path store) {
    return new ServiceConfig(kafka, s3, worker, http, new ModelStoreSettings(store, models.mirrors()));
  }

  public static ServiceConfig defaults() {
    return build(Map.of(), Map.of());
  }

  /** Defaults overridden by {@code environment} (no file). */
  public static ServiceConfig fromEnvironment(Map<String, String> environment) {
    return build(Map.of(), environment);
  }

  /**
   * The configuration in {@code yaml}, overridden by {@code environment}.
   *
   * @throws ConfigException when the file is missing or unreadable, names an unknown key or a
   *     secret, or holds an invalid value; the message names the key
   */
  public static ServiceConfig load(Path yaml, Map<String, String> environment) {
    return build(readYaml(yaml), environment);
  }

  private static ServiceConfig build(Map<String, Object> configured, Map<String, String> env) {
    for (String key : configured.keySet()) {
      String variable = SECRET_KEYS.get(key);
      if (variable != null) {
        throw new ConfigException(key, "secrets are not read from files; set " + variable);
      }
    }
    ConfigDef.Values values = DEFINITION.parse(configured, env);
    return new ServiceConfig(
        KafkaSettings.from(values),
        S3Settings.from(values, S3Credentials.fromEnvironment(env)),
        WorkerSettings.from(values),
        HttpSettings.from(values, Secret.fromEnvironment(env, HttpSettings.BEARER_TOKEN_ENV)),
        ModelStoreSettings.from(values));
  }

  private static Map<String, Object> readYaml(Path yaml) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    Object root;
    try {
      JsonNode tree = mapper.readTree(Files.readAllBytes(yaml));
      root = tree == null || tree.isMissingNode() ? null : mapper.treeToValue(tree, Object.class);
    } catch (NoSuchFileException e) {
      throw new ConfigException(yaml.toString(), "configuration file not found");
    } catch (JsonProcessingException e) {
      throw new ConfigException(yaml.toString(), "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(yaml.toString(), "cannot read: " + e.getMessage());
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    if (root instanceof Map<?, ?> sections) {
      flatten("", sections, flat);
    } else if (root != null) {
      throw new ConfigException(yaml.toString(), "expected sections of keys at the top level");
    }
    return flat;
  }

  /** {@code {s3: {retry: {max-attempts: 3}}}} -> {@code {s3.retry.max-attempts: 3}}. */
  private static void flatten(String prefix, Map<?, ?> node, Map<String, Object> flat) {
    for (Map.Entry<?, ?> entry : node.entrySet()) {
      String key = prefix + entry.getKey();
      if (entry.getValue() instanceof Map<?, ?> section && !isDefinedKey(key)) {
        flatten(key + ".", section, flat);
      } else {
        flat.put(key, entry.getValue());
      }
    }
  }

  private static boolean isDefinedKey(String key) {
    return DEFINITION.key(key).isPresent();
  }
}
