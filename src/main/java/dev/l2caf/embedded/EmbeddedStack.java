package dev.l2caf.embedded;

import dev.l2caf.config.ConfigDef;
import dev.l2caf.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka broker and an S3 server in this process, with the service's topics and bucket created, and the
 * configuration that points a worker at them: what {@code demo} and {@code soak} run on. With kept data
 * folders, either server can be stopped and started again on the same port, as an outage would.
 */
public final class EmbeddedStack implements AutoCloseable {
  private final Path kafkaDir;
  private final Path objectsDir;
  private final String bucket;
  // Replaced by a restart while other threads read the endpoints.
  private volatile EmbeddedKafka kafka;
  private volatile EmbeddedS3 s3;

  private EmbeddedStack(EmbeddedKafka kafka, Path kafkaDir, EmbeddedS3 s3, Path objectsDir, String bucket) {
    this.kafka = kafka;
    this.kafkaDir = kafkaDir;
    this.s3 = s3;
    this.objectsDir = objectsDir;
    this.bucket = bucket;
  }

  /**
   * @param kafkaDir the broker's log folder, kept across runs; null for a temporary one
   * @param objectsDir the folder the S3 server serves (a folder per bucket); null to keep objects in memory
   */
  public static EmbeddedStack start(int kafkaPort, Path kafkaDir, int s3Port, Path objectsDir, String accessKey,
      String secret, String bucket) {
    EmbeddedKafka kafka = kafkaDir == null ? EmbeddedKafka.start(kafkaPort) : EmbeddedKafka.start(kafkaPort, kafkaDir);
    try {
      EmbeddedS3 s3 = objectsDir == null
          ? EmbeddedS3.startInMemory(s3Port, accessKey, secret)
          : EmbeddedS3.startOnDirectory(s3Port, objectsDir, accessKey, secret);
      s3.createBucket(bucket);
      EmbeddedStack stack = new EmbeddedStack(kafka, kafkaDir, s3, objectsDir, bucket);
      ServiceConfig defaults = stack.config(Map.of());
      kafka.createTopics(Map.of(defaults.kafka().requestsTopic(), 3, defaults.kafka().completionsTopic(), 1,
          defaults.kafka().dlqTopic(), 1));
      return stack;
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  private static final List<String> MODEL_VARIABLES = List.of(
      ConfigDef.ENV_PREFIX + "MODELS", ConfigDef.ENV_PREFIX + "MODEL_MIRRORS", ConfigDef.ENV_PREFIX + "WORKER_MODEL");

  /** The worker's configuration for this stack (defaults otherwise), with {@code overrides} (L2CAF_* names). */
  public ServiceConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(Map.of(
        "L2CAF_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "L2CAF_S3_ENDPOINT", s3.endpoint().toString(),
        "L2CAF_S3_BUCKET", bucket,
        "L2CAF_S3_ALLOWED_INPUT_BUCKETS", bucket,
        "AWS_ACCESS_KEY_ID", s3.credentials().accessKeyId().value(),
        "AWS_SECRET_ACCESS_KEY", s3.credentials().secretAccessKey().value()));
    // Which models, and from which store, is this machine's choice: the servers here are not.
    for (String variable : MODEL_VARIABLES) {
      String value = System.getenv(variable);
      if (value != null) {
        env.put(variable, value);
      }
    }
    env.putAll(overrides);
    return ServiceConfig.fromEnvironment(env);
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedS3 s3() {
    return s3;
  }

  /** Stops the broker, waits {@code down}, and starts it again on the same port over the same data. */
  public void restartKafka(Duration down) throws InterruptedException {
    if (kafkaDir == null) {
      throw new IllegalStateException("a broker on a temporary folder loses its data when stopped");
    }
    int port = kafka.port();
    kafka.close();
    Thread.sleep(down.toMillis());
    kafka = EmbeddedKafka.start(port, kafkaDir);
  }

  /** Stops the S3 server, waits {@code down}, and starts it again on the same port over the same folder. */
  public void restartS3(Duration down) throws InterruptedException {
    if (objectsDir == null) {
      throw new IllegalStateException("an S3 server in memory loses its objects when stopped");
    }
    EmbeddedS3 stopped = s3;
    int port = stopped.port();
    stopped.close();
    Thread.sleep(down.toMillis());
    s3 = EmbeddedS3.startOnDirectory(port, objectsDir, stopped.credentials().accessKeyId().value(),
        stopped.credentials().secretAccessKey().value());
  }

  @Override
  public void close() {
    try {
      s3.close();
    } finally {
      kafka.close();
    }
  }
}
