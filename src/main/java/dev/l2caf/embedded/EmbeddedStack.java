package dev.l2caf.embedded;

import dev.l2caf.config.ConfigDef;
import dev.l2caf.config.ServiceConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka broker and an S3 server in this process, with the service's topics and bucket created, and the
 * configuration that points a worker at them: what {@code demo} and {@code soak} run on.
 */
public final class EmbeddedStack implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final EmbeddedS3 s3;
  private final String bucket;

  private EmbeddedStack(EmbeddedKafka kafka, EmbeddedS3 s3, String bucket) {
    this.kafka = kafka;
    this.s3 = s3;
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
      EmbeddedStack stack = new EmbeddedStack(kafka, s3, bucket);
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

  @Override
  public void close() {
    try {
      s3.close();
    } finally {
      kafka.close();
    }
  }
}
