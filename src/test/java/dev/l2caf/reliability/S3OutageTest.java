package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.TestAssets;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.embedded.EmbeddedKafka;
import dev.l2caf.embedded.EmbeddedS3;
import dev.l2caf.service.ServiceRunner;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.S3Uri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * The S3 server stops for 10 s in the middle of a stream: reads and writes wait and retry, every request
 * still ends ok once it is back, and every ok completion's files are really stored.
 */
class S3OutageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SAMPLES = List.of("dog.jpg", "eagle.jpg", "horses.jpg");
  private static final int REQUESTS = 60;

  @TempDir Path objects;

  @Test
  void requestsSurviveAnOutageAndNothingOkIsMissing() throws Exception {
    String key = "outage-key";
    String secret = "outage-secret-value";
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
      EmbeddedS3 s3 = EmbeddedS3.startOnDirectory(0, objects, key, secret);
      int s3Port = s3.port();
      s3.createBucket("l2caf");
      kafka.createTopics(Map.of("l2caf.requests", 3, "l2caf.completions", 1, "l2caf.requests.dlq", 1));
      ServiceConfig config = ServiceConfig.fromEnvironment(Map.of(
          "L2CAF_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
          "L2CAF_KAFKA_GROUP_ID", "outage-" + UUID.randomUUID(),
          "L2CAF_S3_ENDPOINT", s3.endpoint().toString(),
          "L2CAF_S3_RETRY_MAX_ATTEMPTS", "2",
          "L2CAF_S3_RETRY_BASE_DELAY_MS", "100",
          "L2CAF_S3_RETRY_MAX_DELAY_MS", "1000",
          "L2CAF_HTTP_PORT", "0",
          "AWS_ACCESS_KEY_ID", key,
          "AWS_SECRET_ACCESS_KEY", secret)).withModelStore(TestAssets.MODEL_STORE);
      try (ObjectStore store = ObjectStore.create(config.s3())) {
        for (String name : SAMPLES) {
          store.put("inputs/" + name, TestAssets.sampleBytes(name), "image/jpeg").get(30, TimeUnit.SECONDS);
        }
      }
      ServiceRunner runner = ServiceRunner.start(config);
      try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
        for (int i = 0; i < REQUESTS; i++) {
          String sample = SAMPLES.get(i % SAMPLES.size());
          Map<String, Object> image = i % 2 == 0
              ? Map.of("uri", "s3://l2caf/inputs/" + sample)
              : Map.of("base64", Base64.getEncoder().encodeToString(TestAssets.sampleBytes(sample)));
          String id = "outage-" + i;
          producer.send(new ProducerRecord<>("l2caf.requests", id, JSON.writeValueAsBytes(Map.of("id", id, "image", image))));
          if (i == REQUESTS / 3) {
            producer.flush();
            s3.close(); // the outage starts with two thirds of the stream still to come
            Thread.sleep(10_000);
            s3 = EmbeddedS3.startOnDirectory(s3Port, objects, key, secret);
          }
        }
      }
      Map<String, JsonNode> completions = read(kafka, REQUESTS, Duration.ofSeconds(180));
      try (ObjectStore store = ObjectStore.create(config.s3())) {
        for (int i = 0; i < REQUESTS; i++) {
          JsonNode c = completions.get("outage-" + i);
          assertNotNull(c, "outage-" + i + " got no completion");
          assertEquals("ok", c.get("status").asText(), c.toString());
          for (JsonNode explanation : c.get("explanations")) {
            for (JsonNode uri : explanation.get("files")) {
              S3Uri stored = S3Uri.parse(uri.asText());
              assertTrue(store.exists(stored.key()).get(30, TimeUnit.SECONDS), "reported ok but missing: " + uri);
            }
          }
        }
      } finally {
        runner.close();
        s3.close();
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** The first completion of each id, as the consumers of the topic would see it. */
  static Map<String, JsonNode> read(EmbeddedKafka kafka, int count, Duration timeout) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("group.id", "reader-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    Map<String, JsonNode> byId = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("l2caf.completions"));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (byId.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          byId.putIfAbsent(r.key(), JSON.readTree(r.value()));
        }
      }
    }
    return byId;
  }
}
