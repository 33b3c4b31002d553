package dev.l2caf.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.model.LoadedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every tensor is closed: repeating the whole path (decode, forward, solve) keeps native memory flat. Native
 * memory is read as resident memory less the JVM's committed heap, since a heap that grows to take the
 * solvers' garbage is resident too but is not a leak.
 */
class NativeMemoryTest {
  private static long outsideHeapBytes() {
    return TestAssets.residentBytes() - Runtime.getRuntime().totalMemory();
  }

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
    long warm = outsideHeapBytes();
    for (int i = 0; i < 1700; i++) {
      once.run();
    }
    System.gc();
    long end = outsideHeapBytes();
    // One leaked input tensor per call would add 1700 * 602 KB = 1 GB; the allocators' wander is far below 200 MiB.
    long grownMiB = (end - warm) / 1_048_576;
    assertTrue(grownMiB < 200, "native memory grew from " + warm / 1_048_576 + " MiB to " + end / 1_048_576 + " MiB");
  }

  @Test
  void failingInputsLeakNothingEither() {
    LoadedModel model = TestAssets.model();
    ImagePipeline pipeline = TestAssets.pipeline();
    byte[] dog = TestAssets.sampleBytes("dog.jpg");
    // Valid headers, broken entropy-coded data: TensorFlow's decoder fails, then the Java one.
    byte[] corrupt = dog.clone();
    for (int i = dog.length / 3; i < dog.length - 2; i += 7) {
      corrupt[i] = (byte) 0xFF;
    }
    ExplainOptions unknownClass = ExplainOptions.defaults().withClasses(List.of(5000));
    Runnable failures = () -> {
      try {
        pipeline.prepare("corrupt.jpg", corrupt, false);
      } catch (RuntimeException expected) {
        // refused as it should be
      }
      try {
        Explainer.explain(model, List.of(pipeline.prepare("dog.jpg", dog, false)), unknownClass);
      } catch (ExplainException expected) {
        // refused as it should be
      }
    };
    // The native allocator's arenas settle after a few hundred decodes (measured: ~500 MiB plateau).
    for (int i = 0; i < 600; i++) {
      failures.run();
    }
    System.gc();
    long warm = outsideHeapBytes();
    for (int i = 0; i < 1500; i++) {
      failures.run();
    }
    System.gc();
    long end = outsideHeapBytes();
    // The decoders' native allocations make RSS wander: +-50 MiB alone (measured over 6000 failures, no trend),
    // up to +156 MiB late in the full suite's 6 GB JVM. The smallest tensor a failure could leak (the 224x224x3
    // float input, 600 KB) would add 900 MB here, three times the bound.
    long grownMiB = (end - warm) / 1_048_576;
    assertTrue(grownMiB < 300, "native memory grew by " + grownMiB + " MiB over 1500 failures, from " + warm / 1_048_576 + " MiB");
  }
}
