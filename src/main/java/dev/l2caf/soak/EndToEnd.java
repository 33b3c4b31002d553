package dev.l2caf.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.embedded.EmbeddedStack;
import dev.l2caf.service.ServiceRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real service path in this process: an embedded Kafka broker and S3 server (objects on disk, so the
 * heap measures the worker, not the results), the worker, a producer of inline-JPEG requests and a reader
 * of completions. Shared by {@code soak} (a fixed number of requests) and {@code bench}'s e2e rows (a fixed
 * time).
 */
public final class EndToEnd implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "soak";
  private static final String SECRET = "soak-secret-value";
  private static final Duration ROW_TIMEOUT = Duration.ofMinutes(10);

  private final Path objects;
  private final Path kafkaData;
  private final EmbeddedStack stack;
  private final ServiceConfig config;
  private volatile ServiceRunner runner; // replaced by replaceWorker() while the soak reads it
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private int rows;

  private EndToEnd(Path objects, Path kafkaData, EmbeddedStack stack, ServiceConfig config, ServiceRunner runner) {
    this.objects = objects;
    this.kafkaData = kafkaData;
    this.stack = stack;
    this.config = config;
    this.runner = runner;
    this.producer = producer(stack);
    this.consumer = consumer(stack);
    consumer.subscribe(List.of(config.kafka().completionsTopic()));
  }

  /**
   * @param model the worker's model folder, or null for the configured default
   * @param maxBatch the worker's largest batch, or null for the configured default
   */
  public static EndToEnd start(Path model, Integer maxBatch) throws Exception {
    Map<String, String> settings = new HashMap<>();
    if (model != null) {
      settings.put("L2CAF_WORKER_MODEL", model.toAbsolutePath().toString());
    }
    if (maxBatch != null) {
      settings.put("L2CAF_WORKER_MAX_BATCH", String.valueOf(maxBatch));
    }
    return start(settings);
  }

  /** @param settings the worker's configuration beyond the stack's endpoints (L2CAF_* names) */
  static EndToEnd start(Map<String, String> settings) throws Exception {
    Path objects = Files.createTempDirectory("l2caf-e2e-objects");
    // Kept on disk, not temporary, so that the broker can be restarted on its data (soak --chaos).
    Path kafkaData = Files.createTempDirectory("l2caf-e2e-kafka");
    EmbeddedStack stack = null;
    try {
      stack = EmbeddedStack.start(0, kafkaData, 0, objects, KEY, SECRET, "l2caf");
      Map<String, String> overrides = new HashMap<>(Map.of(
          "L2CAF_KAFKA_GROUP_ID", "e2e-" + UUID.randomUUID(),
          "L2CAF_HTTP_PORT", "0"));
      overrides.putAll(settings);
      ServiceConfig config = stack.config(overrides);
      return new EndToEnd(objects, kafkaData, stack, config, ServiceRunner.start(config));
    } catch (Exception | Error e) {
      if (stack != null) {
        stack.close();
      }
      deleteRecursively(objects);
      deleteRecursively(kafkaData);
      throw e;
    }
  }

  public ServiceRunner runner() {
    return runner;
  }

  public ServiceConfig config() {
    return config;
  }

  EmbeddedStack stack() {
    return stack;
  }

  /** Stops the worker gracefully, as a rollout would, and starts a new one on the same configuration. */
  void replaceWorker() throws Exception {
    runner.close();
    runner = ServiceRunner.start(config);
  }

  /**
   * Requests for one photo, inline, with any id: the JSON is written once, as writing a photo's base64 per
   * request would cost this process (which also runs the worker) more than the worker's parsing.
   */
  static final class RequestTemplate {
    private final byte[] afterId;

    /** @param outputs the outputs to ask for, empty for the service's default */
    RequestTemplate(byte[] image, List<String> outputs) throws IOException {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("image", Map.of("base64", Base64.getEncoder().encodeToString(image)));
      if (!outputs.isEmpty()) {
        request.put("outputs", outputs);
      }
      byte[] json = JSON.writeValueAsBytes(request);
      afterId = java.util.Arrays.copyOfRange(json, 1, json.length); // without its opening brace
    }

    /** The request with {@code id} (which must need no JSON escaping, as request ids do not). */
    byte[] withId(String id) {
      byte[] head = ("{\"id\":\"" + id + "\",").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      byte[] request = java.util.Arrays.copyOf(head, head.length + afterId.length);
      System.arraycopy(afterId, 0, request, head.length, afterId.length);
      return request;
    }
  }

  static List<RequestTemplate> templates(List<byte[]> images, List<String> outputs) throws IOException {
    List<RequestTemplate> templates = new java.util.ArrayList<>();
    for (byte[] image : images) {
      templates.add(new RequestTemplate(image, outputs));
    }
    return templates;
  }

  /** Publishes a request; the future tells its partition and offset once the broker has it. */
  Future<RecordMetadata> send(String id, byte[] request) {
    return producer.send(new ProducerRecord<>(config.kafka().requestsTopic(), id, request));
  }

  /** Waits until every request sent so far is in the broker. */
  void flush() {
    producer.flush();
  }

  List<ConsumerRecord<String, byte[]>> poll(Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
    consumer.poll(timeout).forEach(records::add);
    return records;
  }

  /**
   * Completions per second with a backlog of {@code backlog} requests kept in the service, counted over at
   * least {@code seconds} and {@code minCompletions} completions after one backlog's worth of warm-up; every
   * request must end ok. Completions arrive a batch at a time, so the count runs from the end of one arrival
   * to the end of another: a window that ended between batches would miss part of one.
   *
   * @param outputs the outputs to ask for, empty for the service's default
   */
  public double requestsPerSecond(List<byte[]> images, List<String> outputs, int backlog, double seconds,
      int minCompletions) throws IOException {
    String row = "e2e-" + rows++ + "-";
    List<RequestTemplate> requests = templates(images, outputs);
    long deadline = System.nanoTime() + ROW_TIMEOUT.toNanos();
    int sent = 0;
    int done = 0;
    int warmUp = backlog;
    long start = 0;
    int doneAtStart = 0;
    while (true) {
      for (; sent - done < backlog; sent++) {
        send(row + sent, requests.get(sent % requests.size()).withId(row + sent));
      }
      int arrived = 0;
      for (ConsumerRecord<String, byte[]> r : poll(Duration.ofMillis(50))) {
        if (r.key() == null || !r.key().startsWith(row)) {
          continue; // a previous row's straggler
        }
        JsonNode completion = JSON.readTree(r.value());
        if (!"ok".equals(completion.path("status").asText())) {
          throw new IllegalStateException("request " + r.key() + " failed: " + completion.path("error"));
        }
        done++;
        arrived++;
      }
      long now = System.nanoTime();
      if (start == 0 && done >= warmUp) {
        start = now;
        doneAtStart = done;
      } else if (start != 0 && arrived > 0 && now - start >= seconds * 1e9 && done - doneAtStart >= minCompletions) {
        double rate = (done - doneAtStart) / ((now - start) / 1e9);
        drain(row, sent - done);
        return rate;
      }
      if (now > deadline) {
        throw new IllegalStateException("the service path did not finish " + sent + " requests in " + ROW_TIMEOUT);
      }
    }
  }

  /** Waits for the row's last completions, so the next row starts with an empty service. */
  private void drain(String row, int outstanding) {
    long deadline = System.nanoTime() + ROW_TIMEOUT.toNanos();
    while (outstanding > 0 && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : poll(Duration.ofMillis(200))) {
        if (r.key() != null && r.key().startsWith(row)) {
          outstanding--;
        }
      }
    }
  }

  @Override
  public void close() throws Exception {
    try (stack) {
      producer.close();
      consumer.close();
      runner.close();
    } finally {
      deleteRecursively(objects);
      deleteRecursively(kafkaData);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedStack stack) {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.kafka().bootstrapServers());
    p.put("linger.ms", "10");
    // Inline photos are 100-300 KB: room for several per batch, as a job publisher sending many would give.
    p.put("batch.size", "1048576");
    p.put("max.request.size", "16777216");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedStack stack) {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.kafka().bootstrapServers());
    p.put("group.id", "e2e-reader-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
