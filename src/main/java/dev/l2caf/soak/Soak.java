package dev.l2caf.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * N requests through the real pipeline on embedded infrastructure, counting what a backfill's owner
 * cares about: lost and duplicate completions, throughput, latency, memory. The worker runs in this JVM,
 * so heap and RSS are the worker's plus the embedded servers'.
 */
public final class Soak {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Soak() {}

  /**
   * @param images the photos to cycle through (sent inline)
   * @param outputs the outputs each request asks for, empty for the service's default
   * @param chaosSeed with a seed, the broker restarts, S3 stops for 10 s and the worker is replaced, once
   *     each, at moments drawn from it ({@code soak --chaos}); empty for a run without faults
   * @param settings the worker's configuration beyond the embedded endpoints (L2CAF_* names), empty for defaults
   * @param progress told the number of completions so far
   */
  public static SoakReport run(int requests, List<byte[]> images, List<String> outputs, Duration timeout,
      OptionalLong chaosSeed, Map<String, String> settings, IntConsumer progress) throws Exception {
    MemoryWatch memory = new MemoryWatch();
    try (EndToEnd e2e = EndToEnd.start(settings);
        Chaos chaos = chaosSeed.isPresent() ? new Chaos(e2e, chaosSeed.getAsLong(), requests) : null) {
      List<EndToEnd.RequestTemplate> templates = EndToEnd.templates(images, outputs);
      Map<String, Long> sentAt = new HashMap<>();
      Map<String, Future<RecordMetadata>> placed = new HashMap<>();
      long start = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        String id = "soak-" + i;
        sentAt.put(id, System.nanoTime());
        placed.put(id, e2e.send(id, templates.get(i % templates.size()).withId(id)));
      }
      e2e.flush(); // every request in the broker before any fault
      if (chaos != null) {
        chaos.start();
      }
      return collect(e2e, requests, sentAt, placed, start, timeout, memory, chaos, progress);
    } finally {
      memory.close();
    }
  }

  private static SoakReport collect(EndToEnd e2e, int requests, Map<String, Long> sentAt,
      Map<String, Future<RecordMetadata>> placed, long start, Duration timeout, MemoryWatch memory, Chaos chaos,
      IntConsumer progress) throws Exception {
    System.gc(); // the live heap before and after: what survives a collection
    long liveHeapAtStart = memory.liveHeap();
    Map<String, Integer> seen = new HashMap<>();
    Map<String, JsonNode> first = new HashMap<>();
    Map<String, List<JsonNode>> repeated = new HashMap<>();
    Map<String, Long> firstRepeatAt = new HashMap<>();
    List<Long> latencies = new ArrayList<>();
    List<Long> serviceTimes = new ArrayList<>();
    int ok = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastArrival = start;
    // After the last completion (and the last fault), linger a little so late duplicates are counted too.
    while (System.nanoTime() < deadline && (seen.size() < requests || System.nanoTime() - lastArrival < 2e9
        || chaos != null && !chaos.finished())) {
      for (ConsumerRecord<String, byte[]> r : e2e.poll(Duration.ofMillis(200))) {
        lastArrival = System.nanoTime();
        JsonNode c = JSON.readTree(r.value());
        if (seen.merge(r.key(), 1, Integer::sum) > 1) {
          repeated.computeIfAbsent(r.key(), id -> new ArrayList<>(List.of(first.get(id)))).add(c);
          firstRepeatAt.putIfAbsent(r.key(), lastArrival);
        } else {
          first.put(r.key(), c);
          ok += "ok".equals(c.path("status").asText()) ? 1 : 0;
          serviceTimes.add(c.path("timings").path("total_ms").asLong());
          Long sent = sentAt.get(r.key());
          if (sent != null) {
            latencies.add((lastArrival - sent) / 1_000_000);
          }
          progress.accept(seen.size());
          if (chaos != null) {
            chaos.completions(seen.size());
          }
        }
      }
    }
    System.gc();
    double seconds = (lastArrival - start) / 1e9;
    latencies.sort(Long::compare);
    serviceTimes.sort(Long::compare);
    int duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
    int lost = (int) sentAt.keySet().stream().filter(id -> !seen.containsKey(id)).count();
    ChaosReport chaosReport = chaos == null ? null
        : chaosReport(chaos, start, placed, firstRepeatAt);
    return new SoakReport(requests, seen.size(), ok, seen.size() - ok, lost, duplicates, seconds,
        seen.size() / Math.max(seconds, 1e-9), percentile(latencies, 50), percentile(latencies, 95),
        percentile(latencies, 99), percentile(serviceTimes, 50), percentile(serviceTimes, 95),
        percentile(serviceTimes, 99), memory.maxHeap.get(), memory.maxResident.get(), liveHeapAtStart,
        memory.liveHeap(), e2e.runner().board().stageTimes(), chaosReport, repeated);
  }

  /**
   * The faults as they happened, and how many repeated requests had been committed at every fault before
   * their repeat: none should be, a request is answered again only if a fault caught it uncommitted.
   */
  private static ChaosReport chaosReport(Chaos chaos, long start, Map<String, Future<RecordMetadata>> placed,
      Map<String, Long> firstRepeatAt) throws Exception {
    List<Chaos.Injected> injected = chaos.injected();
    int repeatsOfCommitted = 0;
    for (Map.Entry<String, Long> repeat : firstRepeatAt.entrySet()) {
      RecordMetadata request = placed.get(repeat.getKey()).get();
      boolean caught = injected.stream().anyMatch(f -> f.startNanos() <= repeat.getValue()
          && request.offset() >= f.committed().getOrDefault(request.partition(), 0L));
      repeatsOfCommitted += caught ? 0 : 1;
    }
    List<ChaosReport.Fault> faults = injected.stream()
        .map(f -> new ChaosReport.Fault(f.kind().label,
            f.atCompletions(), (f.startNanos() - start) / 1e9, (f.endNanos() - f.startNanos()) / 1e9))
        .toList();
    return new ChaosReport(chaos.seed(), faults, repeatsOfCommitted);
  }

  static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
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
      maxHeap.accumulateAndGet(liveHeap(), Math::max);
      maxResident.accumulateAndGet(residentBytes(), Math::max);
    }

    long liveHeap() {
      return ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null)
          .mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
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
