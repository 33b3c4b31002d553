package dev.l2caf.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.embedded.EmbeddedKafka;
import dev.l2caf.embedded.EmbeddedStack;
import dev.l2caf.service.ServiceRunner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * N requests through the real pipeline on embedded infrastructure, counting what a backfill's owner
 * cares about: lost and duplicate completions, throughput, latency, memory. The worker runs in this JVM,
 * so heap and RSS are the worker's plus the embedded servers'.
 */
public final class Soak {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "soak";
  private static final String SECRET = "soak-secret-value";

  private Soak() {}

  /**
   * @param images the photos to cycle through (sent inline)
   * @param progress told the number of completions so far
   */
  public static SoakReport run(int requests, List<byte[]> images, Duration timeout, IntConsumer progress)
      throws Exception {
    MemoryWatch memory = new MemoryWatch();
    // Objects on disk, not in the S3 server's memory: the heap then measures the worker, not the results.
    Path objects = Files.createTempDirectory("l2caf-soak-objects");
    try (EmbeddedStack stack = EmbeddedStack.start(0, null, 0, objects, KEY, SECRET, "l2caf")) {
      EmbeddedKafka kafka = stack.kafka();
      ServiceConfig config = stack.config(Map.of(
          "L2CAF_KAFKA_GROUP_ID", "soak-" + UUID.randomUUID(),
          "L2CAF_HTTP_PORT", "0"));
      try (ServiceRunner runner = ServiceRunner.start(config)) {
        List<String> encoded = images.stream().map(b -> Base64.getEncoder().encodeToString(b)).toList();
        Map<String, Long> sentAt = new HashMap<>();
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
          for (int i = 0; i < requests; i++) {
            String id = "soak-" + i;
            byte[] value = JSON.writeValueAsBytes(Map.of("id", id, "image", Map.of("base64", encoded.get(i % encoded.size())),
                "outputs", List.of("heatmap_png", "overlay_png", "raw_json")));
            sentAt.put(id, System.nanoTime());
            producer.send(new ProducerRecord<>(config.kafka().requestsTopic(), id, value));
          }
        }
        return collect(kafka, config, requests, sentAt, start, timeout, memory, progress);
      }
    } finally {
      memory.close();
      deleteRecursively(objects);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static SoakReport collect(EmbeddedKafka kafka, ServiceConfig config, int requests, Map<String, Long> sentAt,
      long start, Duration timeout, MemoryWatch memory, IntConsumer progress) throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    List<Long> latencies = new ArrayList<>();
    List<Long> serviceTimes = new ArrayList<>();
    int ok = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastArrival = start;
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      consumer.subscribe(List.of(config.kafka().completionsTopic()));
      // After the last completion, linger a little so late duplicates are counted too.
      while (System.nanoTime() < deadline && (seen.size() < requests || System.nanoTime() - lastArrival < 2e9)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          lastArrival = System.nanoTime();
          if (seen.merge(r.key(), 1, Integer::sum) == 1) {
            JsonNode c = JSON.readTree(r.value());
            ok += "ok".equals(c.path("status").asText()) ? 1 : 0;
            serviceTimes.add(c.path("timings").path("total_ms").asLong());
            Long sent = sentAt.get(r.key());
            if (sent != null) {
              latencies.add((lastArrival - sent) / 1_000_000);
            }
            progress.accept(seen.size());
          }
        }
      }
    }
    double seconds = (lastArrival - start) / 1e9;
    latencies.sort(Long::compare);
    serviceTimes.sort(Long::compare);
    int duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
    int lost = (int) sentAt.keySet().stream().filter(id -> !seen.containsKey(id)).count();
    return new SoakReport(requests, seen.size(), ok, seen.size() - ok, lost, duplicates, seconds,
        seen.size() / Math.max(seconds, 1e-9), percentile(latencies, 50), percentile(latencies, 95),
        percentile(latencies, 99), percentile(serviceTimes, 50), percentile(serviceTimes, 95),
        percentile(serviceTimes, 99), memory.maxHeap.get(), memory.maxResident.get());
  }

  static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("linger.ms", "10");
    p.put("max.request.size", "16777216");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("group.id", "soak-reader-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Samples used heap and resident memory every 200 ms and keeps the maxima. */
  private static final class MemoryWatch implements AutoCloseable {
    final AtomicLong maxHeap = new AtomicLong();
    final AtomicLong maxResident = new AtomicLong();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "l2caf-soak-memory");
      t.setDaemon(true);
      return t;
    });

    MemoryWatch() {
      sampler.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Live heap: what the heap pools held after their last collection (used heap counts garbage too). */
    private void sample() {
      long live = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null)
          .mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
      maxHeap.accumulateAndGet(live, Math::max);
      maxResident.accumulateAndGet(residentBytes(), Math::max);
    }

    @Override
    public void close() {
      sample();
      sampler.shutdownNow();
    }
  }

  /** This process's resident set size, from /proc (Linux; 0 elsewhere). */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
