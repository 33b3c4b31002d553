package dev.l2caf.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.model.LoadedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every tensor is closed: repeating the whole path (decode, forward, solve) keeps native memory flat. */
class NativeMemoryTest {
  @Test
  void explainingTheSameImage2000TimesKeepsResidentMemoryFlat() {
    LoadedModel model = TestAssets.model();
    ImagePipeline pipeline = TestAssets.pipeline();
    byte[] dog = TestAssets.sampleBytes("dog.jpg");
    ExplainOptions options = ExplainOptions.defaults();
    Runnable once = () -> Explainer.explain(model, List.of(pipeline.prepare("dog.jpg", dog, false)), options);
    for (int i = 0; i < 300; i++) {
      once.run();
    }
    System.gc();
    long warm = TestAssets.residentBytes();
    for (int i = 0; i < 1700; i++) {
      once.run();
    }
    System.gc();
    long end = TestAssets.residentBytes();
    // One leaked input tensor per call would add 1700 * 602 KB = 1 GB; 10% of a ~0.5 GB process is far below.
    assertTrue(end <= warm * 1.10, "RSS grew from " + warm / 1_048_576 + " MiB to " + end / 1_048_576 + " MiB");
  }
}
