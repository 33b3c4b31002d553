package dev.l2caf.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2caf.TestAssets;
import dev.l2caf.reliability.SameAnswers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@code soak --chaos} in small: 150 requests while the broker restarts, S3 stops for 10 s and the worker is
 * replaced. Nothing is lost, every request ends ok, and a request answered twice was caught uncommitted by a
 * fault and answered the same way both times.
 */
class ChaosSoakTest {
  /** Fixed, so that a failure replays with the same planned moments. */
  private static final long SEED = 20261203L;
  private static final int REQUESTS = 150;

  @Test
  void nothingIsLostThroughABrokerRestartAnS3OutageAndAWorkerReplacement() throws Exception {
    List<byte[]> images = List.of(TestAssets.sampleBytes("dog.jpg"), TestAssets.sampleBytes("eagle.jpg"),
        TestAssets.sampleBytes("scream.jpg"));
    // A small in-flight bound, so that a worker cannot take all 150 at once and each fault hits a stream.
    SoakReport r = Soak.run(REQUESTS, images, List.of(), Duration.ofMinutes(10), OptionalLong.of(SEED),
        Map.of("L2CAF_KAFKA_MAX_IN_FLIGHT", "16"), n -> { });
    System.out.println("chaos soak (150): " + r);

    assertEquals(3, r.chaos().faults().size(), r.chaos().toString());
    for (ChaosReport.Fault f : r.chaos().faults()) {
      assertTrue(f.atCompletions() < REQUESTS, f + " came after the last request was answered");
    }
    assertEquals(0, r.lost(), r.toString());
    assertEquals(REQUESTS, r.ok(), r.toString());
    assertEquals(0, r.chaos().repeatsOfCommitted(), r.toString());
    for (Map.Entry<String, List<JsonNode>> e : r.repeated().entrySet()) {
      for (JsonNode again : e.getValue()) {
        SameAnswers.assertSame(e.getValue().get(0), again, "repeat of " + e.getKey());
      }
    }
  }
}
