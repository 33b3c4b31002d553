package dev.l2caf.config;

import static dev.l2caf.config.ConfigDef.Type.INT;
import static dev.l2caf.config.ConfigDef.Type.STRING;
import static dev.l2caf.config.Validators.atLeast;
import static dev.l2caf.config.Validators.hostPortList;
import static dev.l2caf.config.Validators.kafkaName;

/** Where requests come from and completions go. */
public record KafkaSettings(
    String bootstrapServers,
    String requestsTopic,
    String completionsTopic,
    String dlqTopic,
    String groupId,
    int maxInFlight,
    int maxMessageBytes) {

  public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
  public static final String REQUESTS_TOPIC = "kafka.requests-topic";
  public static final String COMPLETIONS_TOPIC = "kafka.completions-topic";
  public static final String DLQ_TOPIC = "kafka.dlq-topic";
  public static final String GROUP_ID = "kafka.group-id";
  public static final String MAX_IN_FLIGHT = "kafka.max-in-flight";
  public static final String MAX_MESSAGE_BYTES = "kafka.max-message-bytes";

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
            "Largest request or completion record, in bytes.");
  }

  static KafkaSettings from(ConfigDef.Values values) {
    return new KafkaSettings(
        values.string(BOOTSTRAP_SERVERS),
        values.string(REQUESTS_TOPIC),
        values.string(COMPLETIONS_TOPIC),
        values.string(DLQ_TOPIC),
        values.string(GROUP_ID),
        values.intValue(MAX_IN_FLIGHT),
        values.intValue(MAX_MESSAGE_BYTES));
  }
}
