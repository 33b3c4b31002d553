package dev.l2caf.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the completion topic from where it ended when the watch was opened, so that opening it before
 * publishing catches every completion of the published requests.
 */
public final class CompletionWatch implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaConsumer<String, byte[]> consumer;

  public CompletionWatch(String bootstrapServers, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("group.id", "l2caf-submit-" + UUID.randomUUID());
    p.put("enable.auto.commit", "false");
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end offsets now, before anything is published
  }

  /**
   * Completion events of {@code ids} (the first of each; duplicates of at-least-once delivery are
   * ignored), until all arrived or {@code timeout} passed.
   */
  public Map<String, JsonNode> await(Set<String> ids, Duration timeout, Consumer<JsonNode> onEach) {
    Map<String, JsonNode> seen = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (seen.size() < ids.size() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (ids.contains(record.key()) && !seen.containsKey(record.key())) {
          JsonNode node = parse(record.value());
          seen.put(record.key(), node);
          onEach.accept(node);
        }
      }
    }
    return seen;
  }

  private static JsonNode parse(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      return JSON.createObjectNode().put("status", "error").put("unparseable", true);
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
