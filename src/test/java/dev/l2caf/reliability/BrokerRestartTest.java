package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.TestAssets;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.embedded.EmbeddedKafka;
import dev.l2caf.embedded.EmbeddedS3;
import dev.l2caf.image.TestImages;
import dev.l2caf.service.ServiceRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker restarts in the middle of 500 requests: once it is back every request has an ok completion,
 * and a request answered twice (published, not yet committed) was answered identically.
 */
class BrokerRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REQUESTS = 500;

  @TempDir Path kafkaData;

  @Test
  void everyRequestCompletesAcrossABrokerRestart() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(0, kafkaData);
    int port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
    try (EmbeddedS3 s3 = EmbeddedS3.startInMemory(0, "restart", "restart-secret-value")) {
      s3.createBucket("l2caf");
      kafka.createTopics(Map.of("l2caf.requests", 3, "l2caf.completions", 1, "l2caf.requests.dlq", 1));
      ServiceConfig config = ServiceConfig.fromEnvironment(Map.of(
          "L2CAF_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
          "L2CAF_KAFKA_GROUP_ID", "restart-" + UUID.randomUUID(),
          "L2CAF_S3_ENDPOINT", s3.endpoint().toString(),
          "L2CAF_HTTP_PORT", "0",
          "AWS_ACCESS_KEY_ID", "restart",
          "AWS_SECRET_ACCESS_KEY", "restart-secret-value")).withModelStore(TestAssets.MODEL_STORE);
      String image = Base64.getEncoder().encodeToString(TestImages.jpeg(TestImages.quadrants(96, 64)));
      try (ServiceRunner runner = ServiceRunner.start(config)) {
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
          for (int i = 0; i < REQUESTS; i++) {
            String id = "restart-" + i;
            producer.send(new ProducerRecord<>("l2caf.requests", id, JSON.writeValueAsBytes(
                Map.of("id", id, "image", Map.of("base64", image), "outputs", List.of("raw_json")))));
          }
        }
        awaitCompletions(kafka.bootstrapServers(), REQUESTS / 4, Duration.ofSeconds(120));
        kafka.close(); // mid-stream: about a quarter answered
        Thread.sleep(3_000);
        kafka = EmbeddedKafka.start(port, kafkaData);
        Map<String, List<JsonNode>> byId = awaitCompletions(kafka.bootstrapServers(), REQUESTS, Duration.ofSeconds(300));
        for (int i = 0; i < REQUESTS; i++) {
          List<JsonNode> all = byId.get("restart-" + i);
          assertNotNull(all, "restart-" + i + " has no completion");
          for (JsonNode c : all) {
            assertEquals("ok", c.get("status").asText(), c.toString());
            SameAnswers.assertSame(all.get(0), c, "duplicate of restart-" + i);
          }
        }
      }
    } finally {
      kafka.close();
    }
  }

  private static Map<String, List<JsonNode>> awaitCompletions(String bootstrap, int distinct, Duration timeout)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "reader-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    Map<String, List<JsonNode>> byId = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("l2caf.completions"));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (byId.size() < distinct && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          byId.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(JSON.readTree(r.value()));
        }
      }
    }
    return byId;
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
