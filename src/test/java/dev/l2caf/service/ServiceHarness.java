package dev.l2caf.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.embedded.EmbeddedKafka;
import dev.l2caf.embedded.EmbeddedS3;
import dev.l2caf.embedded.EmbeddedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A real broker and a real S3 server on loopback, and plain Kafka clients to talk to the service. */
public final class ServiceHarness implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String ACCESS_KEY = "test-access";
  public static final String SECRET = "test-secret-value-1234";

  public final EmbeddedKafka kafka;
  public final EmbeddedS3 s3;
  public final ServiceConfig config;
  private final EmbeddedStack stack;
  private final KafkaProducer<String, byte[]> producer;

  public ServiceHarness(Map<String, String> overrides) {
    stack = EmbeddedStack.start(0, null, 0, null, ACCESS_KEY, SECRET, "l2caf");
    kafka = stack.kafka();
    s3 = stack.s3();
    Map<String, String> env = new HashMap<>(Map.of("L2CAF_KAFKA_GROUP_ID", "test-" + UUID.randomUUID()));
    env.putAll(overrides);
    config = stack.config(env);
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("acks", "all");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  public void send(String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>("l2caf.requests", key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void send(String key, Object json) {
    try {
      send(key, JSON.writeValueAsBytes(json));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads {@code topic} from the start until {@code count} records arrived or the timeout passed. */
  public List<ConsumerRecord<String, byte[]>> read(String topic, int count, Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("group.id", "reader-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  public static JsonNode json(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + new String(value), e);
    }
  }

  @Override
  public void close() {
    producer.close();
    stack.close();
  }
}
