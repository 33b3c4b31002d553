package dev.l2caf.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import java.time.Duration;
import dev.l2caf.web.StatusSnapshot.StageTime;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The short soak of the suite: 500 requests, none lost, none duplicated, memory bounded. */
class SoakTest {
  @Test
  void fiveHundredRequestsWithoutLossOrDuplicates() throws Exception {
    List<byte[]> images = List.of(TestAssets.sampleBytes("dog.jpg"), TestAssets.sampleBytes("eagle.jpg"),
        TestAssets.sampleBytes("scream.jpg"));
    // Every picture asked for, so rendering's memory is in the soak too.
    SoakReport r = Soak.run(500, images, List.of("heatmap_png", "overlay_jpg", "raw_json"), Duration.ofMinutes(10),
        OptionalLong.empty(), Map.of(), n -> { });
    assertEquals(0, r.lost(), r.toString());
    assertEquals(0, r.duplicates(), r.toString());
    assertEquals(500, r.ok(), r.toString());
    // Requests are bounded by max-in-flight (256), results are streamed to storage: the heap must not hold the run.
    assertTrue(r.maxHeapBytes() < 768L * 1_048_576, "max live heap " + r.maxHeapBytes() / 1_048_576 + " MiB");
    Map<String, Long> runs = r.stages().stream().collect(Collectors.toMap(StageTime::stage, StageTime::count));
    for (String stage : List.of("decode", "forward", "heatmap_png", "overlay_jpg", "raw_json", "s3_put", "publish")) {
      assertTrue(runs.getOrDefault(stage, 0L) >= 500, stage + " timed for every request: " + runs);
    }
    System.out.println("soak (500): " + r);
  }
}
