package dev.l2caf.config;

import static dev.l2caf.config.ConfigDef.Type.INT;
import static dev.l2caf.config.ConfigDef.Type.STRING;
import static dev.l2caf.config.Validators.atLeast;
import static dev.l2caf.config.Validators.hostPortList;
import static dev.l2caf.config.Validators.kafkaName;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where requests come from and completions go. */
public record KafkaSettings(
    String bootstrapServers,
    String requestsTopic,
    String completionsTopic,
    String dlqTopic,
    String groupId,
    int maxInFlight,
    int maxMessageBytes,
    Assignor assignor,
    int sessionTimeoutMs) {

  public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
  public static final String REQUESTS_TOPIC = "kafka.requests-topic";
  public static final String COMPLETIONS_TOPIC = "kafka.completions-topic";
  public static final String DLQ_TOPIC = "kafka.dlq-topic";
  public static final String GROUP_ID = "kafka.group-id";
  public static final String MAX_IN_FLIGHT = "kafka.max-in-flight";
  public static final String MAX_MESSAGE_BYTES = "kafka.max-message-bytes";
  public static final String ASSIGNOR = "kafka.assignor";
  public static final String SESSION_TIMEOUT_MS = "kafka.session-timeout-ms";

  /** How the group spreads partitions over workers, by its name in the configuration. */
  public enum Assignor {
    /** Kafka's eager default: every member gives up all its partitions at each rebalance. */
    RANGE("range", "org.apache.kafka.clients.consumer.RangeAssignor"),
    /** Incremental: only the partitions that move are revoked; the others keep being served. */
    COOPERATIVE_STICKY("cooperative-sticky", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");

    private final String configName;
    private final String className;

    Assignor(String configName, String className) {
      this.configName = configName;
      this.className = className;
    }

    public String configName() {
      return configName;
    }

    /** The value of the consumer's {@code partition.assignment.strategy}. */
    public String className() {
      return className;
    }

    static Assignor named(String name) {
      return Arrays.stream(values()).filter(a -> a.configName.equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("must be one of " + names()));
    }

    static String names() {
      return Arrays.stream(values()).map(Assignor::configName).collect(Collectors.joining(", "));
    }
  }

  static void define(ConfigDef def) {
    def.define(BOOTSTRAP_SERVERS, STRING, "127.0.0.1:9092", hostPortList(),
            "Kafka brokers to bootstrap from, comma-separated host:port.")
        .define(REQUESTS_TOPIC, STRING, "l2caf.requests", kafkaName(),
            "Topic the workers consume explanation requests from.")
        .define(COMPLETIONS_TOPIC, STRING, "l2caf.completions", kafkaName(),
            "Topic the workers publish one completion record per request to.")
        .define(DLQ_TOPIC, STRING, "l2caf.requests.dlq", kafkaName(),
            "Dead-letter topic for requests that cannot be parsed or keep failing.")
        .define(GROUP_ID, STRING, "l2caf-workers", kafkaName(),
            "Consumer group shared by all workers.")
        .define(MAX_IN_FLIGHT, INT, 256, atLeast(1),
            "Most requests a worker holds (consumed, not yet committed) at once.")
        .define(MAX_MESSAGE_BYTES, INT, 16_777_216, atLeast(1024),
            "Largest request or completion record, in bytes.")
        .define(ASSIGNOR, STRING, Assignor.COOPERATIVE_STICKY.configName(), value -> Assignor.named(value.toString()),
            "How partitions are spread over the group's workers: " + Assignor.names() + " (see docs/reliability.md).")
        .define(SESSION_TIMEOUT_MS, INT, 45_000, atLeast(1),
            "How long the group waits for a silent (crashed) worker before moving its partitions, in milliseconds.");
  }

  static KafkaSettings from(ConfigDef.Values values) {
    return new KafkaSettings(
        values.string(BOOTSTRAP_SERVERS),
        values.string(REQUESTS_TOPIC),
        values.string(COMPLETIONS_TOPIC),
        values.string(DLQ_TOPIC),
        values.string(GROUP_ID),
        values.intValue(MAX_IN_FLIGHT),
        values.intValue(MAX_MESSAGE_BYTES),
        Assignor.named(values.string(ASSIGNOR)),
        values.intValue(SESSION_TIMEOUT_MS));
  }
}
