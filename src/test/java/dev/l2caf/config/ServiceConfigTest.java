package dev.l2caf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceConfigTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    return Files.writeString(dir.resolve("application.yaml"), text);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServiceConfig config = ServiceConfig.defaults();

    assertEquals(new KafkaSettings("127.0.0.1:9092", "l2caf.requests", "l2caf.completions",
        "l2caf.requests.dlq", "l2caf-workers", 256, 16_777_216, KafkaSettings.Assignor.COOPERATIVE_STICKY, 45_000),
        config.kafka());
    assertEquals(new S3Settings(Optional.empty(), "us-east-1", "l2caf", "results", true,
        List.of("l2caf"), new S3Settings.Retry(8, Duration.ofMillis(200), Duration.ofSeconds(5)),
        Optional.empty()), config.s3());
    assertEquals(new WorkerSettings("mobilenet-v2-100-224", 32,
        Duration.ofMillis(25), 10_485_760L, 40_000_000L, 10, 4, Duration.ofSeconds(30)),
        config.worker());
    assertEquals(new HttpSettings("127.0.0.1", 8080, Optional.empty()), config.http());
    assertEquals(new ModelStoreSettings(Path.of(System.getProperty("user.home"), ".cache", "l2caf", "models"),
        List.of("../shared/models")), config.models());
  }

  @Test
  void shippedYamlHoldsEveryKeyWithItsDefaultAndDoc() throws IOException {
    Path shipped = Path.of("config", "application.yaml");

    assertEquals(ServiceConfig.defaults(), ServiceConfig.load(shipped, Map.of()));
    String text = Files.readString(shipped);
    for (ConfigDef.Key key : ServiceConfig.definition().keys()) {
      assertTrue(text.contains("# " + key.documentation()), "no doc comment for " + key.name());
    }
  }

  @Test
  void yamlValuesReplaceDefaults() throws IOException {
    Path file = yaml("""
        kafka:
          bootstrap-servers: broker-1:9093,broker-2:9093
        s3:
          endpoint: http://127.0.0.1:9000
          allowed-input-buckets: [images, l2caf]
          retry:
            max-attempts: 3
        worker:
          max-batch: 8
        http:
          port: 9090
        """);

    ServiceConfig config = ServiceConfig.load(file, Map.of());

    assertEquals("broker-1:9093,broker-2:9093", config.kafka().bootstrapServers());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), config.s3().endpoint());
    assertEquals(List.of("images", "l2caf"), config.s3().allowedInputBuckets());
    assertEquals(3, config.s3().retry().maxAttempts());
    assertEquals(8, config.worker().maxBatch());
    assertEquals(9090, config.http().port());
    assertEquals("l2caf.requests", config.kafka().requestsTopic(), "unset keys keep defaults");
  }

  @Test
  void environmentOverridesWinOverYaml() throws IOException {
    Path file = yaml("""
        s3:
          bucket: from-yaml
        http:
          port: 9090
        """);
    Map<String, String> env = Map.of(
        "L2CAF_KAFKA_BOOTSTRAP_SERVERS", "10.0.0.5:9092",
        "L2CAF_S3_ENDPOINT", "http://127.0.0.1:9999",
        "L2CAF_S3_BUCKET", "from-env",
        "L2CAF_S3_ALLOWED_INPUT_BUCKETS", "in-one, in-two",
        "L2CAF_S3_RETRY_BASE_DELAY_MS", "10",
        "L2CAF_HTTP_PORT", "9100",
        "L2CAF_LOG_LEVEL", "DEBUG"); // not a config key: ignored

    ServiceConfig config = ServiceConfig.load(file, env);

    assertEquals("10.0.0.5:9092", config.kafka().bootstrapServers());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:9999")), config.s3().endpoint());
    assertEquals("from-env", config.s3().bucket());
    assertEquals(List.of("in-one", "in-two"), config.s3().allowedInputBuckets());
    assertEquals(Duration.ofMillis(10), config.s3().retry().baseDelay());
    assertEquals(9100, config.http().port());
  }

  @Test
  void assignorIsNamedAsInTheConfiguration() {
    ServiceConfig config = ServiceConfig.fromEnvironment(Map.of("L2CAF_KAFKA_ASSIGNOR", "range"));

    assertEquals(KafkaSettings.Assignor.RANGE, config.kafka().assignor());
    assertEquals("org.apache.kafka.clients.consumer.RangeAssignor", config.kafka().assignor().className());
  }

  @Test
  void environmentVariableNamesFollowTheKeys() {
    ConfigDef.Key key = ServiceConfig.definition().key("s3.retry.max-attempts").orElseThrow();
    assertEquals("L2CAF_S3_RETRY_MAX_ATTEMPTS", key.environmentVariable());
  }

  @Test
  void unknownKeyIsNamed() throws IOException {
    Path file = yaml("""
        kafka:
          bootstrap-server: 127.0.0.1:9092
        """);

    ConfigException error =
        assertThrows(ConfigException.class, () -> ServiceConfig.load(file, Map.of()));

    assertEquals("kafka.bootstrap-server", error.key());
    assertTrue(error.getMessage().contains("unknown configuration key"), error.getMessage());
  }

  @Test
  void unknownSectionIsNamed() throws IOException {
    Path file = yaml("""
        database:
          url: x
        """);

    ConfigException error =
        assertThrows(ConfigException.class, () -> ServiceConfig.load(file, Map.of()));

    assertEquals("database.url", error.key());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http:\\n  port: 70000                      | http.port",
      "http:\\n  port: -1                         | http.port",
      "http:\\n  port: eighty                     | http.port",
      "worker:\\n  max-batch: 0                   | worker.max-batch",
      "worker:\\n  max-image-bytes: -5            | worker.max-image-bytes",
      "s3:\\n  retry:\\n    max-attempts: lots     | s3.retry.max-attempts",
      "s3:\\n  bucket: Not_A_Bucket               | s3.bucket",
      "s3:\\n  endpoint: file:///etc              | s3.endpoint",
      "s3:\\n  prefix: ../up                      | s3.prefix",
      "s3:\\n  allowed-input-buckets: [ok-1, X]   | s3.allowed-input-buckets",
      "s3:\\n  path-style: maybe                  | s3.path-style",
      "kafka:\\n  bootstrap-servers: no-port      | kafka.bootstrap-servers",
      "kafka:\\n  requests-topic: \"bad topic\"     | kafka.requests-topic",
      "kafka:\\n  group-id: ~                     | kafka.group-id",
      "kafka:\\n  assignor: sticky                | kafka.assignor",
      "kafka:\\n  session-timeout-ms: 0           | kafka.session-timeout-ms",
      "s3:\\n  retry:\\n    base-delay-ms: 9000    | s3.retry.base-delay-ms",
  })
  void invalidValueIsNamed(String text, String key) throws IOException {
    Path file = yaml(text.replace("\\n", "\n") + "\n");

    ConfigException error =
        assertThrows(ConfigException.class, () -> ServiceConfig.load(file, Map.of()));

    assertEquals(key, error.key(), error.getMessage());
    assertTrue(error.getMessage().startsWith(key + ": "), error.getMessage());
  }

  @Test
  void invalidEnvironmentValueIsNamed() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> ServiceConfig.fromEnvironment(Map.of("L2CAF_HTTP_PORT", "99999")));

    assertEquals("http.port", error.key());
    assertTrue(error.getMessage().endsWith("(set by L2CAF_HTTP_PORT)"), error.getMessage());
  }

  @Test
  void secretsComeFromTheEnvironmentAndNeverPrint() {
    Map<String, String> env = Map.of(
        "AWS_ACCESS_KEY_ID", "AKIDEXAMPLEKEY",
        "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIexamplesecret",
        "L2CAF_HTTP_BEARER_TOKEN", "bearer-token-value");

    ServiceConfig config = ServiceConfig.fromEnvironment(env);

    S3Credentials credentials = config.s3().credentials().orElseThrow();
    assertEquals("AKIDEXAMPLEKEY", credentials.accessKeyId().value());
    assertEquals("wJalrXUtnFEMIexamplesecret", credentials.secretAccessKey().value());
    assertEquals("bearer-token-value", config.http().bearerToken().orElseThrow().value());
    String printed = config.toString();
    for (String secret : env.values()) {
      assertFalse(printed.contains(secret), "secret leaked: " + printed);
    }
    assertTrue(printed.contains("[hidden]"), printed);
  }

  @Test
  void secretsInYamlAreRefused() throws IOException {
    Path file = yaml("""
        http:
          bearer-token: oops
        """);

    ConfigException error =
        assertThrows(ConfigException.class, () -> ServiceConfig.load(file, Map.of()));

    assertEquals("http.bearer-token", error.key());
    assertTrue(error.getMessage().contains("L2CAF_HTTP_BEARER_TOKEN"), error.getMessage());
    assertFalse(error.getMessage().contains("oops"));
  }

  @Test
  void halfSetAwsCredentialsAreRefused() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> ServiceConfig.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEKEY")));

    assertEquals("AWS_SECRET_ACCESS_KEY", error.key());
  }

  @Test
  void missingFileIsReported() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> ServiceConfig.load(dir.resolve("absent.yaml"), Map.of()));

    assertTrue(error.getMessage().contains("not found"), error.getMessage());
  }

  @Test
  void emptyFileMeansDefaults() throws IOException {
    assertEquals(ServiceConfig.defaults(), ServiceConfig.load(yaml("# nothing set\n"), Map.of()));
  }
}
