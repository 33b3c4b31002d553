package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2caf.TestAssets;
import dev.l2caf.service.ServiceHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers in child JVMs, killed as an orchestrator would: SIGKILL mid-stream loses nothing (a new worker
 * in the group finishes), SIGTERM finishes, publishes and commits what it holds and exits in time.
 */
class WorkerCrashTest {
  @TempDir Path temp;

  private static Map<String, String> workerEnv(ServiceHarness h, String group) {
    return Map.of(
        "L2CAF_KAFKA_BOOTSTRAP_SERVERS", h.kafka.bootstrapServers(),
        "L2CAF_KAFKA_GROUP_ID", group,
        "L2CAF_S3_ENDPOINT", h.s3.endpoint().toString(),
        "AWS_ACCESS_KEY_ID", ServiceHarness.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", ServiceHarness.SECRET);
  }

  private static void sendRequests(ServiceHarness h, String prefix, int count) {
    String small = Base64.getEncoder().encodeToString(TestAssets.sampleBytes("eagle.jpg"));
    for (int i = 0; i < count; i++) {
      h.send(prefix + i, Map.of("id", prefix + i, "image", Map.of("base64", small), "top_k", 2,
          "outputs", List.of("heatmap_png", "raw_json")));
    }
  }

  /** Every completion by id (duplicates kept), read from the start of the topic. */
  private static Map<String, List<JsonNode>> completions(ServiceHarness h, int atLeastDistinct, Duration timeout) {
    Map<String, List<JsonNode>> byId = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      byId.clear();
      for (ConsumerRecord<String, byte[]> r : h.read("l2caf.completions", Integer.MAX_VALUE, Duration.ofSeconds(3))) {
        byId.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(ServiceHarness.json(r.value()));
      }
      if (byId.size() >= atLeastDistinct) {
        break;
      }
    }
    return byId;
  }

  @Test
  void aWorkerKilledMidStreamLosesNothing() throws Exception {
    try (ServiceHarness h = new ServiceHarness(Map.of())) {
      String group = "crash-group";
      int n = 60;
      WorkerProcess first = WorkerProcess.start(workerEnv(h, group), temp.resolve("first.log"));
      sendRequests(h, "kill-", n);
      completions(h, 8, Duration.ofSeconds(120)); // some done, the rest in flight
      first.kill();
      try (WorkerProcess second = WorkerProcess.start(workerEnv(h, group), temp.resolve("second.log"))) {
        Map<String, List<JsonNode>> byId = completions(h, n, Duration.ofSeconds(240));
        for (int i = 0; i < n; i++) {
          List<JsonNode> all = byId.get("kill-" + i);
          assertNotNull(all, "kill-" + i + " was lost; logs in " + temp);
          for (JsonNode c : all) {
            assertEquals("ok", c.get("status").asText(), c.toString());
          }
          // A request answered by the killed worker but not yet committed is answered again, the same way.
          for (JsonNode c : all) {
            SameAnswers.assertSame(all.get(0), c, "duplicate of kill-" + i);
          }
        }
        second.terminate(Duration.ofSeconds(60));
      }
    }
  }

  @Test
  void sigtermFinishesPublishesCommitsAndExitsInTime() throws Exception {
    try (ServiceHarness h = new ServiceHarness(Map.of())) {
      String group = "term-group";
      int n = 40;
      WorkerProcess first = WorkerProcess.start(workerEnv(h, group), temp.resolve("first.log"));
      sendRequests(h, "term-", n);
      completions(h, 5, Duration.ofSeconds(120));
      long start = System.nanoTime();
      int exit = first.terminate(Duration.ofSeconds(40));
      double seconds = (System.nanoTime() - start) / 1e9;
      // The JVM reports a SIGTERM exit as 143 (128 + 15) even when its shutdown hook finished cleanly.
      assertEquals(143, exit, "exit code; log " + first.log);
      String log = java.nio.file.Files.readString(first.log);
      assertTrue(log.contains("explanation service stopped"), "the graceful stop ran; log " + first.log);
      assertTrue(seconds < 35, "stopped in " + seconds + " s (bound 30 s)");
      int answeredByFirst = completions(h, 0, Duration.ofSeconds(5)).size();
      try (WorkerProcess second = WorkerProcess.start(workerEnv(h, group), temp.resolve("second.log"))) {
        Map<String, List<JsonNode>> byId = completions(h, n, Duration.ofSeconds(240));
        assertEquals(n, byId.size(), "every request answered");
        for (Map.Entry<String, List<JsonNode>> e : byId.entrySet()) {
          assertEquals(1, e.getValue().size(), e.getKey() + " answered twice: the first worker committed all it published");
        }
        assertTrue(answeredByFirst > 0);
        second.terminate(Duration.ofSeconds(60));
      }
    }
  }
}
