package dev.l2caf.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
  private static final String TOPIC = "l2caf.test";
  private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(15);

  @Test
  void producesAndConsumesThroughARealBroker() throws Exception {
    Path logDir;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
      logDir = kafka.logDir();
      assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
      kafka.createTopics(Map.of(TOPIC, 3));
      kafka.createTopics(Map.of(TOPIC, 3)); // an existing topic is left as it is

      produce(kafka.bootstrapServers(), 10);
      List<ConsumerRecord<String, String>> records =
          consume(kafka.bootstrapServers(), "group-a", 10);

      Set<String> values = new TreeSet<>();
      Set<Integer> partitions = new TreeSet<>();
      for (ConsumerRecord<String, String> record : records) {
        values.add(record.value());
        partitions.add(record.partition());
        assertEquals(record.key(), "key-" + record.value().substring("value-".length()));
      }
      assertEquals(10, values.size(), values.toString());
      assertEquals(Set.of(0, 1, 2), partitions, "keys spread over the 3 partitions");
    }
    assertFalse(Files.exists(logDir), "a temporary log folder is deleted on close");
  }

  @Test
  void keptLogFolderSurvivesARestart(@TempDir Path logDir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, logDir)) {
      kafka.createTopics(Map.of(TOPIC, 1));
      produce(kafka.bootstrapServers(), 3);
    }
    try (EmbeddedKafka restarted = EmbeddedKafka.start(0, logDir)) {
      assertEquals(3, consume(restarted.bootstrapServers(), "group-b", 3).size());
    }
  }

  private static void produce(String bootstrapServers, int count) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i)).get();
      }
    }
  }

  private static List<ConsumerRecord<String, String>> consume(
      String bootstrapServers, String group, int count) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      consumer.commitSync();
    }
    assertEquals(count, records.size(), "records consumed within " + CONSUME_TIMEOUT);
    return records;
  }
}
