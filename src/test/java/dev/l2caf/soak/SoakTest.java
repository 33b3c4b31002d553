package dev.l2caf.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The short soak of the suite: 500 requests, none lost, none duplicated, memory bounded. */
class SoakTest {
  @Test
  void fiveHundredRequestsWithoutLossOrDuplicates() throws Exception {
    List<byte[]> images = List.of(TestAssets.sampleBytes("dog.jpg"), TestAssets.sampleBytes("eagle.jpg"),
        TestAssets.sampleBytes("scream.jpg"));
    SoakReport r = Soak.run(500, images, Duration.ofMinutes(10), n -> { });
    assertEquals(0, r.lost(), r.toString());
    assertEquals(0, r.duplicates(), r.toString());
    assertEquals(500, r.ok(), r.toString());
    // Requests are bounded by max-in-flight (256), results are streamed to storage: the heap must not hold the run.
    assertTrue(r.maxHeapBytes() < 768L * 1_048_576, "max live heap " + r.maxHeapBytes() / 1_048_576 + " MiB");
    System.out.println("soak (500): " + r);
  }
}
