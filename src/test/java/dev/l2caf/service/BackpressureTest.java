package dev.l2caf.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2caf.TestAssets;
import dev.l2caf.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The consumer holds at most {@code kafka.max-in-flight} requests: with a backlog of 40 and a bound of 4 it
 * pauses, resumes as answers are acknowledged, answers every request, and ends with nothing in flight.
 */
class BackpressureTest {
  private static final int MAX_IN_FLIGHT = 4;
  private static final int REQUESTS = 40;
  private static final List<String> SAMPLES = List.of("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg");

  /** Records what the pipeline reports about its flow control; called from the consumer's event loop. */
  static final class FlowRecorder implements ServiceEvents {
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicBoolean pausedSeen = new AtomicBoolean();
    final AtomicInteger resumes = new AtomicInteger();
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong reports = new AtomicLong();
    final List<String> trace = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile int lastCount = -1;
    private volatile boolean lastPaused;

    @Override
    public void requestReceived(String id) {
      received.incrementAndGet();
    }

    @Override
    public void batchProcessed(int size, double computeMs) {}

    @Override
    public void requestSucceeded(ResultSummary result) {
      succeeded.incrementAndGet();
    }

    @Override
    public void requestFailed(String id, String code, String message) {
      failed.incrementAndGet();
      trace.add("failed " + id + " " + code + ": " + message);
    }

    @Override
    public synchronized void inFlight(int count, boolean paused) {
      reports.incrementAndGet();
      maxInFlight.accumulateAndGet(count, Math::max);
      if (paused) {
        pausedSeen.set(true);
      } else if (lastPaused) {
        resumes.incrementAndGet();
      }
      if (paused != lastPaused || trace.size() < 200) {
        trace.add(count + (paused ? "P" : ""));
      }
      lastCount = count;
      lastPaused = paused;
    }

    synchronized int lastCount() {
      return lastCount;
    }

    synchronized boolean lastPaused() {
      return lastPaused;
    }

    @Override
    public void consumerLag(Map<String, Long> lagByPartition) {}

    @Override
    public void modelReady(boolean ready) {}

    @Override
    public void partitionsAssigned(boolean assigned) {}
  }

  private static Map<String, Object> request(int n) {
    String sample = SAMPLES.get(n % SAMPLES.size());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", "bp-" + n);
    r.put("image", n % 2 == 0
        ? Map.of("uri", "s3://l2caf/inputs/" + sample)
        : Map.of("base64", Base64.getEncoder().encodeToString(TestAssets.sampleBytes(sample))));
    // Flow control is what is tested here: the raw grid only, so no time goes to PNG rendering.
    r.put("outputs", List.of("raw_json"));
    r.put("metadata", Map.of("n", n));
    return r;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
  }

  @Test
  void aBacklogIsConsumedWithinTheInFlightBoundAndFullyAnswered() throws Exception {
    try (ServiceHarness harness = new ServiceHarness(Map.of("L2CAF_KAFKA_MAX_IN_FLIGHT", String.valueOf(MAX_IN_FLIGHT)))) {
      assertEquals(MAX_IN_FLIGHT, harness.config.kafka().maxInFlight(), "the override is read");
      try (ObjectStore store = ObjectStore.create(harness.config.s3())) {
        for (String name : SAMPLES) {
          store.put("inputs/" + name, TestAssets.sampleBytes(name), "image/jpeg").get(30, TimeUnit.SECONDS);
        }
      }
      // The whole backlog is in Kafka before the service starts, so the consumer meets it at once.
      for (int i = 0; i < REQUESTS; i++) {
        harness.send("bp-" + i, request(i));
      }

      FlowRecorder events = new FlowRecorder();
      Vertx vertx = Vertx.vertx();
      ExplanationService service = null;
      try {
        service = await(ExplanationService.start(vertx, harness.config, events));

        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : harness.read("l2caf.completions", REQUESTS, Duration.ofSeconds(120))) {
          JsonNode c = ServiceHarness.json(record.value());
          assertEquals(record.key(), c.get("id").asText());
          assertTrue(byId.put(c.get("id").asText(), c) == null, "one completion per request: " + record.key());
        }
        assertEquals(REQUESTS, byId.size(), "completions: " + byId.keySet() + "; flow: " + events.trace);
        for (int i = 0; i < REQUESTS; i++) {
          JsonNode c = byId.get("bp-" + i);
          assertNotNull(c, "completion of bp-" + i);
          assertEquals("ok", c.get("status").asText(), c.toString());
          assertEquals(i, c.get("metadata").get("n").asInt());
        }

        // The last answers are acknowledged (and reported) just after their completions were readable.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((events.lastCount() != 0 || events.succeeded.get() < REQUESTS) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        String flow = "flow (in flight, P = paused): " + events.trace;
        assertEquals(REQUESTS, events.received.get(), flow);
        assertEquals(REQUESTS, events.succeeded.get(), flow);
        assertEquals(0, events.failed.get(), flow);
        assertTrue(events.pausedSeen.get(), "the consumer paused at the bound; " + flow);
        assertTrue(events.maxInFlight.get() >= MAX_IN_FLIGHT, flow);
        // At most the bound plus what one poll (max.poll.records = min(500, max-in-flight)) had already fetched.
        assertTrue(events.maxInFlight.get() <= 2 * MAX_IN_FLIGHT,
            "max in flight " + events.maxInFlight.get() + " over " + 2 * MAX_IN_FLIGHT + "; " + flow);
        assertTrue(events.resumes.get() >= 1, "the consumer resumed after pausing; " + flow);
        assertEquals(0, events.lastCount(), "nothing left in flight; " + flow);
        assertFalse(events.lastPaused(), "the consumer is running again at the end; " + flow);
      } finally {
        if (service != null) {
          await(service.stop(Duration.ofSeconds(30)));
        }
        await(vertx.close());
      }
    }
  }
}
